/**
 * The API-key lifecycle rules (issue 9): two usable keys at most, expiry, which key may be
 * revoked, last-use throttling; and the use cases over an in-memory key list with versions.
 */
import { issueApiKey } from '../../../src/access/domain/api-keys';
import {
  canCreateKey,
  canRevokeKey,
  expiryOf,
  keyStatus,
  LAST_USE_INTERVAL_SECONDS,
  lastUseThreshold,
  LastUseThrottle,
  type StoredKey,
} from '../../../src/access/domain/key-lifecycle';
import type { ApiKeyStore, KeyOwner, KeyUseRecorder, NewStoredKey } from '../../../src/access/ports';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../src/access/use-cases/api-keys';
import { noteKeyUse, type AuthDecision } from '../../../src/access/use-cases/authorize';
import { ProblemError } from '../../../src/shared/problem';

const NOW = new Date('2026-12-03T12:00:00.000Z');
const key = (keyId: string, extra: Partial<StoredKey> = {}): StoredKey => ({
  keyId,
  createdAt: '2026-12-01T00:00:00.000Z',
  status: 'active',
  ...extra,
});

describe('key status and expiry', () => {
  it('is expired from its expiry instant on, revoked whatever its expiry', () => {
    expect(keyStatus(key('a', { expiresAt: '2026-12-03T12:00:00.001Z' }), NOW)).toBe('active');
    expect(keyStatus(key('a', { expiresAt: NOW.toISOString() }), NOW)).toBe('expired');
    expect(keyStatus(key('a', { status: 'revoked', expiresAt: '2020-01-01T00:00:00Z' }), NOW)).toBe(
      'revoked',
    );
    expect(keyStatus(key('a'), NOW)).toBe('active');
  });

  it('computes the expiry in whole days and refuses out-of-range values', () => {
    expect(expiryOf(NOW, 1)).toBe('2026-12-04T12:00:00.000Z');
    expect(expiryOf(NOW, 365)).toBe('2027-12-03T12:00:00.000Z');
    expect(expiryOf(NOW, undefined)).toBeUndefined();
    for (const bad of [0, 366, 1.5, -1]) expect(() => expiryOf(NOW, bad)).toThrow(RangeError);
  });
});

describe('the two-key rule', () => {
  it('allows a key while fewer than two are usable; expired and revoked keys do not count', () => {
    expect(canCreateKey([], NOW).allowed).toBe(true);
    expect(canCreateKey([key('a')], NOW).allowed).toBe(true);
    expect(canCreateKey([key('a'), key('b')], NOW)).toEqual({
      allowed: false,
      reason: 'too-many-active-keys',
      active: ['a', 'b'],
    });
    expect(
      canCreateKey(
        [key('a'), key('b', { status: 'revoked' }), key('c', { expiresAt: '2026-12-02T00:00:00Z' })],
        NOW,
      ).allowed,
    ).toBe(true);
  });

  it('refuses revoking the last usable key, allows it when another remains or for operators', () => {
    expect(canRevokeKey([key('a')], 'a', NOW)).toMatchObject({ allowed: false, reason: 'last-active-key' });
    expect(canRevokeKey([key('a'), key('b', { expiresAt: '2026-12-02T00:00:00Z' })], 'a', NOW)).toMatchObject(
      {
        allowed: false,
        reason: 'last-active-key',
      },
    );
    expect(canRevokeKey([key('a'), key('b')], 'a', NOW)).toMatchObject({ allowed: true });
    expect(canRevokeKey([key('a')], 'a', NOW, { allowLast: true })).toMatchObject({ allowed: true });
    // An expired key is unusable anyway: revoking it is always fine.
    expect(canRevokeKey([key('a', { expiresAt: '2026-12-02T00:00:00Z' }), key('b')], 'a', NOW).allowed).toBe(
      true,
    );
    expect(canRevokeKey([key('a')], 'zzz', NOW)).toEqual({ allowed: false, reason: 'not-found' });
    expect(canRevokeKey([key('a', { status: 'revoked' })], 'a', NOW)).toMatchObject({
      reason: 'already-revoked',
    });
  });
});

