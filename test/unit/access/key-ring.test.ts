import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalKeyRing, SecretsManagerKeyRing } from '../../../src/access/adapters/key-ring';

// Secrets Manager has no local emulator here, so its client is mocked.
const secrets = mockClient(SecretsManagerClient);

describe('SecretsManagerKeyRing', () => {
  beforeEach(() => secrets.reset());

  it('returns [current, previous] from the two version stages', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 's1' }).resolves({ SecretString: 'current-key' });
    secrets
      .on(GetSecretValueCommand, { SecretId: 's1', VersionStage: 'AWSPREVIOUS' })
      .resolves({ SecretString: 'previous-key' });
    expect(await new SecretsManagerKeyRing('s1').keyRing()).toEqual(['current-key', 'previous-key']);
  });

  it('returns only the current key for a secret that was never rotated', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 's2' }).resolves({ SecretString: 'only' });
    secrets.on(GetSecretValueCommand, { SecretId: 's2', VersionStage: 'AWSPREVIOUS' }).rejects(
      new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
        $metadata: {},
      }),
    );
    expect(await new SecretsManagerKeyRing('s2').keyRing()).toEqual(['only']);
  });

  it('caches, and refetches when forced (after a rotation)', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 's3' }).resolves({ SecretString: 'v1' });
    secrets
      .on(GetSecretValueCommand, { SecretId: 's3', VersionStage: 'AWSPREVIOUS' })
      .resolves({ SecretString: 'v0' });
    const ring = new SecretsManagerKeyRing('s3');
    await ring.keyRing();
    await ring.keyRing();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    secrets.on(GetSecretValueCommand, { SecretId: 's3' }).resolves({ SecretString: 'v2' });
    secrets
      .on(GetSecretValueCommand, { SecretId: 's3', VersionStage: 'AWSPREVIOUS' })
      .resolves({ SecretString: 'v1' });
    expect(await ring.keyRing({ forceFetch: true })).toEqual(['v2', 'v1']);
  });

  it('lets one forced fetch a second through, shared by concurrent callers (forged signatures cannot flood)', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 's5' }).resolves({ SecretString: 'v1' });
    let now = 0;
    const ring = new SecretsManagerKeyRing('s5', undefined, undefined, {
      minForcedIntervalMs: 1_000,
      now: () => now,
    });
    await ring.keyRing();
    const before = secrets.commandCalls(GetSecretValueCommand).length;
    secrets.on(GetSecretValueCommand, { SecretId: 's5' }).resolves({ SecretString: 'v2' });
    const forced = await Promise.all(Array.from({ length: 20 }, () => ring.keyRing({ forceFetch: true })));
    expect(forced.every((r) => r[0] === 'v2')).toBe(true);
    // One forced fetch: AWSCURRENT and AWSPREVIOUS once each.
    expect(secrets.commandCalls(GetSecretValueCommand).length - before).toBe(2);
    now = 500;
    await ring.keyRing({ forceFetch: true });
    expect(secrets.commandCalls(GetSecretValueCommand).length - before).toBe(2);
    now = 1_000;
    await ring.keyRing({ forceFetch: true });
    expect(secrets.commandCalls(GetSecretValueCommand).length - before).toBe(4);
  });

  it('fails loudly when the store fails for another reason', async () => {
    secrets.on(GetSecretValueCommand).rejects(new Error('AccessDenied'));
    await expect(new SecretsManagerKeyRing('s4').keyRing()).rejects.toThrow();
  });
});

describe('LocalKeyRing', () => {
  const saved = process.env.WEDSYNC_LOCAL_SECRETS;
  afterEach(() => {
    process.env.WEDSYNC_LOCAL_SECRETS = saved;
  });

  it('reads the ring from WEDSYNC_LOCAL_SECRETS and names what is missing', async () => {
    process.env.WEDSYNC_LOCAL_SECRETS = JSON.stringify({ a: ['x', 'y'] });
    expect(await new LocalKeyRing('a').keyRing()).toEqual(['x', 'y']);
    await expect(new LocalKeyRing('b').keyRing()).rejects.toThrow('no key ring for b');
    delete process.env.WEDSYNC_LOCAL_SECRETS;
    await expect(new LocalKeyRing('a').keyRing()).rejects.toThrow('WEDSYNC_LOCAL_SECRETS is not set');
  });
});
