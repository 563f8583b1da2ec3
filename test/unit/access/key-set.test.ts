/**
 * Readers mid-rotation (issue 9): review-link tokens signed with the PENDING, CURRENT and PREVIOUS
 * keys, verified through the real submit path (`submitReview`) and the cached key-set reader, whose
 * Secrets Manager client is a mock over the in-memory model of versions (no emulator here), driven
 * through the real rotation steps.
 */
import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerKeySet } from '../../../src/access/adapters/key-set';
import {
  LEGACY_KID,
  parseKeySet,
  rotateKeySet,
  signReviewToken,
  verifyReviewToken,
  keySetOf,
  type SigningKeySet,
} from '../../../src/access';
import { secretDefinition } from '../../../src/catalog/secrets';
import { SecretsManagerVersionStore } from '../../../src/credentials/adapters/secrets-manager-versions';
import { rotateSecret, type RotateSecretDeps, type RotationStep } from '../../../src/credentials';
import { submitReview } from '../../../src/reviews/use-cases/submit-review';
import { ProblemError } from '../../../src/shared/problem';
import { FakeSecretsManager } from '../../support/fake-secrets-manager';

const sm = new FakeSecretsManager();
const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:ReviewTokenKey-AbCdEf';
const LEGACY_VALUE = 'L'.repeat(64);
const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const DAY = 86_400_000;
const client = () => new SecretsManagerClient({ region: 'us-east-1' });

let clockMs = Date.parse('2026-01-01T00:00:00Z');
const rotation: RotateSecretDeps = {
  store: new SecretsManagerVersionStore(client()),
  prover: { prove: async () => ({ outcome: 'accepted' }) },
  audit: { record: async () => undefined },
  clock: { now: () => new Date(clockMs) },
  newAuditId: (ms) => `aud_${ms}`,
  newKeyMaterial: () => `${'m'.repeat(40)}${clockMs}`,
  log: { info: () => undefined, error: () => undefined },
};
const step = (s: RotationStep, token: string) =>
  rotateSecret(
    { Step: s, SecretId: ARN, ClientRequestToken: token },
    secretDefinition('ReviewTokenKey'),
    rotation,
  );

const claims = () => ({
  supplierId: 'sup_a',
  requestId: `rrq_${clockMs}`,
  expiresAt: new Date(clockMs + 180 * DAY),
  delivery: 'email' as const,
});
const body = { rating: 5, title: 'Great', body: 'Lovely', reviewerName: 'Sam' };
const fetches = () => sm.calls(GetSecretValueCommand).length;

async function submit(token: string, keys: SecretsManagerKeySet) {
  const deps = { queue: { send: async () => undefined }, keys, clock: { now: () => new Date(clockMs) } };
  return submitReview({ kind: 'review-token', token }, body, undefined, deps);
}

beforeEach(() => {
  sm.reset();
  clockMs = Date.parse('2026-01-01T00:00:00Z');
  sm.create(ARN, LEGACY_VALUE);
});

describe('review links across rotations', () => {
  it('verifies links signed with the PREVIOUS (plain, no kid), CURRENT and, once promoted, PENDING keys', async () => {
    const noKid = signReviewToken(claims(), [LEGACY_VALUE]); // issued before issue 9
    const reader = new SecretsManagerKeySet(ARN, client(), { now: () => clockMs });
    const beforeFirst = signReviewToken(claims(), await reader.keySet()); // kid v0, the plain key

    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await step(s, T1);
    clockMs += 30 * DAY;
    const current = parseKeySet(sm.valueAt(ARN, 'AWSCURRENT')!)!;
    const withCurrent = signReviewToken(claims(), current);

    // A second rotation half done: its key exists only in the AWSPENDING version.
    await step('createSecret', T2);
    const pendingSet = parseKeySet(sm.valueAt(ARN, 'AWSPENDING')!)!;
    const withPending = signReviewToken(claims(), pendingSet);

    const fresh = new SecretsManagerKeySet(ARN, client(), { now: () => clockMs });
    expect((await submit(noKid, fresh)).status).toBe('accepted');
    expect((await submit(beforeFirst, fresh)).status).toBe('accepted');
    expect((await submit(withCurrent, fresh)).status).toBe('accepted');

    // Signed with a key that is not current yet (no signer does that): one refetch, then a clean 401.
    clockMs += 2_000; // past the 1 s floor between forced refetches
    const before = fetches();
    const refused = await submit(withPending, fresh).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProblemError);
    expect((refused as ProblemError).problem.status).toBe(401);
    expect(fetches() - before).toBe(1);

    // Once promoted, the same link verifies.
    for (const s of ['setSecret', 'testSecret', 'finishSecret'] as const) await step(s, T2);
    clockMs += 2_000;
    expect((await submit(withPending, fresh)).status).toBe('accepted');
  });

  it('lets a warm container with a stale key set refresh once and succeed', async () => {
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await step(s, T1);
    const warm = new SecretsManagerKeySet(ARN, client(), { now: () => clockMs });
    await warm.keySet(); // cached: [T1, v0]
    clockMs += 60_000;
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await step(s, T2);
    // Another container signs with the new key at once.
    const link = signReviewToken(claims(), parseKeySet(sm.valueAt(ARN, 'AWSCURRENT')!)!);

    const before = fetches();
    expect((await submit(link, warm)).status).toBe('accepted');
    expect(fetches() - before).toBe(1);
    // Now cached: the next link costs no fetch.
    expect((await submit(link, warm)).status).toBe('accepted');
    expect(fetches() - before).toBe(1);
  });

  it('fetches at most once for a burst of links naming unknown keys', async () => {
    const reader = new SecretsManagerKeySet(ARN, client(), { now: () => clockMs });
    await reader.keySet();
    clockMs += 60_000;
    const made = rotateKeySet(
      keySetOf(LEGACY_VALUE, new Date(clockMs)),
      { kid: 'made-up', key: 'x'.repeat(43) },
      new Date(clockMs),
      DAY,
    );
    const forged = signReviewToken(claims(), made);
    const before = fetches();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => submit(forged, reader).catch((e: unknown) => e)),
    );
    expect(results.every((r) => r instanceof ProblemError && r.problem.status === 401)).toBe(true);
    expect(fetches() - before).toBe(1);
  });
});

