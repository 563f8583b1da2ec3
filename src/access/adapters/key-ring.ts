/**
 * Signing-key rings from Secrets Manager (Powertools parameters, cached) or, in the local mode,
 * from the WEDSYNC_LOCAL_SECRETS environment variable. A ring is [AWSCURRENT, AWSPREVIOUS]: a
 * rotation adds a new current version, and tokens signed with the old one keep verifying.
 * A forced fetch (a verification that failed with the cached ring, src/shared/refetch-once.ts)
 * reaches Secrets Manager at most once per `minForcedIntervalMs` per container, shared by
 * concurrent callers: requests with forged signatures cannot become a flood of GetSecretValue calls.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { sdkClientConfig } from '../../shared/aws-clients';
import type { KeyRingSource } from '../ports';

const CACHE_SECONDS = 300;
const MIN_FORCED_INTERVAL_MS = 1_000;

export interface KeyRingOptions {
  readonly minForcedIntervalMs?: number;
  readonly now?: () => number;
}

export class SecretsManagerKeyRing implements KeyRingSource {
  // Two providers: Powertools caches by secret name, so one provider would hand the cached
  // AWSCURRENT value back when asked for AWSPREVIOUS.
  constructor(
    private readonly secretId: string,
    private readonly current = new SecretsProvider({ clientConfig: sdkClientConfig() }),
    private readonly previous = new SecretsProvider({ clientConfig: sdkClientConfig() }),
    private readonly options: KeyRingOptions = {},
  ) {}

  private lastForcedAt = -Infinity;
  private forced: Promise<readonly string[]> | undefined;

  async keyRing(options: { forceFetch?: boolean } = {}): Promise<readonly string[]> {
    if (!options.forceFetch) return this.fetch(false);
    if (this.forced) return this.forced;
    const now = (this.options.now ?? Date.now)();
    if (now - this.lastForcedAt < (this.options.minForcedIntervalMs ?? MIN_FORCED_INTERVAL_MS)) {
      return this.fetch(false); // refetched a moment ago: the cache is as fresh as it gets
    }
    this.lastForcedAt = now;
    this.forced = this.fetch(true).finally(() => {
      this.forced = undefined;
    });
    return this.forced;
  }

  private async fetch(forceFetch: boolean): Promise<readonly string[]> {
    const current = await this.current.get(this.secretId, { maxAge: CACHE_SECONDS, forceFetch });
    if (typeof current !== 'string' || current.length === 0) {
      throw new Error(`secret ${this.secretId} has no current string value`);
    }
    let previous: unknown;
    try {
      previous = await this.previous.get(this.secretId, {
        maxAge: CACHE_SECONDS,
        forceFetch,
        sdkOptions: { VersionStage: 'AWSPREVIOUS' },
      });
    } catch (error) {
      // A secret that was never rotated has no AWSPREVIOUS version: that is not an error.
      if (
        !(error instanceof Error) ||
        !/AWSPREVIOUS|ResourceNotFound|version/i.test(
          `${error.name} ${error.message}${String(error.cause ?? '')}`,
        )
      ) {
        throw error;
      }
    }
    return typeof previous === 'string' && previous.length > 0 && previous !== current
      ? [current, previous]
      : [current];
  }
}

/** Local mode: `{"<secret id>": ["current", "previous"?]}` in WEDSYNC_LOCAL_SECRETS. */
export class LocalKeyRing implements KeyRingSource {
  constructor(private readonly secretId: string) {}

  async keyRing(): Promise<readonly string[]> {
    const raw = process.env.WEDSYNC_LOCAL_SECRETS;
    if (!raw) throw new Error('WEDSYNC_LOCAL_SECRETS is not set (local mode secrets)');
    const ring = (JSON.parse(raw) as Record<string, unknown>)[this.secretId];
    if (
      !Array.isArray(ring) ||
      ring.length === 0 ||
      !ring.every((k) => typeof k === 'string' && k.length > 0)
    ) {
      throw new Error(`WEDSYNC_LOCAL_SECRETS has no key ring for ${this.secretId}`);
    }
    return ring as string[];
  }
}

export function keyRingFor(
  secretId: string,
): KeyRingSource & { keyRing(o?: { forceFetch?: boolean }): Promise<readonly string[]> } {
  return process.env.WEDSYNC_LOCAL_SECRETS ? new LocalKeyRing(secretId) : new SecretsManagerKeyRing(secretId);
}