describe('last-use throttling', () => {
  it('lets one write per key through per interval, per key', () => {
    const throttle = new LastUseThrottle();
    const t = NOW.getTime();
    expect(throttle.shouldRecord('a', t)).toBe(true);
    expect(throttle.shouldRecord('a', t + 1000)).toBe(false);
    expect(throttle.shouldRecord('b', t + 1000)).toBe(true);
    expect(throttle.shouldRecord('a', t + LAST_USE_INTERVAL_SECONDS * 1000 - 1)).toBe(false);
    expect(throttle.shouldRecord('a', t + LAST_USE_INTERVAL_SECONDS * 1000)).toBe(true);
  });

  it('stays bounded: the oldest key is forgotten first', () => {
    const throttle = new LastUseThrottle(60_000, 2);
    throttle.shouldRecord('a', 0);
    throttle.shouldRecord('b', 0);
    throttle.shouldRecord('c', 0);
    expect(throttle.shouldRecord('a', 1)).toBe(true);
    expect(throttle.shouldRecord('c', 1)).toBe(false);
  });

  it('asks the store for a conditional write five minutes back, and never fails the request', async () => {
    const writes: [KeyOwner, string, string, string][] = [];
    let fail = false;
    const recorder: KeyUseRecorder = {
      async recordUse(owner, keyId, at, threshold) {
        if (fail) throw new Error('table down');
        writes.push([owner, keyId, at, threshold]);
      },
    };
    const errors: unknown[] = [];
    const allow: AuthDecision = {
      effect: 'allow',
      context: { principalType: 'supplier', supplierId: 'sup_a', keyId: 'key_a' },
      usageIdentifierKey: 'wsu_0000000000000000000000000000000000000000',
    };
    const throttle = new LastUseThrottle();
    const deps = { throttle, recorder, now: NOW, onError: (e: unknown) => errors.push(e) };
    await noteKeyUse(allow, deps);
    await noteKeyUse(allow, deps);
    expect(writes).toEqual([
      [{ kind: 'supplier', supplierId: 'sup_a' }, 'key_a', NOW.toISOString(), lastUseThreshold(NOW)],
    ]);
    expect(lastUseThreshold(NOW)).toBe('2026-12-03T11:55:00.000Z');
    fail = true;
    const ops: AuthDecision = {
      effect: 'allow',
      context: { principalType: 'ops', keyId: 'key_o' },
      usageIdentifierKey: 'wedsync-usage-shared-operators',
    };
    await expect(noteKeyUse(ops, deps)).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    await noteKeyUse({ effect: 'deny' }, deps);
    await noteKeyUse(
      {
        effect: 'allow',
        context: { principalType: 'review-token' },
        usageIdentifierKey: 'wedsync-usage-shared-review-links',
      },
      deps,
    );
    expect(writes).toHaveLength(1);
  });
});

/** A key list with a version, conditional like the DynamoDB adapter; `interfere` simulates a race. */
class MemoryKeys implements ApiKeyStore {
  readonly lists = new Map<string, { keys: StoredKey[]; version: number }>();
  interfere = 0;
  private list(owner: KeyOwner) {
    const id = owner.kind === 'ops' ? 'ops' : owner.supplierId;
    let list = this.lists.get(id);
    if (!list) this.lists.set(id, (list = { keys: [], version: 0 }));
    return list;
  }
  async listKeys(owner: KeyOwner) {
    const list = this.list(owner);
    return { keys: [...list.keys], version: list.version };
  }
  private race(owner: KeyOwner) {
    if (this.interfere > 0) {
      this.interfere -= 1;
      this.list(owner).version += 1;
    }
  }
  async addKey(owner: KeyOwner, stored: NewStoredKey, expected: number) {
    this.race(owner);
    const list = this.list(owner);
    if (list.version !== expected) return 'conflict' as const;
    const { keyHash: _hash, ...rest } = stored;
    list.keys.push({ ...rest, status: 'active' });
    list.version += 1;
    return 'ok' as const;
  }
  async revokeKey(owner: KeyOwner, keyId: string, revokedAt: string, expected: number) {
    this.race(owner);
    const list = this.list(owner);
    if (list.version !== expected) return 'conflict' as const;
    list.keys = list.keys.map((k) =>
      k.keyId === keyId ? { ...k, status: 'revoked' as const, revokedAt } : k,
    );
    list.version += 1;
    return 'ok' as const;
  }
}

