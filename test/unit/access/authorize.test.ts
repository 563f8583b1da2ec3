import { hashApiKey, issueApiKey } from '../../../src/access/domain/api-keys';
import { authorize, CachedKeyLookup, type ApiKeyLookup } from '../../../src/access/use-cases/authorize';
import { issueUsageKey } from '../../../src/access/domain/usage-keys';
import { SUPPLIER_USAGE_KEY_PATTERN, sharedUsageKey } from '../../../src/catalog/usage-plans';
import {
  KEY_CACHE_SECONDS,
  MAX_AUTHORIZER_CACHE_SECONDS,
  REVOCATION_BOUND_SECONDS,
} from '../../../src/access/domain/revocation';

class FakeKeys implements ApiKeyLookup {
  calls = 0;
  down = false;
  readonly records = new Map<
    string,
    { supplierId: string; keyId: string; status: string; expiresAt?: string; usageKey?: string; role?: 'ops' }
  >();
  async findApiKey(hash: string) {
    this.calls += 1;
    if (this.down) throw new Error('store down');
    return this.records.get(hash);
  }
}

describe('authorize', () => {
  const key = issueApiKey();
  let store: FakeKeys;
  let clock: number;
  let cache: CachedKeyLookup;

  beforeEach(() => {
    store = new FakeKeys();
    store.records.set(key.keyHash, { supplierId: 'sup_a', keyId: key.keyId, status: 'active' });
    clock = 0;
    cache = new CachedKeyLookup(store, 1000, 10_000, () => clock);
  });

  it('resolves an active key to its supplier, metered by the shared key when it has none of its own', async () => {
    expect(await authorize(`Bearer ${key.apiKey}`, cache)).toEqual({
      effect: 'allow',
      context: { principalType: 'supplier', supplierId: 'sup_a', keyId: key.keyId },
      usageIdentifierKey: sharedUsageKey('unassigned-suppliers').value,
    });
    expect(hashApiKey(key.apiKey)).toBe(key.keyHash);
  });

  it("returns the supplier's own usage key, outside the handlers' context (ADR 0036)", async () => {
    const usageKey = issueUsageKey();
    expect(usageKey).toMatch(SUPPLIER_USAGE_KEY_PATTERN);
    store.records.set(key.keyHash, { supplierId: 'sup_a', keyId: key.keyId, status: 'active', usageKey });
    const decision = await authorize(`Bearer ${key.apiKey}`, cache);
    expect(decision).toMatchObject({ effect: 'allow', usageIdentifierKey: usageKey });
    expect(JSON.stringify(decision.effect === 'allow' ? decision.context : {})).not.toContain(usageKey);
  });

  it('meters operators on their shared key', async () => {
    store.records.set(key.keyHash, { supplierId: 'ops', keyId: key.keyId, status: 'active', role: 'ops' });
    expect(await authorize(`Bearer ${key.apiKey}`, cache)).toMatchObject({
      effect: 'allow',
      usageIdentifierKey: sharedUsageKey('operators').value,
    });
  });

  it('denies a revoked key and refuses unknown, malformed or missing credentials', async () => {
    store.records.set(key.keyHash, { supplierId: 'sup_a', keyId: key.keyId, status: 'revoked' });
    expect(await authorize(`Bearer ${key.apiKey}`, cache)).toEqual({ effect: 'deny' });
    expect(await authorize(`Bearer ${issueApiKey().apiKey}`, cache)).toEqual({ effect: 'unauthorized' });
    expect(await authorize('Bearer wsk_short', cache)).toEqual({ effect: 'unauthorized' });
    expect(await authorize('Basic abc', cache)).toEqual({ effect: 'unauthorized' });
    expect(await authorize(undefined, cache)).toEqual({ effect: 'unauthorized' });
  });

  it('never looks up junk credentials', async () => {
    await authorize('Bearer hello', cache);
    await authorize('Bearer wsk_not-a-key', cache);
    expect(store.calls).toBe(0);
  });

  it('marks review-link tokens for the handler to verify', async () => {
    expect(await authorize('Bearer wrt_abc.def', cache)).toEqual({
      effect: 'allow',
      context: { principalType: 'review-token' },
      usageIdentifierKey: sharedUsageKey('review-links').value,
    });
  });

  it('caches known keys and serves them stale while the store is down', async () => {
    await authorize(`Bearer ${key.apiKey}`, cache);
    await authorize(`Bearer ${key.apiKey}`, cache);
    expect(store.calls).toBe(1);
    clock = 5000;
    store.down = true;
    expect((await authorize(`Bearer ${key.apiKey}`, cache)).effect).toBe('allow');
    clock = 20_000;
    await expect(authorize(`Bearer ${key.apiKey}`, cache)).rejects.toThrow('store down');
  });

  it('does not cache unknown keys, so a new key works at once', async () => {
    const fresh = issueApiKey();
    expect((await authorize(`Bearer ${fresh.apiKey}`, cache)).effect).toBe('unauthorized');
    store.records.set(fresh.keyHash, { supplierId: 'sup_b', keyId: fresh.keyId, status: 'active' });
    expect((await authorize(`Bearer ${fresh.apiKey}`, cache)).effect).toBe('allow');
  });

  it('stops allowing a revoked key once the cache entry is older than its TTL', async () => {
    expect((await authorize(`Bearer ${key.apiKey}`, cache)).effect).toBe('allow');
    store.records.set(key.keyHash, { supplierId: 'sup_a', keyId: key.keyId, status: 'revoked' });
    clock = 999;
    expect((await authorize(`Bearer ${key.apiKey}`, cache)).effect).toBe('allow');
    clock = 1000;
    expect(await authorize(`Bearer ${key.apiKey}`, cache)).toEqual({ effect: 'deny' });
  });

  it('keeps denying a key seen revoked while the store is down', async () => {
    store.records.set(key.keyHash, { supplierId: 'sup_a', keyId: key.keyId, status: 'revoked' });
    expect(await authorize(`Bearer ${key.apiKey}`, cache)).toEqual({ effect: 'deny' });
    store.down = true;
    clock = 5000;
    expect(await authorize(`Bearer ${key.apiKey}`, cache)).toEqual({ effect: 'deny' });
  });

  it('forgets a deleted key: unauthorized after the TTL, and no stale answer when the store fails', async () => {
    expect((await authorize(`Bearer ${key.apiKey}`, cache)).effect).toBe('allow');
    store.records.delete(key.keyHash);
    clock = 1000;
    expect(await authorize(`Bearer ${key.apiKey}`, cache)).toEqual({ effect: 'unauthorized' });
    store.down = true;
    clock = 1500;
    await expect(authorize(`Bearer ${key.apiKey}`, cache)).rejects.toThrow('store down');
  });

  it('uses a container cache of at most 5 s by default, within the documented revocation bound', async () => {
    expect(KEY_CACHE_SECONDS).toBeLessThanOrEqual(5);
    expect(MAX_AUTHORIZER_CACHE_SECONDS + KEY_CACHE_SECONDS).toBe(REVOCATION_BOUND_SECONDS);
    const defaults = new CachedKeyLookup(store, undefined, undefined, () => clock);
    await authorize(`Bearer ${key.apiKey}`, defaults);
    store.records.set(key.keyHash, { supplierId: 'sup_a', keyId: key.keyId, status: 'revoked' });
    clock = KEY_CACHE_SECONDS * 1000;
    expect(await authorize(`Bearer ${key.apiKey}`, defaults)).toEqual({ effect: 'deny' });
  });
});

describe('authorize: expiry (issue 9)', () => {
  it('refuses an expired key as an expired credential (401), accepts it before its expiry', async () => {
    const key = issueApiKey();
    const store = new FakeKeys();
    const record = {
      supplierId: 'sup_a',
      keyId: key.keyId,
      status: 'active',
      expiresAt: '2026-12-03T12:00:00.000Z',
    };
    store.records.set(key.keyHash, record);
    const cache = new CachedKeyLookup(store);
    expect(
      await authorize(`Bearer ${key.apiKey}`, cache, new Date('2026-12-03T11:59:59.999Z')),
    ).toMatchObject({
      effect: 'allow',
    });
    expect(await authorize(`Bearer ${key.apiKey}`, cache, new Date('2026-12-03T12:00:00.000Z'))).toEqual({
      effect: 'unauthorized',
    });
  });
});
