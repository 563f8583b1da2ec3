/**
 * A signing secret read as a key set (issue 9, `signing-key-set.ts`): one cached GetSecretValue of
 * AWSCURRENT (the set holds every live key, so AWSPREVIOUS is never needed). A warm container whose
 * cached set predates a rotation meets a token naming a newer key; the verifier then forces ONE
 * refetch. Forced refetches are at most one per `minForcedIntervalMs` per container, shared by
 * concurrent callers, so tokens with made-up kids cannot turn into a flood of Secrets Manager calls.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sdkClientConfig } from '../../shared/aws-clients';
import { keySetOf, type SigningKeySet } from '../domain/signing-key-set';
import type { KeyRingSource } from '../ports';
import { LocalKeyRing } from './key-ring';

const CACHE_MS = 300_000;
const MIN_FORCED_INTERVAL_MS = 1_000;

export interface KeySetCacheOptions {
  readonly maxAgeMs?: number;
  readonly minForcedIntervalMs?: number;
  readonly now?: () => number;
}

abstract class CachedKeySet implements KeyRingSource {
  private cached: { set: SigningKeySet; fetchedAt: number } | undefined;
  private inFlight: Promise<SigningKeySet> | undefined;
  private readonly maxAgeMs: number;
  private readonly minForcedIntervalMs: number;
  private readonly now: () => number;

  constructor(options: KeySetCacheOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? CACHE_MS;
    this.minForcedIntervalMs = options.minForcedIntervalMs ?? MIN_FORCED_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  protected abstract fetch(): Promise<SigningKeySet>;

  async keySet(options: { forceFetch?: boolean } = {}): Promise<SigningKeySet> {
    const age = this.cached ? this.now() - this.cached.fetchedAt : Infinity;
    const fresh = age < (options.forceFetch ? this.minForcedIntervalMs : this.maxAgeMs);
    if (this.cached && fresh) return this.cached.set;
    this.inFlight ??= this.fetch()
      .then((set) => {
        this.cached = { set, fetchedAt: this.now() };
        return set;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  /** Every live key, newest first (cursors and the OAuth state sign with the first). */
  async keyRing(options: { forceFetch?: boolean } = {}): Promise<readonly string[]> {
    return (await this.keySet(options)).keys.map((k) => k.key);
  }
}

export class SecretsManagerKeySet extends CachedKeySet {
  constructor(
    private readonly secretId: string,
    private readonly client = new SecretsManagerClient(sdkClientConfig()),
    options: KeySetCacheOptions = {},
  ) {
    super(options);
  }

  protected async fetch(): Promise<SigningKeySet> {
    const answer = await this.client.send(
      new GetSecretValueCommand({ SecretId: this.secretId, VersionStage: 'AWSCURRENT' }),
    );
    if (typeof answer.SecretString !== 'string' || answer.SecretString.length === 0) {
      throw new Error(`secret ${this.secretId} has no current string value`);
    }
    return keySetOf(answer.SecretString, answer.CreatedDate ?? new Date(0));
  }
}

/** Local mode: the first value of the secret's ring in WEDSYNC_LOCAL_SECRETS (a plain key or a set). */
export class LocalKeySet extends CachedKeySet {
  private readonly ring: LocalKeyRing;

  constructor(secretId: string) {
    // The variable is read on every call: tests change it to stage a rotation.
    super({ maxAgeMs: 0, minForcedIntervalMs: 0 });
    this.ring = new LocalKeyRing(secretId);
  }

  protected async fetch(): Promise<SigningKeySet> {
    const [current] = await this.ring.keyRing();
    return keySetOf(current ?? '', new Date(0));
  }
}

export function keySetFor(secretId: string): CachedKeySet {
  return process.env.WEDSYNC_LOCAL_SECRETS ? new LocalKeySet(secretId) : new SecretsManagerKeySet(secretId);
}