describe('the key use cases', () => {
  const supplier: KeyOwner = { kind: 'supplier', supplierId: 'sup_a' };
  let store: MemoryKeys;
  let now: Date;
  const deps = () => ({ apiKeys: store, now: () => now });
  beforeEach(() => {
    store = new MemoryKeys();
    now = NOW;
  });

  const problemOf = async (promise: Promise<unknown>) => {
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    return (error as ProblemError).problem;
  };

  it('rotates without downtime: a second key, then the first revoked; a third is refused', async () => {
    const first = await createApiKey(supplier, { label: 'first' }, deps());
    expect(first.apiKey).toMatch(/^wsk_key_/);
    expect(first.keyId).toBe(first.apiKey.split('_').slice(1, 3).join('_'));
    const second = await createApiKey(supplier, { expiresInDays: 30 }, deps());
    expect(second.expiresAt).toBe('2027-01-02T12:00:00.000Z');
    expect((await problemOf(createApiKey(supplier, {}, deps()))).status).toBe(409);
    const revoked = await revokeApiKey(supplier, first.keyId, deps());
    expect(revoked).toMatchObject({
      changed: true,
      key: { status: 'revoked', revokedAt: NOW.toISOString() },
    });
    // Revoking twice is harmless and keeps the first revocation time.
    now = new Date(NOW.getTime() + 60_000);
    expect(await revokeApiKey(supplier, first.keyId, deps())).toMatchObject({
      changed: false,
      key: { revokedAt: NOW.toISOString() },
    });
    const listed = await listApiKeys(supplier, deps());
    expect(listed.map((k) => [k.keyId, k.status])).toEqual(
      expect.arrayContaining([
        [first.keyId, 'revoked'],
        [second.keyId, 'active'],
      ]),
    );
    expect(JSON.stringify(listed)).not.toMatch(/wsk_|keyHash/);
  });

  it('refuses revoking the last active key with a 409 that says what to do, and unknown keys with 404', async () => {
    const only = await createApiKey(supplier, {}, deps());
    const problem = await problemOf(revokeApiKey(supplier, only.keyId, deps()));
    expect(problem.status).toBe(409);
    expect(problem.detail).toMatch(/last active API key.*create its replacement/);
    expect((await problemOf(revokeApiKey(supplier, 'key_00000000000000000000000000', deps()))).status).toBe(
      404,
    );
    // Another supplier's key is unknown here.
    expect(
      (await problemOf(revokeApiKey({ kind: 'supplier', supplierId: 'sup_b' }, only.keyId, deps()))).status,
    ).toBe(404);
  });

  it('expired keys stop counting: a supplier with two expired keys can create a new one', async () => {
    await createApiKey(supplier, { expiresInDays: 1 }, deps());
    await createApiKey(supplier, { expiresInDays: 1 }, deps());
    now = new Date(NOW.getTime() + 86_400_000);
    const fresh = await createApiKey(supplier, {}, deps());
    expect((await listApiKeys(supplier, deps())).map((k) => k.status)).toEqual(
      expect.arrayContaining(['expired', 'expired', 'active']),
    );
    expect(fresh.status).toBe('active');
  });

  it('reads again when another change lands first, and gives up with a retryable 409', async () => {
    store.interfere = 2;
    await createApiKey(supplier, {}, deps());
    expect(store.lists.get('sup_a')!.keys).toHaveLength(1);
    store.interfere = 3;
    const problem = await problemOf(createApiKey(supplier, {}, deps()));
    expect(problem.status).toBe(409);
    expect(store.lists.get('sup_a')!.keys).toHaveLength(1);
  });

  it('counts operators per name and lets them revoke their last key', async () => {
    const ops: KeyOwner = { kind: 'ops' };
    await createApiKey(ops, { label: 'alice' }, deps());
    const second = await createApiKey(ops, { label: 'alice' }, deps());
    expect((await problemOf(createApiKey(ops, { label: 'alice' }, deps()))).status).toBe(409);
    await createApiKey(ops, { label: 'bob' }, deps());
    await revokeApiKey(ops, second.keyId, deps());
    const keys = await listApiKeys(ops, deps());
    const last = keys.find((k) => k.label === 'alice' && k.status === 'active')!;
    expect((await revokeApiKey(ops, last.keyId, deps())).changed).toBe(true);
  });

  it('issues keys the authorizer accepts syntactically', () => {
    expect(issueApiKey().apiKey).toMatch(/^wsk_key_[0-9a-z]{26}_[A-Za-z0-9_-]{43}$/);
  });
});
