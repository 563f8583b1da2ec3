/**
 * The token provider with its ports faked in memory: access tokens cached until near expiry
 * (per platform), one refresh at a time per connection, `refreshAfterRejection` refreshing exactly
 * once, a rotated refresh token stored (compare-and-set) before the new access token is handed
 * out, the old one kept when none is returned, and a dead grant turning the connection to
 * reauth-required once, with an audit entry and a metric.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEntry } from '#src/platforms/domain/audit';
import type { Connection, ConnectionStatus } from '#src/platforms/domain/connection';
import type { SealedSecret } from '#src/platforms/domain/envelope';
import type { OAuthPlatform, TokenGrant } from '#src/platforms/domain/oauth-providers';
import { PlatformCallError } from '#src/platforms/domain/platform';
import type {
  AppCredentials,
  KeyEncryption,
  OAuthClient,
  TokenSlot,
  TokenVault,
} from '#src/platforms/oauth-ports';
import type { CallContext, ConnectionStore } from '#src/platforms/ports';
import { PAGE_TOKEN_SETTING, VaultTokenProvider } from '#src/platforms/use-cases/token-provider';
import { TokenSafe } from '#src/platforms/use-cases/token-safe';

/** Test-only key wrapping: the "encrypted" key is the key itself (the envelope logic is what runs). */
const keys: KeyEncryption = {
  generateDataKey: async () => {
    const key = randomBytes(32);
    return { plaintextKey: Buffer.from(key), encryptedKey: Buffer.from(key), keyId: 'test' };
  },
  decryptDataKey: async (encrypted) => Buffer.from(encrypted),
};

