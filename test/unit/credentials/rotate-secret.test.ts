/**
 * The four rotation steps (issue 9) through the real Secrets Manager adapter, whose client is an
 * aws-sdk-client-mock driving an in-memory model of versions and labels (no emulator exists here).
 */
import {
  SecretsManagerClient,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { LEGACY_KID, parseKeySet, signReviewToken, verifyReviewToken } from '../../../src/access';
import type { AdminAct } from '../../../src/audit';
import { secretDefinition } from '../../../src/catalog/secrets';
import { SecretsManagerVersionStore } from '../../../src/credentials/adapters/secrets-manager-versions';
import {
  rotateSecret,
  RotationError,
  type ProofResult,
  type RotateSecretDeps,
  type RotationStep,
} from '../../../src/credentials';
import { FakeSecretsManager } from '../../support/fake-secrets-manager';

const sm = new FakeSecretsManager();
const DAY = 86_400_000;
const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:ReviewTokenKey-AbCdEf';
const GOOGLE = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:GoogleClientSecret-AbCdEf';
const PUSH = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:GooglePushToken-AbCdEf';
const LEGACY_VALUE = 'L'.repeat(64);
const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';

function setup(options: { proof?: ProofResult; auditFails?: boolean } = {}) {
  const acts: AdminAct[] = [];
  const logs: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const proved: string[] = [];
  let keyNo = 0;
  const deps: RotateSecretDeps = {
    store: new SecretsManagerVersionStore(new SecretsManagerClient({ region: 'us-east-1' })),
    prover: {
      prove: async (_proof, value) => {
        proved.push(value);
        return options.proof ?? { outcome: 'accepted' };
      },
    },
    audit: {
      record: async (act) => {
        if (options.auditFails) throw new Error('Audit table down');
        acts.push(act);
      },
    },
    clock: { now: () => sm.now },
    newAuditId: (ms) => `aud_${ms}_${acts.length}`,
    newKeyMaterial: () => `${'k'.repeat(40)}${++keyNo}`,
    log: {
      info: (message, fields) => logs.push({ level: 'info', message, fields }),
      error: (message, fields) => logs.push({ level: 'error', message, fields }),
    },
  };
  return { deps, acts, logs, proved };
}

const event = (step: RotationStep, secretId: string, token: string) => ({
  Step: step,
  SecretId: secretId,
  ClientRequestToken: token,
});
const reviewKey = secretDefinition('ReviewTokenKey');
const googleSecret = secretDefinition('GoogleClientSecret');
const pushToken = secretDefinition('GooglePushToken');

async function run(deps: RotateSecretDeps, secretId: string, token: string, def = reviewKey) {
  const outcomes = [];
  for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
    outcomes.push(await rotateSecret(event(step, secretId, token), def, deps));
  }
  return outcomes;
}

beforeEach(() => {
  sm.reset();
  sm.now = new Date('2026-01-01T00:00:00Z');
});