describe('SecretsManagerKeySet', () => {
  it('caches AWSCURRENT for five minutes and reads the plain key of a never-rotated secret as the legacy key', async () => {
    const reader = new SecretsManagerKeySet(ARN, client(), { now: () => clockMs });
    const set: SigningKeySet = await reader.keySet();
    expect(set.keys.map((k) => k.kid)).toEqual([LEGACY_KID]);
    expect(await reader.keyRing()).toEqual([LEGACY_VALUE]);
    clockMs += 299_000;
    await reader.keySet();
    expect(fetches()).toBe(1);
    clockMs += 2_000;
    await reader.keySet();
    expect(fetches()).toBe(2);
  });

  it('fails clearly on an empty secret', async () => {
    sm.create('empty', '');
    await expect(new SecretsManagerKeySet('empty', client()).keySet()).rejects.toThrow('empty');
  });
});

describe('review tokens with a key set', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const set = rotateKeySet(keySetOf(LEGACY_VALUE, now), { kid: 'k1', key: 'n'.repeat(43) }, now, DAY);
  const c = {
    supplierId: 's',
    requestId: 'r',
    expiresAt: new Date(now.getTime() + DAY),
    delivery: 'link' as const,
  };

  it('names the newest key and verifies with that key alone', () => {
    const token = signReviewToken(c, set);
    const payload = JSON.parse(Buffer.from(token.slice(4).split('.')[0]!, 'base64url').toString()) as {
      v: number;
      k: string;
    };
    expect(payload).toMatchObject({ v: 3, k: 'k1' });
    expect(verifyReviewToken(token, set, now).requestId).toBe('r');
    // The same kid with other material: a bad signature, not an unknown key.
    const other = { keys: [{ ...set.keys[0]!, key: 'o'.repeat(43) }] };
    expect(() => verifyReviewToken(token, other, now)).toThrow('bad-signature');
  });

  it('answers unknown-key for a kid the set does not hold, and checks kid-less tokens against the legacy key only', () => {
    expect(() => verifyReviewToken(signReviewToken(c, set), { keys: set.keys.slice(1) }, now)).toThrow(
      'unknown-key',
    );
    const noKidWithNewKey = signReviewToken(c, ['n'.repeat(43)]);
    expect(() => verifyReviewToken(noKidWithNewKey, set, now)).toThrow('bad-signature');
    expect(verifyReviewToken(signReviewToken(c, [LEGACY_VALUE]), set, now).requestId).toBe('r');
    // Without the legacy key (aged out), a kid-less token no longer verifies.
    expect(() =>
      verifyReviewToken(signReviewToken(c, [LEGACY_VALUE]), { keys: set.keys.slice(0, 1) }, now),
    ).toThrow('bad-signature');
  });

  it('refuses a key set value that repeats a kid or is not a set', () => {
    const key = { kid: 'a', key: 'x'.repeat(43), createdAt: now.toISOString() };
    expect(() => parseKeySet(JSON.stringify({ keys: [key, key] }))).toThrow('repeats a kid');
    expect(() => parseKeySet(JSON.stringify({ keys: [] }))).toThrow('not a signing key set');
    expect(parseKeySet('plain-value')).toBeUndefined();
  });
});
