/**
 * The audit and health routes through the local gateway (the same handler, authorizer and route
 * table as API Gateway): GET /v1/audit for supplier A never shows supplier B's entries, whatever
 * the filters or cursors; ops reads any supplier or platform; bad filters are 400s naming the
 * field; the health views answer for suppliers and ops with the stored figures.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createOpsKey } from '../../../src/access/use-cases/create-supplier';
import { newAuditId, type AuditEntry } from '../../../src/platforms';
import { DynamoAuditLog } from '../../../src/platforms/adapters/dynamo-audit-log';
import { DynamoPlatformStatsStore } from '../../../src/platforms/adapters/platform-stats-store';
import { DynamoTenantStore } from '../../../src/reviews/adapters/dynamo-records';
import { startTestStack, type TestStack } from '../support/stack';

jest.setTimeout(120_000);

let stack: TestStack;
let a: { supplierId: string; apiKey: string };
let b: { supplierId: string; apiKey: string };
let opsKey: string;

const entry = (supplierId: string, minutesAgo: number, overrides: Partial<AuditEntry> = {}): AuditEntry => {
  const atMs = Date.now() - minutesAgo * 60_000;
  return {
    auditId: newAuditId(atMs),
    supplierId,
    platform: 'google',
    connectionId: `con_${supplierId.slice(-6)}`,
    action: { kind: 'call', operation: 'list' },
    at: new Date(atMs).toISOString(),
    outcome: 'ok',
    httpStatus: 200,
    latencyMs: 120,
    correlationId: `corr_${minutesAgo}`,
    ...overrides,
  };
};

beforeAll(async () => {
  // What this file checks is answered by the API functions alone: no queue consumers or
  // real-time server to start (ADR 0037).
  stack = await startTestStack({ apiOnly: true });
  a = await stack.newSupplier('Audit A');
  b = await stack.newSupplier('Audit B');
  opsKey = (await createOpsKey(new DynamoTenantStore(stack.doc, stack.tableName('Tenants')), 'audit ops'))
    .apiKey;
  const audit = new DynamoAuditLog(stack.doc, stack.tableName('Audit'), { retentionDays: 400 });
  await audit.append([
    ...Array.from({ length: 12 }, (_, i) =>
      entry(
        a.supplierId,
        i,
        i % 3 === 0 ? { platform: 'yelp', outcome: 'rate-limited', httpStatus: 429 } : {},
      ),
    ),
    entry(a.supplierId, 20, { action: { kind: 'connect' }, httpStatus: undefined }),
    ...Array.from({ length: 8 }, (_, i) => entry(b.supplierId, i, { platform: i % 2 ? 'google' : 'yelp' })),
  ]);
});
afterAll(async () => {
  await stack?.cleanup();
});

async function pages(path: string, key: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let url = path;
  for (let i = 0; i < 30; i += 1) {
    const res = await stack.call('GET', url, { key });
    expect(res.status).toBe(200);
    items.push(...(res.json.items as Record<string, unknown>[]));
    const next = res.json.nextCursor as string | undefined;
    if (!next) return items;
    url = `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(next)}`;
  }
  throw new Error('too many pages');
}

describe('GET /v1/audit', () => {
  it('shows a supplier only their own entries, newest first, through every page and filter', async () => {
    const mine = await pages('/v1/audit?limit=5', a.apiKey);
    expect(mine).toHaveLength(13);
    expect(new Set(mine.map((i) => i.supplierId))).toEqual(new Set([a.supplierId]));
    const times = mine.map((i) => String(i.at));
    expect(times).toEqual([...times].sort().reverse());
    expect(mine.at(-1)).toMatchObject({ kind: 'lifecycle', operation: 'connect' });

    for (const filter of ['platform=yelp', 'outcome=ok', `connectionId=con_${b.supplierId.slice(-6)}`]) {
      const filtered = await pages(`/v1/audit?limit=4&${filter}`, a.apiKey);
      expect(filtered.every((i) => i.supplierId === a.supplierId)).toBe(true);
    }
    expect(await pages('/v1/audit?platform=yelp', a.apiKey)).toHaveLength(4);
    // B's connection id as a filter finds nothing of B's.
    expect(await pages(`/v1/audit?connectionId=con_${b.supplierId.slice(-6)}`, a.apiKey)).toEqual([]);
  });

  it("refuses another supplier's cursor (400), never showing their entries", async () => {
    const bPage = await stack.call('GET', '/v1/audit?limit=2', { key: b.apiKey });
    const cursor = String(bPage.json.nextCursor);
    const res = await stack.call('GET', `/v1/audit?limit=2&cursor=${encodeURIComponent(cursor)}`, {
      key: a.apiKey,
    });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
  });

  it.each([
    ['platform=myspace', 'platform'],
    ['outcome=great', 'outcome'],
    ['operation=drop-table', 'operation'],
    ['limit=0', 'limit'],
    ['limit=1000', 'limit'],
    ['from=yesterday', 'from'],
    ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'from'],
    ['connectionId=' + 'x'.repeat(65), 'connectionId'],
    ['supplierId=sup_other', 'supplierId'],
    ['cursor=forged.cursor', 'cursor'],
  ])('answers 400 for %s, naming %s', async (query, field) => {
    const res = await stack.call('GET', `/v1/audit?${query}`, { key: a.apiKey });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(res.json.errors)).toContain(field);
  });

  it('is for supplier keys: none is 401, an ops key is 403', async () => {
    expect((await stack.call('GET', '/v1/audit')).status).toBe(401);
    expect((await stack.call('GET', '/v1/audit', { key: opsKey })).status).toBe(403);
  });
});

describe('GET /v1/ops/audit', () => {
  it('reads any supplier, or one platform across suppliers', async () => {
    const ofB = await pages(`/v1/ops/audit?supplierId=${b.supplierId}&limit=3`, opsKey);
    expect(ofB).toHaveLength(8);
    expect(new Set(ofB.map((i) => i.supplierId))).toEqual(new Set([b.supplierId]));
    const yelp = await pages('/v1/ops/audit?platform=yelp&limit=3', opsKey);
    expect(new Set(yelp.map((i) => i.supplierId))).toEqual(new Set([a.supplierId, b.supplierId]));
    expect(yelp.every((i) => i.platform === 'yelp')).toBe(true);
  });

  it('needs a supplier or a platform (400), and an ops key (403 for a supplier)', async () => {
    const res = await stack.call('GET', '/v1/ops/audit', { key: opsKey });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json.errors)).toContain('platform');
    expect((await stack.call('GET', '/v1/ops/audit?platform=google', { key: a.apiKey })).status).toBe(403);
  });
});

describe('integration health', () => {
  beforeAll(async () => {
    const stats = new DynamoPlatformStatsStore(stack.doc, stack.tableName('PlatformStats'), 'us-east-1');
    const now = Date.now();
    for (let i = 0; i < 4; i += 1) {
      await stats.record({
        platform: 'trustpilot',
        at: new Date(now - i * 1000).toISOString(),
        outcome: i === 0 ? 'retry-later' : 'ok',
        quota: { remaining: 90, limit: 100, headroom: 0.9 },
      });
    }
    await stack.doc.send(
      new PutCommand({
        TableName: stack.tableName('PlatformBreakers'),
        Item: {
          pk: 'PLATFORM#facebook',
          state: JSON.stringify({ status: 'open', buckets: [], openCount: 1, openUntilMs: now + 600_000 }),
          status: 'open',
          version: 1,
        },
      }),
    );
  });

  it('ops sees every platform with its breaker, error rates and quota headroom', async () => {
    const res = await stack.call('GET', '/v1/ops/integrations/health', { key: opsKey });
    expect(res.status).toBe(200);
    const platforms = res.json.platforms as Record<string, unknown>[];
    expect(platforms.map((p) => p.platform)).toEqual(['google', 'trustpilot', 'facebook', 'yelp']);
    expect(platforms.find((p) => p.platform === 'trustpilot')).toMatchObject({
      state: 'healthy',
      errorRate5m: 0.25,
      calls5m: 4,
      quotaHeadroom: 0.9,
      lastFailureKind: 'retry-later',
      breaker: { status: 'closed' },
    });
    expect(platforms.find((p) => p.platform === 'facebook')).toMatchObject({
      state: 'down',
      breaker: { status: 'open' },
      errorRate5m: null,
    });
    expect((await stack.call('GET', '/v1/ops/integrations/health', { key: a.apiKey })).status).toBe(403);
  });

  it('a supplier gets their view (no connections yet: no platforms), never ops figures by their key', async () => {
    const res = await stack.call('GET', '/v1/integrations/health', { key: a.apiKey });
    expect(res.status).toBe(200);
    expect(res.json.platforms).toEqual([]);
    expect(
      (await stack.call('GET', '/v1/integrations/health?platform=google', { key: a.apiKey })).status,
    ).toBe(400);
    expect((await stack.call('GET', '/v1/integrations/health', { key: opsKey })).status).toBe(403);
  });
});