class MemoryVault implements TokenVault {
  readonly slots = new Map<string, { sealed: SealedSecret; version: number }>();
  readonly events: string[] = [];
  /** Holds the next save until released (to observe ordering). */
  gate: Promise<void> | undefined;
  async load(connectionId: string, slot: TokenSlot) {
    return this.slots.get(`${connectionId}/${slot}`);
  }
  async save(connectionId: string, slot: TokenSlot, sealed: SealedSecret, expectedVersion: number) {
    await this.gate;
    const current = this.slots.get(`${connectionId}/${slot}`)?.version ?? 0;
    if (current !== expectedVersion) return false;
    this.slots.set(`${connectionId}/${slot}`, { sealed, version: expectedVersion + 1 });
    this.events.push(`saved ${slot}`);
    return true;
  }
  async erase() {
    return 0;
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const connectionOf = (platform: Connection['platform'], extra: Partial<Connection> = {}): Connection => ({
  connectionId: `con_${platform}`,
  supplierId: 'sup_1',
  platform,
  status: 'active',
  locations: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...extra,
});
const context = (connection: Connection): CallContext => ({
  platform: connection.platform,
  operation: 'list',
  supplierId: connection.supplierId,
  connectionId: connection.connectionId,
  correlationId: 'cor_test',
});

function setup() {
  let now = Date.parse('2026-06-01T12:00:00Z');
  const vault = new MemoryVault();
  const safe = new TokenSafe(keys, vault);
  const statuses = new Map<string, ConnectionStatus>();
  const statusCalls: string[] = [];
  const connections = {
    setStatus: async (id: string, from: ConnectionStatus, to: ConnectionStatus) => {
      statusCalls.push(`${id}:${from}->${to}`);
      if ((statuses.get(id) ?? 'active') !== from) return false;
      statuses.set(id, to);
      return true;
    },
  } as unknown as ConnectionStore;
  const refreshes: {
    platform: OAuthPlatform;
    token: string;
    answer: ReturnType<typeof deferred<TokenGrant>>;
  }[] = [];
  const oauth = {
    refresh: (platform: OAuthPlatform, token: string) => {
      const answer = deferred<TokenGrant>();
      refreshes.push({ platform, token, answer });
      vault.events.push('refresh called');
      return answer.promise;
    },
  } as unknown as OAuthClient;
  const app = { yelpApiKey: async () => 'yelp-key' } as unknown as AppCredentials;
  const audit: AuditEntry[] = [];
  const metrics: string[] = [];
  const provider = new VaultTokenProvider({
    connections,
    safe,
    oauth,
    app,
    audit: { append: async (entries) => void audit.push(...entries) },
    clock: { now: () => new Date(now) },
    onMetric: (name) => metrics.push(name),
  });
  return {
    provider,
    vault,
    safe,
    refreshes,
    audit,
    metrics,
    statuses,
    statusCalls,
    advance: (ms: number) => (now += ms),
    /** Lets pending microtasks (vault reads) run so the refresh call is made. */
    settle: () => new Promise((resolve) => setImmediate(resolve)),
  };
}

async function stored(t: ReturnType<typeof setup>, connection: Connection) {
  return t.safe.read(connection, 'refresh');
}

describe('Google (1 h tokens, refresh 60 s before expiry)', () => {
  const google = connectionOf('google');

  it('refreshes once for many concurrent callers, caches until near expiry, then refreshes again', async () => {
    const t = setup();
    await t.safe.write(google, 'refresh', 'rt-1', 0);
    const calls = Array.from({ length: 5 }, () => t.provider.credentialsFor(google, context(google)));
    await t.settle();
    expect(t.refreshes).toHaveLength(1);
    expect(t.refreshes[0]!.token).toBe('rt-1');
    t.refreshes[0]!.answer.resolve({ accessToken: 'at-1', expiresInSeconds: 3600 });
    expect((await Promise.all(calls)).map((c) => c.accessToken)).toEqual(Array(5).fill('at-1'));

    t.advance(3539_000);
    await expect(t.provider.credentialsFor(google, context(google))).resolves.toEqual({
      accessToken: 'at-1',
    });
    expect(t.refreshes).toHaveLength(1);

    t.advance(2_000); // inside the last 60 s
    const next = t.provider.credentialsFor(google, context(google));
    await t.settle();
    expect(t.refreshes).toHaveLength(2);
    t.refreshes[1]!.answer.resolve({ accessToken: 'at-2', expiresInSeconds: 3600 });
    await expect(next).resolves.toEqual({ accessToken: 'at-2' });
  });

  it('refreshAfterRejection refreshes exactly once, however many callers saw the 401', async () => {
    const t = setup();
    await t.safe.write(google, 'refresh', 'rt-1', 0);
    const first = t.provider.credentialsFor(google, context(google));
    await t.settle();
    t.refreshes[0]!.answer.resolve({ accessToken: 'at-1', expiresInSeconds: 3600 });
    await first;

    const rejected = Array.from({ length: 3 }, () =>
      t.provider.refreshAfterRejection(google, context(google)),
    );
    await t.settle();
    expect(t.refreshes).toHaveLength(2);
    t.refreshes[1]!.answer.resolve({ accessToken: 'at-2', expiresInSeconds: 3600 });
    expect((await Promise.all(rejected)).map((c) => c.accessToken)).toEqual(['at-2', 'at-2', 'at-2']);
    // The new token is cached: no further refresh.
    await expect(t.provider.credentialsFor(google, context(google))).resolves.toEqual({
      accessToken: 'at-2',
    });
    expect(t.refreshes).toHaveLength(2);
  });

  it('stores a rotated refresh token before handing out the new access token', async () => {
    const t = setup();
    await t.safe.write(google, 'refresh', 'rt-1', 0);
    const release = deferred<void>();
    t.vault.gate = release.promise;
    let handedOut = false;
    const call = t.provider.credentialsFor(google, context(google)).then((c) => {
      handedOut = true;
      return c;
    });
    await t.settle();
    t.refreshes[0]!.answer.resolve({ accessToken: 'at-2', refreshToken: 'rt-2', expiresInSeconds: 3600 });
    await t.settle();
    expect(handedOut).toBe(false); // the save is still held
    release.resolve();
    await expect(call).resolves.toEqual({ accessToken: 'at-2' });
    await expect(stored(t, google)).resolves.toEqual({ token: 'rt-2', version: 2 });
    expect(t.vault.events.slice(-2)).toEqual(['refresh called', 'saved refresh']);
    expect(t.metrics).toContain('RefreshTokenRotated');
    expect(t.audit.map((a) => a.action.kind)).toEqual(['token-rotated']);
    expect(JSON.stringify(t.audit)).not.toContain('rt-2');
  });

  it('keeps the old refresh token when the refresh returns none', async () => {
    const t = setup();
    await t.safe.write(google, 'refresh', 'rt-1', 0);
    const call = t.provider.credentialsFor(google, context(google));
    await t.settle();
    t.refreshes[0]!.answer.resolve({ accessToken: 'at-2', expiresInSeconds: 3600 });
    await call;
    await expect(stored(t, google)).resolves.toEqual({ token: 'rt-1', version: 1 });
    expect(t.audit).toEqual([]);
  });

  it('does not overwrite a refresh token another process rotated meanwhile', async () => {
    const t = setup();
    await t.safe.write(google, 'refresh', 'rt-1', 0);
    const call = t.provider.credentialsFor(google, context(google));
    await t.settle();
    await t.safe.write(google, 'refresh', 'rt-other', 1); // another container won the race
    t.refreshes[0]!.answer.resolve({ accessToken: 'at-2', refreshToken: 'rt-mine', expiresInSeconds: 3600 });
    await expect(call).resolves.toEqual({ accessToken: 'at-2' });
    await expect(stored(t, google)).resolves.toEqual({ token: 'rt-other', version: 2 });
    expect(t.metrics).not.toContain('RefreshTokenRotated');
  });

  it('invalid_grant: reauth-required once (conditional), one audit entry and metric, every caller told', async () => {
    const t = setup();
    await t.safe.write(google, 'refresh', 'rt-dead', 0);
    const calls = [
      t.provider.credentialsFor(google, context(google)),
      t.provider.refreshAfterRejection(google, context(google)),
    ];
    await t.settle();
    expect(t.refreshes).toHaveLength(1);
    t.refreshes[0]!.answer.reject(
      new PlatformCallError(
        'google',
        'token-refresh',
        { kind: 'reauth-required', reason: 'invalid_grant' },
        400,
      ),
    );
    for (const call of calls) {
      await expect(call).rejects.toMatchObject({ failure: { kind: 'reauth-required' } });
    }
    expect(t.statuses.get(google.connectionId)).toBe('reauth-required');
    expect(t.audit).toMatchObject([{ action: { kind: 'reauth-required' }, outcome: 'reauth-required' }]);
    expect(t.metrics).toEqual(['ConnectionReauthRequired']);

    // A later attempt (another worker with a stale copy) finds the status already changed: no second entry.
    const again = t.provider.credentialsFor(google, context(google));
    await t.settle();
    t.refreshes[1]!.answer.reject(
      new PlatformCallError(
        'google',
        'token-refresh',
        { kind: 'reauth-required', reason: 'invalid_grant' },
        400,
      ),
    );
    await expect(again).rejects.toMatchObject({ failure: { kind: 'reauth-required' } });
    expect(t.audit).toHaveLength(1);
    expect(t.metrics).toEqual(['ConnectionReauthRequired']);
  });

  it('a transient refresh failure is passed on and does not mark the connection', async () => {
    const t = setup();
    await t.safe.write(google, 'refresh', 'rt-1', 0);
    const call = t.provider.credentialsFor(google, context(google));
    await t.settle();
    t.refreshes[0]!.answer.reject(
      new PlatformCallError('google', 'token-refresh', { kind: 'retry-later', reason: '503' }, 503),
    );
    await expect(call).rejects.toMatchObject({ failure: { kind: 'retry-later' } });
    expect(t.statusCalls).toEqual([]);
  });
});

it('Trustpilot: the 100 h token is kept until its last 10 minutes (early refreshes are throttled)', async () => {
  const t = setup();
  const trustpilot = connectionOf('trustpilot', { settings: { businessUnitId: 'bu1' } });
  await t.safe.write(trustpilot, 'refresh', 'rt-tp', 0);
  const first = t.provider.credentialsFor(trustpilot, context(trustpilot));
  await t.settle();
  t.refreshes[0]!.answer.resolve({ accessToken: 'tp-1', expiresInSeconds: 360_000 });
  await expect(first).resolves.toEqual({ accessToken: 'tp-1', settings: { businessUnitId: 'bu1' } });
  t.advance(360_000_000 - 601_000);
  await t.provider.credentialsFor(trustpilot, context(trustpilot));
  expect(t.refreshes).toHaveLength(1);
  t.advance(2_000);
  void t.provider.credentialsFor(trustpilot, context(trustpilot));
  await t.settle();
  expect(t.refreshes).toHaveLength(2);
  t.refreshes[1]!.answer.resolve({ accessToken: 'tp-2', expiresInSeconds: 360_000 });
});

it('Trustpilot: a reply author set after the token was cached travels with the cached token', async () => {
  const t = setup();
  const trustpilot = connectionOf('trustpilot', { settings: { businessUnitId: 'bu1' } });
  await t.safe.write(trustpilot, 'refresh', 'rt-tp', 0);
  const first = t.provider.credentialsFor(trustpilot, context(trustpilot));
  await t.settle();
  t.refreshes[0]!.answer.resolve({ accessToken: 'tp-1', expiresInSeconds: 360_000 });
  await expect(first).resolves.toEqual({ accessToken: 'tp-1', settings: { businessUnitId: 'bu1' } });
  const withAuthor = {
    ...trustpilot,
    settings: { businessUnitId: 'bu1', authorBusinessUserId: 'bu-user-1' },
  };
  await expect(t.provider.credentialsFor(withAuthor, context(withAuthor))).resolves.toEqual({
    accessToken: 'tp-1',
    settings: { businessUnitId: 'bu1', authorBusinessUserId: 'bu-user-1' },
  });
  expect(t.refreshes).toHaveLength(1);
});

it('Facebook: the Page tokens of chosen pages travel in the settings; a refused token means reauth', async () => {
  const t = setup();
  const facebook = connectionOf('facebook', { locations: [{ locationId: '555' }] });
  await t.safe.write(facebook, 'refresh', 'long-user-token', 0);
  await t.safe.write(facebook, 'page#555', 'page-token-555', 0);
  await t.safe.write(facebook, 'page#777', 'page-token-777', 0); // offered but not chosen
  const credentials = await t.provider.credentialsFor(facebook, context(facebook));
  expect(credentials).toEqual({
    accessToken: 'long-user-token',
    settings: { [`${PAGE_TOKEN_SETTING}555`]: 'page-token-555' },
  });
  expect(t.refreshes).toHaveLength(0);
  await expect(t.provider.refreshAfterRejection(facebook, context(facebook))).rejects.toMatchObject({
    failure: { kind: 'reauth-required' },
  });
  expect(t.statuses.get(facebook.connectionId)).toBe('reauth-required');
  expect(t.metrics).toEqual(['ConnectionReauthRequired']);
});

it('Yelp: the app API key, no token storage', async () => {
  const t = setup();
  const yelp = connectionOf('yelp', { locations: [{ locationId: 'biz' }] });
  await expect(t.provider.credentialsFor(yelp, context(yelp))).resolves.toEqual({ accessToken: 'yelp-key' });
  await expect(t.provider.refreshAfterRejection(yelp, context(yelp))).rejects.toMatchObject({
    failure: { kind: 'permanent' },
  });
});

it('a connection without a stored token is reauth-required', async () => {
  const t = setup();
  const google = connectionOf('google');
  await expect(t.provider.credentialsFor(google, context(google))).rejects.toMatchObject({
    failure: { kind: 'reauth-required' },
  });
  expect(t.refreshes).toHaveLength(0);
});
