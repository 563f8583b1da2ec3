/**
 * Signing-key rings from Secrets Manager (Powertools parameters, cached) or, in the local mode,
 * from the WEDSYNC_LOCAL_SECRETS environment variable. A ring is [AWSCURRENT, AWSPREVIOUS]: a
 * rotation adds a new current version, and tokens signed with the old one keep verifying.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { sdkClientConfig } from '../../shared/aws-clients';
import type { KeyRingSource } from '../ports';

const CACHE_SECONDS = 300;

export class SecretsManagerKeyRing implements KeyRingSource {
  // Two providers: Powertools caches by secret name, so one provider would hand the cached
  // AWSCURRENT value back when asked for AWSPREVIOUS.
  constructor(
    private readonly secretId: string,
    private readonly current = new SecretsProvider({ clientConfig: sdkClientConfig() }),
    private readonly previous = new SecretsProvider({ clientConfig: sdkClientConfig() }),
  ) {}

  async keyRing(options: { forceFetch?: boolean } = {}): Promise<readonly string[]> {
    const forceFetch = options.forceFetch ?? false;
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