describe('generated key set (ReviewTokenKey)', () => {
  it('turns the plain key into a key set that keeps it as the legacy key, and promotes it', async () => {
    sm.create(ARN, LEGACY_VALUE);
    sm.startRotation(ARN, T1);
    const { deps, acts } = setup();

    expect(await run(deps, ARN, T1)).toEqual(['created', 'nothing-to-set', 'tested', 'promoted']);

    const set = parseKeySet(sm.valueAt(ARN, 'AWSCURRENT')!)!;
    expect(set.keys.map((k) => k.kid)).toEqual([T1, LEGACY_KID]);
    expect(set.keys[1]!.key).toBe(LEGACY_VALUE);
    // AWSPENDING ends on no version; the plain key is AWSPREVIOUS.
    expect(sm.stages(ARN)).toEqual({ [T1]: ['AWSCURRENT'], 'v-initial': ['AWSPREVIOUS'] });
    expect(acts).toMatchObject([
      {
        kind: 'secret.rotated',
        actor: { type: 'system', name: 'secret-rotation' },
        target: 'secret:ReviewTokenKey',
        outcome: 'ok',
      },
    ]);
    expect(JSON.stringify(acts)).not.toContain(set.keys[0]!.key);
    expect(JSON.stringify(acts)).not.toContain(LEGACY_VALUE);
  });

  it('runs every step twice without a second version, a second label move or a second act', async () => {
    sm.create(ARN, LEGACY_VALUE);
    sm.startRotation(ARN, T1);
    const { deps, acts } = setup();
    const twice = async (step: RotationStep) => [
      await rotateSecret(event(step, ARN, T1), reviewKey, deps),
      await rotateSecret(event(step, ARN, T1), reviewKey, deps),
    ];

    expect(await twice('createSecret')).toEqual(['created', 'already-pending']);
    const pending = sm.valueAt(ARN, 'AWSPENDING');
    expect(await twice('setSecret')).toEqual(['nothing-to-set', 'nothing-to-set']);
    expect(await twice('testSecret')).toEqual(['tested', 'tested']);
    expect(await twice('finishSecret')).toEqual(['promoted', 'already-current']);

    expect(sm.calls(PutSecretValueCommand)).toHaveLength(1);
    expect(sm.valueAt(ARN, 'AWSCURRENT')).toBe(pending);
    // One move of AWSCURRENT and one removal of AWSPENDING, never repeated.
    expect(sm.calls(UpdateSecretVersionStageCommand)).toHaveLength(2);
    expect(acts).toHaveLength(1);
    // Every step again after the rotation: all see the token current and do nothing.
    for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) {
      expect(await rotateSecret(event(step, ARN, T1), reviewKey, deps)).toBe('already-current');
    }
  });

  it('keeps keys younger than the longest link (+ margin) and drops older ones', async () => {
    sm.create(ARN, LEGACY_VALUE);
    sm.startRotation(ARN, T1);
    const { deps } = setup();
    await run(deps, ARN, T1);

    sm.now = new Date(sm.now.getTime() + 30 * DAY);
    sm.startRotation(ARN, T2);
    await run(deps, ARN, T2);
    expect(parseKeySet(sm.valueAt(ARN, 'AWSCURRENT')!)!.keys.map((k) => k.kid)).toEqual([T2, T1, LEGACY_KID]);

    const T3 = '33333333-3333-4333-8333-333333333333';
    sm.now = new Date(
      new Date('2026-01-01T00:00:00Z').getTime() +
        (reviewKey.rotation as { keepKeysForDays: number }).keepKeysForDays * DAY,
    );
    sm.startRotation(ARN, T3);
    await run(deps, ARN, T3);
    // The legacy key (and T1, the same age) aged out; T2, the newest before, is always kept.
    expect(parseKeySet(sm.valueAt(ARN, 'AWSCURRENT')!)!.keys.map((k) => k.kid)).toEqual([T3, T2]);
  });

  it('fails createSecret when AWSCURRENT cannot be read: nothing is written, the failure is audited', async () => {
    sm.create(ARN, LEGACY_VALUE);
    sm.startRotation(ARN, T1);
    sm.secrets.get(ARN)!.versions.get('v-initial')!.value = undefined;
    const { deps, acts } = setup();
    await expect(rotateSecret(event('createSecret', ARN, T1), reviewKey, deps)).rejects.toThrow(
      RotationError,
    );
    expect(sm.calls(PutSecretValueCommand)).toHaveLength(0);
    expect(acts).toMatchObject([
      { kind: 'secret.rotation_failed', outcome: 'failed', detail: expect.stringContaining('createSecret') },
    ]);
  });

  it('fails setSecret, testSecret and finishSecret for a token createSecret never wrote', async () => {
    sm.create(ARN, LEGACY_VALUE);
    const { deps } = setup();
    for (const step of ['setSecret', 'testSecret', 'finishSecret'] as const) {
      await expect(rotateSecret(event(step, ARN, T1), reviewKey, deps)).rejects.toThrow(step);
    }
    expect(sm.stages(ARN)).toEqual({ 'v-initial': ['AWSCURRENT'] });
  });

  it('fails testSecret on a pending set that lost a live key, leaving AWSCURRENT untouched', async () => {
    sm.create(ARN, LEGACY_VALUE);
    sm.startRotation(ARN, T1);
    const { deps, acts, logs } = setup();
    await run(deps, ARN, T1);
    const current = sm.valueAt(ARN, 'AWSCURRENT');
    // A broken pending value: only a new key, the live ones gone.
    await new SecretsManagerVersionStore(new SecretsManagerClient({ region: 'us-east-1' })).putPending(
      ARN,
      T2,
      JSON.stringify({ keys: [{ kid: T2, key: 'n'.repeat(43), createdAt: sm.now.toISOString() }] }),
    );
    await expect(rotateSecret(event('testSecret', ARN, T2), reviewKey, deps)).rejects.toThrow(
      `key ${T1} is still live but missing from the pending set`,
    );
    expect(sm.valueAt(ARN, 'AWSCURRENT')).toBe(current);
    expect(acts.at(-1)).toMatchObject({ kind: 'secret.rotation_failed' });
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('fails testSecret when the pending value is not a key set, or its newest key is not this rotation’s', async () => {
    sm.create(ARN, LEGACY_VALUE);
    const store = new SecretsManagerVersionStore(new SecretsManagerClient({ region: 'us-east-1' }));
    const { deps } = setup();
    await store.putPending(ARN, T1, 'x'.repeat(64));
    await expect(rotateSecret(event('testSecret', ARN, T1), reviewKey, deps)).rejects.toThrow(
      'not a signing key set',
    );
    await store.putPending(
      ARN,
      T2,
      JSON.stringify({ keys: [{ kid: 'other', key: 'n'.repeat(43), createdAt: sm.now.toISOString() }] }),
    );
    await expect(rotateSecret(event('testSecret', ARN, T2), reviewKey, deps)).rejects.toThrow(
      'not the one this rotation added',
    );
    expect(sm.valueAt(ARN, 'AWSCURRENT')).toBe(LEGACY_VALUE);
  });

  it('fails finishSecret when the label move fails, and the retry completes it', async () => {
    sm.create(ARN, LEGACY_VALUE);
    sm.startRotation(ARN, T1);
    const { deps, acts } = setup();
    await rotateSecret(event('createSecret', ARN, T1), reviewKey, deps);
    await rotateSecret(event('testSecret', ARN, T1), reviewKey, deps);
    sm.failNext('UpdateSecretVersionStage', new Error('ThrottlingException: Rate exceeded'));
    await expect(rotateSecret(event('finishSecret', ARN, T1), reviewKey, deps)).rejects.toThrow(
      'Rate exceeded',
    );
    expect(sm.valueAt(ARN, 'AWSCURRENT')).toBe(LEGACY_VALUE);
    expect(acts).toMatchObject([{ kind: 'secret.rotation_failed' }]);
    // Secrets Manager retries: the step completes.
    expect(await rotateSecret(event('finishSecret', ARN, T1), reviewKey, deps)).toBe('promoted');
    expect(sm.stages(ARN)).toEqual({ [T1]: ['AWSCURRENT'], 'v-initial': ['AWSPREVIOUS'] });
  });

  it('refuses to rotate a secret whose rotation is not enabled', async () => {
    sm.create(ARN, LEGACY_VALUE);
    sm.secrets.get(ARN)!.rotationEnabled = false;
    const { deps } = setup();
    await expect(rotateSecret(event('createSecret', ARN, T1), reviewKey, deps)).rejects.toThrow(
      'not enabled',
    );
  });

  it('still completes a rotation whose act cannot be audited (the failure is logged)', async () => {
    sm.create(ARN, LEGACY_VALUE);
    sm.startRotation(ARN, T1);
    const { deps, logs } = setup({ auditFails: true });
    expect((await run(deps, ARN, T1)).at(-1)).toBe('promoted');
    expect(logs.find((l) => l.message === 'rotation act not audited')?.fields.act).toMatchObject({
      kind: 'secret.rotated',
    });
  });

  it('produces a set whose links all verify: new ones with the new key, old ones with theirs', async () => {
    sm.create(ARN, LEGACY_VALUE);
    sm.startRotation(ARN, T1);
    const { deps } = setup();
    const claims = {
      supplierId: 'sup_a',
      requestId: 'rrq_1',
      expiresAt: new Date(sm.now.getTime() + 180 * DAY),
      delivery: 'email' as const,
    };
    const before = signReviewToken(claims, [LEGACY_VALUE]);
    await run(deps, ARN, T1);
    const set = parseKeySet(sm.valueAt(ARN, 'AWSCURRENT')!)!;
    expect(verifyReviewToken(before, set, sm.now).requestId).toBe('rrq_1');
    expect(verifyReviewToken(signReviewToken(claims, set), set, sm.now).requestId).toBe('rrq_1');
  });
});

describe('staged hand-over (platform app secrets)', () => {
  it('is a no-op success when nothing is staged, and says so in the log', async () => {
    sm.create(GOOGLE, 'current-google-secret');
    sm.startRotation(GOOGLE, T1);
    const { deps, logs, proved, acts } = setup();
    expect(await run(deps, GOOGLE, T1, googleSecret)).toEqual([
      'nothing-staged',
      'nothing-to-set',
      'nothing-staged',
      'nothing-staged',
    ]);
    expect(logs.some((l) => l.message === 'nothing staged: this scheduled rotation changes nothing')).toBe(
      true,
    );
    expect(proved).toEqual([]);
    expect(acts).toEqual([]);
    // AWSPENDING ends on no version; the current secret is untouched.
    expect(sm.stages(GOOGLE)).toEqual({ 'v-initial': ['AWSCURRENT'] });
    expect(sm.calls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('is a no-op when Secrets Manager made no version for the token at all', async () => {
    sm.create(GOOGLE, 'current-google-secret');
    const { deps } = setup();
    expect(await run(deps, GOOGLE, T1, googleSecret)).toEqual([
      'nothing-staged',
      'nothing-to-set',
      'nothing-staged',
      'nothing-staged',
    ]);
    expect(sm.stages(GOOGLE)).toEqual({ 'v-initial': ['AWSCURRENT'] });
  });

  it('proves the value the operator staged on the token at the platform, then promotes it', async () => {
    sm.create(GOOGLE, 'current-google-secret');
    const store = new SecretsManagerVersionStore(new SecretsManagerClient({ region: 'us-east-1' }));
    await store.putPending(GOOGLE, T1, 'new-google-secret');
    const { deps, proved, acts } = setup();
    expect(await run(deps, GOOGLE, T1, googleSecret)).toEqual([
      'staged',
      'nothing-to-set',
      'tested',
      'promoted',
    ]);
    expect(proved).toEqual(['new-google-secret']);
    expect(sm.valueAt(GOOGLE, 'AWSCURRENT')).toBe('new-google-secret');
    expect(sm.valueAt(GOOGLE, 'AWSPREVIOUS')).toBe('current-google-secret');
    expect(sm.versionWith(GOOGLE, 'AWSPENDING')).toBeUndefined();
    expect(acts).toMatchObject([{ kind: 'secret.rotated', target: 'secret:GoogleClientSecret' }]);
    expect(JSON.stringify(acts)).not.toContain('new-google-secret');
  });

  it('takes over a value staged on another version when a scheduled rotation runs', async () => {
    sm.create(GOOGLE, 'current-google-secret');
    const store = new SecretsManagerVersionStore(new SecretsManagerClient({ region: 'us-east-1' }));
    await store.putPending(GOOGLE, T1, 'staged-google-secret');
    const { deps } = setup();
    expect(await run(deps, GOOGLE, T2, googleSecret)).toEqual([
      'staged',
      'nothing-to-set',
      'tested',
      'promoted',
    ]);
    expect(sm.valueAt(GOOGLE, 'AWSCURRENT')).toBe('staged-google-secret');
    expect(sm.versionWith(GOOGLE, 'AWSPENDING')).toBeUndefined();
  });

  it.each([
    [{ outcome: 'refused', reason: 'google answered 401 invalid_client' }, 'refused the staged value'],
    [{ outcome: 'inconclusive', reason: 'google answered 503' }, 'no verdict from the platform'],
  ] as const)(
    'fails testSecret when the platform answers %j, AWSCURRENT untouched',
    async (proof, message) => {
      sm.create(GOOGLE, 'current-google-secret');
      await new SecretsManagerVersionStore(new SecretsManagerClient({ region: 'us-east-1' })).putPending(
        GOOGLE,
        T1,
        'wrong-google-secret',
      );
      const { deps, acts } = setup({ proof });
      await rotateSecret(event('createSecret', GOOGLE, T1), googleSecret, deps);
      await expect(rotateSecret(event('testSecret', GOOGLE, T1), googleSecret, deps)).rejects.toThrow(
        message,
      );
      expect(sm.valueAt(GOOGLE, 'AWSCURRENT')).toBe('current-google-secret');
      expect(acts).toMatchObject([
        { kind: 'secret.rotation_failed', detail: expect.stringContaining(message) },
      ]);
      expect(JSON.stringify(acts)).not.toContain('wrong-google-secret');
    },
  );

  it('checks a notification token by its shape (nothing to ask the platform)', async () => {
    sm.create(PUSH, 'current-push-token-0123456789');
    const store = new SecretsManagerVersionStore(new SecretsManagerClient({ region: 'us-east-1' }));
    await store.putPending(PUSH, T1, 'short');
    const { deps, proved } = setup();
    await expect(rotateSecret(event('testSecret', PUSH, T1), pushToken, deps)).rejects.toThrow('at least 22');
    await store.putPending(PUSH, T2, 'a-new-push-token-0123456789');
    expect(await run(deps, PUSH, T2, pushToken)).toEqual(['staged', 'nothing-to-set', 'tested', 'promoted']);
    expect(proved).toEqual([]);
  });
});
