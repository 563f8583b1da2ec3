/**
 * API keys and the admin audit trail through the local gateway (the same authorizer, handler and
 * route table as API Gateway; issue 9):
 * - rotation without downtime: a second key, both work, the first revoked and refused within the
 *   local revocation bound (the authorizer's 4 s key cache; no API Gateway cache locally, ADR 0011);
 * - at most two active keys; the last active key cannot be revoked; an expired key is a 401;
 * - the list shows creation, expiry, last use and status, never a secret or hash;
 * - every admin act (keys, endpoints, ops-key use) is in the trail with source IP and request id;
 *   a supplier sees only its own; ops read all with filters and a cursor.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createOpsKey } from '../../src/access/use-cases/create-supplier';
import { hashApiKey } from '../../src/access/domain/api-keys';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { startTestStack, type TestStack } from './support/stack';

jest.setTimeout(120_000);

/** The local bound: the authorizer's key cache (4 s) plus a request. */
const LOCAL_REVOCATION_MS = 5_000;

let stack: TestStack;
let a: { supplierId: string; apiKey: string; keyId: string };
let b: { supplierId: string; apiKey: string; keyId: string };
let opsKey: string;

beforeAll(async () => {
  // What this file checks is answered by the API functions alone: no queue consumers or
  // real-time server to start (ADR 0037).
  stack = await startTestStack({ apiOnly: true });
  a = (await stack.newSupplier('Keys A')) as typeof a;
  b = (await stack.newSupplier('Keys B')) as typeof b;
  opsKey = (await createOpsKey(new DynamoTenantStore(stack.doc, stack.tableName('Tenants')), 'keys ops'))
    .apiKey;
});
afterAll(async () => {
  await stack?.cleanup();
});

type Item = Record<string, unknown>;
const items = (json: Item) => json.items as Item[];

