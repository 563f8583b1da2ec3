/**
 * Connecting Google against the fake through the local mode (gateway -> API handler in its own
 * thread -> DynamoDB Local; the fake Google on 127.0.0.1):
 * - POST /v1/connections -> the consent URL (PKCE S256, signed state, offline + consent, scope);
 *   following it (auto-approve) lands on the public callback -> an active connection with the
 *   account's locations; the refresh token is stored only sealed;
 * - the same callback again (replayed state) is a 409; tampered or missing state, a refused
 *   consent and a failing token endpoint are 400s; never a 5xx;
 * - locations are chosen among the offered ones (422 otherwise);
 * - the token provider over the same table: a rotated refresh token replaces the stored one; a
 *   revoked one turns the connection to reauth-required;
 * - DELETE revokes at Google and erases the tokens;
 * - Yelp is active at once; another supplier sees nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakePlatformServer } from '../../../local/platform-fakes/fake-platform-server';
import { mountGoogleOAuth, type FakeOAuth } from '../../../local/platform-fakes/oauth';
import { LOCAL_OAUTH_CLIENT_IDS } from '../../../local/stack';
import { keyRingFor } from '../../../src/access/adapters/key-ring';
import { secretDefinition } from '../../../src/catalog/secrets';
import { SecretAppCredentials } from '../../../src/platforms/adapters/app-credentials';
import { DynamoConnectionStore } from '../../../src/platforms/adapters/dynamo-connections';
import { FetchPlatformHttp } from '../../../src/platforms/adapters/fetch-platform-http';
import { LocalKeyEncryption } from '../../../src/platforms/adapters/local-key-encryption';
import { HttpOAuthClient } from '../../../src/platforms/adapters/oauth-http-client';
import type { AuditEntry } from '../../../src/platforms/domain/audit';
import type { Connection } from '../../../src/platforms/domain/connection';
import { VaultTokenProvider } from '../../../src/platforms/use-cases/token-provider';
import { TokenSafe } from '../../../src/platforms/use-cases/token-safe';
import { systemClock } from '../../../src/shared/clock';
import { startTestStack, type TestStack } from '../support/stack';

jest.setTimeout(120_000);

let stack: TestStack;
let google: FakePlatformServer;
let oauth: FakeOAuth;
let keyDir: string;
let supplier: { supplierId: string; apiKey: string };

beforeAll(async () => {
  google = new FakePlatformServer('google');
  oauth = mountGoogleOAuth(google, { clientId: LOCAL_OAUTH_CLIENT_IDS.google });
  await google.start();
  keyDir = mkdtempSync(join(tmpdir(), 'vault-key-'));
  // The API's thread reads these (local overrides), so they are set before the stack starts.
  process.env.WEDSYNC_PLATFORM_ORIGINS = JSON.stringify({ google: google.baseUrl });
  process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE = join(keyDir, 'token-vault.key');
  // What this file checks is answered by the API functions alone: no queue consumers or
  // real-time server to start (ADR 0037).
  stack = await startTestStack({ apiOnly: true });
  // The fake requires the client secret the local mode generated for the Google app.
  const secrets = JSON.parse(stack.env.WEDSYNC_LOCAL_SECRETS!) as Record<string, string[]>;
  oauth.options.clientSecret = secrets[stack.env[secretDefinition('GoogleClientSecret').envVar]!]![0];
  supplier = await stack.newSupplier('Rose Garden Weddings');
});
afterAll(async () => {
  await stack?.cleanup();
  await google?.close();
  delete process.env.WEDSYNC_PLATFORM_ORIGINS;
  delete process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE;
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

/** Follows the consent URL (the fake auto-approves) and returns the callback URL it redirects to. */
async function consent(authorizationUrl: string): Promise<string> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location')!;
}