/** Polls until `check` holds, at most `ms`; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

let second: { apiKey: string; keyId: string };

it('rotates without downtime: create the second key, both work, revoke the first, it is refused within 5 s', async () => {
  const listed = await stack.call('GET', '/v1/api-keys', { key: a.apiKey });
  expect(listed.status).toBe(200);
  expect(items(listed.json)).toEqual([expect.objectContaining({ keyId: a.keyId, status: 'active' })]);

  const created = await stack.call('POST', '/v1/api-keys', {
    key: a.apiKey,
    body: { label: 'rotation 2026', expiresInDays: 30 },
  });
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ label: 'rotation 2026', status: 'active' });
  expect(Date.parse(String(created.json.expiresAt)) - Date.parse(String(created.json.createdAt))).toBe(
    30 * 86_400_000,
  );
  second = { apiKey: String(created.json.apiKey), keyId: String(created.json.keyId) };

  // Both keys work while the caller switches.
  expect((await stack.call('GET', '/v1/api-keys', { key: second.apiKey })).status).toBe(200);
  expect((await stack.call('GET', '/v1/api-keys', { key: a.apiKey })).status).toBe(200);

  // A third active key is refused.
  const third = await stack.call('POST', '/v1/api-keys', { key: a.apiKey, body: {} });
  expect(third.status).toBe(409);
  expect(String(third.json.detail)).toMatch(/at most 2 active keys/);

  const revoked = await stack.call('DELETE', `/v1/api-keys/${a.keyId}`, { key: second.apiKey });
  expect(revoked.status).toBe(200);
  expect(revoked.json).toMatchObject({ keyId: a.keyId, status: 'revoked' });
  const took = await within(LOCAL_REVOCATION_MS + 1_000, async () => {
    return (await stack.call('GET', '/v1/api-keys', { key: a.apiKey })).status === 403;
  });
  expect(took).toBeLessThanOrEqual(LOCAL_REVOCATION_MS);
  // The new key keeps working; revoking twice is harmless.
  expect((await stack.call('DELETE', `/v1/api-keys/${a.keyId}`, { key: second.apiKey })).status).toBe(200);
});

it('refuses revoking the last active key (409), unknown and other suppliers’ keys (404)', async () => {
  const last = await stack.call('DELETE', `/v1/api-keys/${second.keyId}`, { key: second.apiKey });
  expect(last.status).toBe(409);
  expect(last.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(String(last.json.detail)).toMatch(/last active API key/);
  expect((await stack.call('DELETE', `/v1/api-keys/${b.keyId}`, { key: second.apiKey })).status).toBe(404);
  expect(
    (await stack.call('DELETE', '/v1/api-keys/key_00000000000000000000000000', { key: second.apiKey }))
      .status,
  ).toBe(404);
  expect((await stack.call('DELETE', '/v1/api-keys/nonsense', { key: second.apiKey })).status).toBe(404);
  // B's key still works.
  expect((await stack.call('GET', '/v1/api-keys', { key: b.apiKey })).status).toBe(200);
});

it('validates the body: 422 with field paths, never a 5xx', async () => {
  for (const body of [
    { expiresInDays: 0 },
    { expiresInDays: 366 },
    { expiresInDays: 1.5 },
    { expiresInDays: '30' },
    { label: '' },
    { label: 'x'.repeat(65) },
    { label: 'tab\there' },
    { apiKey: 'wsk_mine' },
  ]) {
    const answer = await stack.call('POST', '/v1/api-keys', { key: second.apiKey, body });
    expect(answer.status).toBe(422);
    expect((answer.json.errors as unknown[]).length).toBeGreaterThan(0);
  }
  const malformed = await stack.call('POST', '/v1/api-keys', {
    key: second.apiKey,
    raw: '[1',
    headers: { 'content-type': 'application/json' },
  });
  expect(malformed.status).toBe(400);
});

it('lists creation, expiry, last use and status, never a secret or a hash', async () => {
  const listed = await stack.call('GET', '/v1/api-keys', { key: second.apiKey });
  const keys = items(listed.json);
  expect(keys.map((k) => [k.keyId, k.status])).toEqual([
    [second.keyId, 'active'],
    [a.keyId, 'revoked'],
  ]);
  // The authorizer recorded the last use of both keys (once per 5 minutes at most).
  for (const key of keys) expect(typeof key.lastUsedAt).toBe('string');
  expect(keys[0]).toHaveProperty('expiresAt');
  expect(keys[1]).toHaveProperty('revokedAt');
  expect(JSON.stringify(listed.json)).not.toMatch(/wsk_|keyHash|[0-9a-f]{64}/);
});

it('refuses an expired key with a 401 within the local bound', async () => {
  const created = await stack.call('POST', '/v1/api-keys', {
    key: second.apiKey,
    body: { expiresInDays: 1 },
  });
  expect(created.status).toBe(201);
  const expiring = String(created.json.apiKey);
  expect((await stack.call('GET', '/v1/api-keys', { key: expiring })).status).toBe(200);
  // Time travel in the store: the key's expiry is now in the past.
  await stack.doc.send(
    new UpdateCommand({
      TableName: stack.tableName('Tenants'),
      Key: { pk: `APIKEY#${hashApiKey(expiring)}`, sk: 'APIKEY' },
      UpdateExpression: 'SET expiresAt = :past',
      ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
    }),
  );
  const took = await within(LOCAL_REVOCATION_MS + 1_000, async () => {
    return (await stack.call('GET', '/v1/api-keys', { key: expiring })).status === 401;
  });
  expect(took).toBeLessThanOrEqual(LOCAL_REVOCATION_MS);
});

describe('the admin audit trail', () => {
  let endpointId: string;
  beforeAll(async () => {
    const endpoint = await stack.call('POST', '/v1/webhook-endpoints', {
      key: second.apiKey,
      body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['review.received'] },
    });
    expect(endpoint.status).toBe(201);
    endpointId = String(endpoint.json.id);
    expect(
      (
        await stack.call('PATCH', `/v1/webhook-endpoints/${endpointId}`, {
          key: second.apiKey,
          body: { description: 'changed' },
        })
      ).status,
    ).toBe(200);
    expect(
      (await stack.call('POST', `/v1/webhook-endpoints/${endpointId}/rotate-secret`, { key: second.apiKey }))
        .status,
    ).toBe(200);
    expect(
      (await stack.call('DELETE', `/v1/webhook-endpoints/${endpointId}`, { key: second.apiKey })).status,
    ).toBe(204);
  });

  it('records every act with actor, source IP and request id; the supplier reads its own', async () => {
    const trail = await stack.call('GET', '/v1/audit/admin?limit=100', { key: second.apiKey });
    expect(trail.status).toBe(200);
    const acts = items(trail.json);
    const kinds = acts.map((act) => `${String(act.kind)} ${String(act.target)}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        `api_key.created api_key:${second.keyId}`,
        `api_key.revoked api_key:${a.keyId}`,
        `endpoint.created endpoint:${endpointId}`,
        `endpoint.changed endpoint:${endpointId}`,
        `endpoint.secret_rotated endpoint:${endpointId}`,
        `endpoint.deleted endpoint:${endpointId}`,
      ]),
    );
    // Revoking twice recorded one act (same id, same instant).
    expect(kinds.filter((k) => k === `api_key.revoked api_key:${a.keyId}`)).toHaveLength(1);
    for (const act of acts) {
      expect(act.supplierId).toBe(a.supplierId);
      expect(String(act.sourceIp)).toMatch(/127\.0\.0\.1|::1/);
      expect(typeof act.requestId).toBe('string');
    }
    const revokedAct = acts.find((act) => act.kind === 'api_key.revoked')!;
    expect(revokedAct.actor).toEqual({ type: 'supplier', supplierId: a.supplierId, keyId: second.keyId });
    // Newest first.
    const times = acts.map((act) => String(act.at));
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("never shows another supplier's acts, and the platform trail stays platform-only", async () => {
    const theirs = await stack.call('GET', '/v1/audit/admin', { key: b.apiKey });
    expect(theirs.status).toBe(200);
    expect(items(theirs.json)).toEqual([]);
    const platform = await stack.call('GET', '/v1/audit', { key: second.apiKey });
    expect(platform.status).toBe(200);
    for (const entry of items(platform.json)) expect(entry).toHaveProperty('platform');
    // Filters narrow, they never widen: another supplier's id is not a filter a supplier has.
    expect(
      (await stack.call('GET', `/v1/audit/admin?supplierId=${b.supplierId}`, { key: b.apiKey })).status,
    ).toBe(400);
  });

  it('lets ops read all acts with filters and a cursor, and audits every use of an ops key', async () => {
    const revoked = await stack.call(
      'GET',
      `/v1/ops/audit/admin?supplierId=${a.supplierId}&kind=api_key.revoked`,
      {
        key: opsKey,
      },
    );
    expect(revoked.status).toBe(200);
    expect(items(revoked.json).map((act) => act.target)).toEqual([`api_key:${a.keyId}`]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({
        supplierId: a.supplierId,
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      const page = await stack.call('GET', `/v1/ops/audit/admin?${query}`, { key: opsKey });
      expect(page.status).toBe(200);
      expect(items(page.json).length).toBeLessThanOrEqual(2);
      seen.push(...items(page.json).map((act) => String(act.auditId)));
      cursor = page.json.nextCursor as string | undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(6);

    const opsUse = await stack.call('GET', '/v1/ops/audit/admin?kind=api_key.used_for_ops&actorType=ops', {
      key: opsKey,
    });
    const uses = items(opsUse.json);
    expect(uses.length).toBeGreaterThanOrEqual(3);
    expect(uses[0]).toMatchObject({ detail: 'GET /v1/ops/audit/admin', actor: { type: 'ops' } });
    expect(typeof uses[0]!.requestId).toBe('string');

    // Bad filters and forged cursors are 400s; a supplier key is refused on the ops route.
    for (const query of [
      'kind=nope',
      'actorType=robot',
      'target=nope',
      'cursor=abc.def',
      'from=2026-13-01',
    ]) {
      expect((await stack.call('GET', `/v1/ops/audit/admin?${query}`, { key: opsKey })).status).toBe(400);
    }
    expect((await stack.call('GET', '/v1/ops/audit/admin', { key: second.apiKey })).status).toBe(403);
    expect((await stack.call('GET', '/v1/audit/admin', { key: opsKey })).status).toBe(403);
  });
});