async function callback(url: string) {
  const response = await fetch(url);
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

async function connectGoogle(): Promise<{
  connectionId: string;
  callbackUrl: string;
  body: Record<string, unknown>;
}> {
  const started = await stack.call('POST', '/v1/connections', {
    key: supplier.apiKey,
    body: { platform: 'google' },
  });
  expect(started.status).toBe(201);
  const connection = started.json.connection as Record<string, unknown>;
  const callbackUrl = await consent(String(started.json.authorizationUrl));
  const done = await callback(callbackUrl);
  expect(done.status).toBe(200);
  return { connectionId: String(connection.connectionId), callbackUrl, body: done.json };
}

function tokenProvider(audit: AuditEntry[] = []) {
  const store = new DynamoConnectionStore(stack.doc, stack.tableName('Connections'));
  const ring = (id: Parameters<typeof secretDefinition>[0]) =>
    keyRingFor(stack.env[secretDefinition(id).envVar]!);
  const app = new SecretAppCredentials(LOCAL_OAUTH_CLIENT_IDS, {
    google: ring('GoogleClientSecret'),
    facebook: ring('FacebookAppSecret'),
    trustpilot: ring('TrustpilotApiSecret'),
    yelp: ring('YelpApiKey'),
  });
  const safe = new TokenSafe(new LocalKeyEncryption(process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE), store);
  const metrics: string[] = [];
  const provider = new VaultTokenProvider({
    connections: store,
    safe,
    oauth: new HttpOAuthClient(new FetchPlatformHttp(), app, { google: google.baseUrl }),
    app,
    audit: { append: async (entries) => void audit.push(...entries) },
    clock: systemClock,
    onMetric: (name) => metrics.push(name),
  });
  return { provider, store, safe, metrics };
}

const callContext = (connection: Connection) => ({
  platform: connection.platform,
  operation: 'list' as const,
  supplierId: connection.supplierId,
  connectionId: connection.connectionId,
  correlationId: 'cor_test',
});

it('connects Google: consent URL with PKCE and a signed state, callback, active with locations, token sealed', async () => {
  const started = await stack.call('POST', '/v1/connections', {
    key: supplier.apiKey,
    body: { platform: 'google' },
  });
  expect(started.status).toBe(201);
  const connection = started.json.connection as Record<string, unknown>;
  expect(connection).toMatchObject({ platform: 'google', status: 'pending', locations: [] });
  expect(started.headers.get('location')).toBe(`/v1/connections/${String(connection.connectionId)}`);
  const url = new URL(String(started.json.authorizationUrl));
  expect(`${url.origin}${url.pathname}`).toBe(`${google.baseUrl}/o/oauth2/v2/auth`);
  expect(Object.fromEntries(url.searchParams)).toMatchObject({
    response_type: 'code',
    client_id: LOCAL_OAUTH_CLIENT_IDS.google,
    redirect_uri: `${stack.apiUrl}/v1/oauth/callback`,
    scope: 'https://www.googleapis.com/auth/business.manage',
    code_challenge_method: 'S256',
    access_type: 'offline',
    prompt: 'consent',
  });
  expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

  const done = await callback(await consent(url.toString()));
  expect(done.status).toBe(200);
  expect(done.json).toMatchObject({
    connectionId: connection.connectionId,
    status: 'active',
    accountId: 'accounts/100',
    locations: [
      { locationId: 'accounts/100/locations/1001', name: 'Rose Garden Weddings - Bath' },
      { locationId: 'accounts/100/locations/1002', name: 'Rose Garden Weddings - Bristol' },
    ],
  });
  // The exchange sent the verifier and the client secret (the fake checks both).
  expect(oauth.countGrants('authorization_code')).toBeGreaterThanOrEqual(1);

  const items = await stack.scanAll('Connections');
  const refreshTokens = oauth.liveRefreshTokens();
  const dump = JSON.stringify(items);
  for (const token of refreshTokens) expect(dump).not.toContain(token);
  const tokenItem = items.find(
    (i) => i.pk === `CONNECTION#${String(connection.connectionId)}` && i.sk === 'TOKEN#refresh',
  );
  expect(tokenItem).toMatchObject({ version: 1, keyId: expect.stringMatching(/^local:/) });
  expect(dump).not.toContain('codeVerifier');

  const read = await stack.call('GET', `/v1/connections/${String(connection.connectionId)}`, {
    key: supplier.apiKey,
  });
  expect(read.status).toBe(200);
  expect(read.json).toMatchObject({ status: 'active', availableLocations: expect.any(Array) });
});

it('refuses a replayed, tampered or missing state, a refused consent and a failing token endpoint with 4xx', async () => {
  const { callbackUrl } = await connectGoogle();
  const replayed = await callback(callbackUrl);
  expect(replayed.status).toBe(409);
  expect(replayed.type).toMatch(/problem\+json/);

  const tampered = new URL(callbackUrl);
  const state = tampered.searchParams.get('state')!;
  tampered.searchParams.set('state', `${state.slice(0, -2)}${state.endsWith('AA') ? 'BB' : 'AA'}`);
  expect((await callback(tampered.toString())).status).toBe(400);
  expect((await callback(`${stack.apiUrl}/v1/oauth/callback?code=abc`)).status).toBe(400);
  expect(
    (await callback(`${stack.apiUrl}/v1/oauth/callback?code=abc&state=${'x'.repeat(3000)}`)).status,
  ).toBe(400);
  expect((await callback(`${stack.apiUrl}/v1/oauth/callback?unknown=1`)).status).toBe(400);

  // The account owner refuses on the consent screen.
  oauth.options.consent = 'deny';
  try {
    const started = await stack.call('POST', '/v1/connections', {
      key: supplier.apiKey,
      body: { platform: 'google' },
    });
    const denied = await callback(await consent(String(started.json.authorizationUrl)));
    expect(denied.status).toBe(400);
    expect(String(denied.json.detail)).toMatch(/did not grant access/);
    const id = String((started.json.connection as Record<string, unknown>).connectionId);
    const read = await stack.call('GET', `/v1/connections/${id}`, { key: supplier.apiKey });
    expect(read.json.status).toBe('disconnected');
  } finally {
    oauth.options.consent = 'approve';
  }

  // Google's token endpoint fails: a clear 400, never a 5xx.
  const started = await stack.call('POST', '/v1/connections', {
    key: supplier.apiKey,
    body: { platform: 'google' },
  });
  const url = await consent(String(started.json.authorizationUrl));
  google.fault(
    { kind: 'status', response: { status: 503, json: { error: 'backend_error' } } },
    1,
    (r) => r.path === '/token',
  );
  const failed = await callback(url);
  expect(failed.status).toBe(400);
  expect(String(failed.json.detail)).toMatch(/start the connection again/);
});

it('chooses locations among the offered ones (422 for others); another supplier sees nothing', async () => {
  const { connectionId } = await connectGoogle();
  const path = `/v1/connections/${connectionId}/locations`;
  const chosen = await stack.call('PUT', path, {
    key: supplier.apiKey,
    body: { locationIds: ['accounts/100/locations/1002'] },
  });
  expect(chosen.status).toBe(200);
  expect(chosen.json.locations).toEqual([
    { locationId: 'accounts/100/locations/1002', name: 'Rose Garden Weddings - Bristol' },
  ]);
  const wrong = await stack.call('PUT', path, {
    key: supplier.apiKey,
    body: { locationIds: ['accounts/100/locations/1002', 'accounts/999/locations/1'] },
  });
  expect(wrong.status).toBe(422);
  expect(wrong.json.errors).toEqual([{ path: 'locationIds.1', message: 'not a location of this account' }]);

  const other = await stack.newSupplier('Someone Else');
  expect((await stack.call('GET', `/v1/connections/${connectionId}`, { key: other.apiKey })).status).toBe(
    404,
  );
  expect((await stack.call('PUT', path, { key: other.apiKey, body: { locationIds: [] } })).status).toBe(404);
  expect((await stack.call('DELETE', `/v1/connections/${connectionId}`, { key: other.apiKey })).status).toBe(
    404,
  );
  expect((await stack.call('GET', '/v1/connections', { key: other.apiKey })).json).toEqual({ items: [] });
  expect((await stack.call('GET', '/v1/connections/not-an-id', { key: supplier.apiKey })).status).toBe(404);
});

it('token provider: a rotated refresh token replaces the stored one; a revoked one means reauth-required', async () => {
  const { connectionId } = await connectGoogle();
  const audit: AuditEntry[] = [];
  const { provider, store, safe, metrics } = tokenProvider(audit);
  const connection = (await store.getById(connectionId))!;

  oauth.options.rotateRefreshTokens = true;
  try {
    const before = (await safe.read(connection, 'refresh'))!;
    const credentials = await provider.credentialsFor(connection, callContext(connection));
    expect(
      google.bearer({ headers: { authorization: `Bearer ${credentials.accessToken}` } } as never).ok,
    ).toBe(true);
    const after = (await safe.read(connection, 'refresh'))!;
    expect(after.version).toBe(before.version + 1);
    expect(after.token).not.toBe(before.token);
    expect(oauth.liveRefreshTokens()).toContain(after.token);
    expect(oauth.liveRefreshTokens()).not.toContain(before.token);
  } finally {
    oauth.options.rotateRefreshTokens = false;
  }

  // The user revokes access at Google: the next refresh gets invalid_grant.
  oauth.revoke((await safe.read(connection, 'refresh'))!.token);
  await expect(provider.refreshAfterRejection(connection, callContext(connection))).rejects.toMatchObject({
    failure: { kind: 'reauth-required' },
  });
  const read = await stack.call('GET', `/v1/connections/${connectionId}`, { key: supplier.apiKey });
  expect(read.json).toMatchObject({
    status: 'reauth-required',
    statusReason: expect.stringMatching(/invalid_grant/),
  });
  expect(metrics).toContain('ConnectionReauthRequired');
  expect(audit.map((a) => a.action.kind)).toEqual(['token-rotated', 'reauth-required']);
});

it('DELETE revokes the grant at Google, erases every stored token and marks the connection disconnected', async () => {
  const { connectionId } = await connectGoogle();
  const { store, safe } = tokenProvider();
  const connection = (await store.getById(connectionId))!;
  const refreshToken = (await safe.read(connection, 'refresh'))!.token;
  const revokes = google.count((r) => r.path === '/revoke');

  const deleted = await stack.call('DELETE', `/v1/connections/${connectionId}`, { key: supplier.apiKey });
  expect(deleted.status).toBe(204);
  expect(google.count((r) => r.path === '/revoke')).toBe(revokes + 1);
  expect(oauth.liveRefreshTokens()).not.toContain(refreshToken);
  const items = await stack.scanAll('Connections');
  expect(
    items.filter((i) => i.pk === `CONNECTION#${connectionId}` && String(i.sk).startsWith('TOKEN#')),
  ).toEqual([]);
  const read = await stack.call('GET', `/v1/connections/${connectionId}`, { key: supplier.apiKey });
  expect(read.json).toMatchObject({ status: 'disconnected', locations: [] });
  // Choosing locations of a disconnected connection is a conflict, not a 5xx.
  const put = await stack.call('PUT', `/v1/connections/${connectionId}/locations`, {
    key: supplier.apiKey,
    body: { locationIds: [] },
  });
  expect(put.status).toBe(409);
});

it('Yelp is active at once (the app key); bodies are validated per platform', async () => {
  const yelp = await stack.call('POST', '/v1/connections', {
    key: supplier.apiKey,
    body: { platform: 'yelp', businessId: 'rose-garden-weddings-bath' },
  });
  expect(yelp.status).toBe(201);
  expect(yelp.json.authorizationUrl).toBeUndefined();
  expect(yelp.json.connection).toMatchObject({
    platform: 'yelp',
    status: 'active',
    locations: [{ locationId: 'rose-garden-weddings-bath' }],
  });
  const missing = await stack.call('POST', '/v1/connections', {
    key: supplier.apiKey,
    body: { platform: 'yelp' },
  });
  expect(missing.status).toBe(422);
  const extra = await stack.call('POST', '/v1/connections', {
    key: supplier.apiKey,
    body: { platform: 'google', businessId: 'x' },
  });
  expect(extra.status).toBe(422);
  const unknown = await stack.call('POST', '/v1/connections', {
    key: supplier.apiKey,
    body: { platform: 'myspace' },
  });
  expect(unknown.status).toBe(422);
  const list = await stack.call('GET', '/v1/connections', { key: supplier.apiKey });
  expect((list.json.items as unknown[]).length).toBeGreaterThanOrEqual(5);
  expect(JSON.stringify(list.json)).not.toMatch(/verifier|nonce|rt_/);
});
