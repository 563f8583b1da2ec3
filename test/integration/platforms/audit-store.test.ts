/**
 * The audit trail, statistics and breaker reads against DynamoDB Local (tables from the catalog):
 * - append-only: a second write of the same audit id is refused and the stored entry is unchanged;
 * - listings: newest first, filtered by platform, connection, operation, outcome and time range,
 *   paged with a cursor that only its own listing accepts; ops reads by platform across suppliers;
 * - the audited client records a real call to a loopback HTTP server: its entry and its statistics;
 * - statistics written from two regions are kept in per-region shards and merged on read.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createTables } from '../../../local/resources';
import { acquireStore, type TestStore } from '../support/shared-store';
import { tableDefinition, type TableId } from '../../../src/catalog/tables';
import {
  listAudit,
  newAuditId,
  type AuditEntry,
  type AuditQuery,
  type CallContext,
} from '../../../src/platforms';
import { AuditedPlatformHttp } from '../../../src/platforms/adapters/audited-platform-http';
import { DynamoBreakerStates } from '../../../src/platforms/adapters/breaker-states';
import { DynamoAuditLog } from '../../../src/platforms/adapters/dynamo-audit-log';
import { FetchPlatformHttp } from '../../../src/platforms/adapters/fetch-platform-http';
import { DynamoPlatformStatsStore } from '../../../src/platforms/adapters/platform-stats-store';
import { ProblemError } from '../../../src/shared/problem';

jest.setTimeout(60_000);

let db: TestStore;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let env: Record<string, string>;
let audit: DynamoAuditLog;
const table = (id: TableId) => env[tableDefinition(id).envVar]!;
const keys = { keyRing: () => Promise.resolve(['cursor-test-secret']) };

beforeAll(async () => {
  db = await acquireStore('audit-test');
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: db.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  doc = DynamoDBDocumentClient.from(client);
  env = await createTables(client, db.tablePrefix, { only: ['Audit', 'PlatformBreakers', 'PlatformStats'] });
  audit = new DynamoAuditLog(doc, table('Audit'), { retentionDays: 400 });
});
afterAll(async () => {
  client?.destroy();
  await db?.release();
});

/**
 * The entries' clock: yesterday, on the hour. Entries expire 400 days after their time and
 * DynamoDB Local deletes expired items, so a fixed date would break the test once that has passed.
 */
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 86_400_000;
let seq = 0;
const entry = (overrides: Partial<AuditEntry> & { minute: number }): AuditEntry => {
  const { minute, ...rest } = overrides;
  const atMs = T0 + minute * 60_000;
  seq += 1;
  return {
    auditId: newAuditId(atMs),
    supplierId: 'sup_a',
    platform: 'google',
    connectionId: 'con_a1',
    action: { kind: 'call', operation: 'list' },
    at: new Date(atMs).toISOString(),
    outcome: 'ok',
    httpStatus: 200,
    latencyMs: 100 + seq,
    correlationId: `corr_${seq}`,
    ...rest,
  };
};

describe('append-only', () => {
  it('refuses a second write of the same id and leaves the first entry exactly as written', async () => {
    const first = entry({ minute: 0, supplierId: 'sup_once', breakerProbe: true, queuedMs: 37 });
    expect(await audit.appendOne(first)).toBe('written');
    expect(await audit.appendOne({ ...first, outcome: 'permanent', detail: 'rewritten' })).toBe('exists');
    await audit.append([{ ...first, outcome: 'permanent' }]);
    const stored = await audit.list({ supplierId: 'sup_once', limit: 10 }, undefined);
    expect(stored.items).toEqual([first]);
  });

  it('stores a TTL from the retention setting', async () => {
    const e = entry({ minute: 1, supplierId: 'sup_ttl' });
    await audit.append([e]);
    const { Item } = await doc.send(
      new GetCommand({
        TableName: table('Audit'),
        Key: { pk: 'SUPPLIER#sup_ttl', sk: `${e.at}#${e.auditId}` },
      }),
    );
    expect(Item?.expiresAt).toBe(Math.floor(Date.parse(e.at) / 1000) + 400 * 86_400);
  });
});

describe('listing', () => {
  const entries: AuditEntry[] = [];
  beforeAll(async () => {
    for (let m = 0; m < 30; m += 1) {
      entries.push(
        entry({
          minute: m,
          platform: m % 3 === 0 ? 'yelp' : 'google',
          connectionId: m % 3 === 0 ? 'con_a2' : 'con_a1',
          outcome: m % 5 === 0 ? 'rate-limited' : 'ok',
          action: m % 4 === 0 ? { kind: 'call', operation: 'reply' } : { kind: 'call', operation: 'list' },
        }),
      );
    }
    entries.push(entry({ minute: 31, action: { kind: 'connect' }, connectionId: 'con_a3' }));
    // Another supplier's entries on the same platforms and times.
    for (let m = 0; m < 10; m += 1)
      entries.push(entry({ minute: m, supplierId: 'sup_b', connectionId: 'con_b1' }));
    await audit.append(entries);
  });

  const all = async (query: Omit<AuditQuery, 'cursor'>, audience: 'supplier' | 'ops' = 'supplier') => {
    const seen: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listAudit({ ...query, ...(cursor ? { cursor } : {}) }, audience, {
        auditReader: audit,
        cursorKeys: keys,
      });
      expect(page.items.length).toBeLessThanOrEqual(query.limit);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    return { seen, pages };
  };
  const expected = (keep: (e: AuditEntry) => boolean) =>
    entries
      .filter(keep)
      .sort((a, b) => (a.at === b.at ? 0 : a.at < b.at ? 1 : -1))
      .map((e) => e.auditId);
  const ids = (items: Record<string, unknown>[]) => items.map((i) => i.auditId);

  it("pages a supplier's entries newest first, each once, never another supplier's", async () => {
    const { seen, pages } = await all({ supplierId: 'sup_a', limit: 7 });
    expect(ids(seen)).toEqual(expected((e) => e.supplierId === 'sup_a'));
    expect(pages).toBeGreaterThan(4);
    expect(seen[0]).toMatchObject({ kind: 'lifecycle', operation: 'connect' });
  });

  it.each([
    ['platform', { platform: 'yelp' as const }, (e: AuditEntry) => e.platform === 'yelp'],
    ['connection', { connectionId: 'con_a1' }, (e: AuditEntry) => e.connectionId === 'con_a1'],
    [
      'operation',
      { operation: 'reply' as const },
      (e: AuditEntry) => e.action.kind === 'call' && e.action.operation === 'reply',
    ],
    ['outcome', { outcome: 'rate-limited' as const }, (e: AuditEntry) => e.outcome === 'rate-limited'],
    [
      'connection + outcome',
      { connectionId: 'con_a2', outcome: 'rate-limited' as const },
      (e: AuditEntry) => e.connectionId === 'con_a2' && e.outcome === 'rate-limited',
    ],
    [
      'time range',
      { from: new Date(T0 + 5 * 60_000).toISOString(), to: new Date(T0 + 12 * 60_000).toISOString() },
      (e: AuditEntry) => Date.parse(e.at) >= T0 + 5 * 60_000 && Date.parse(e.at) <= T0 + 12 * 60_000,
    ],
  ])('filters by %s, through every page', async (_name, filter, keep) => {
    const { seen } = await all({ supplierId: 'sup_a', limit: 4, ...filter });
    expect(ids(seen)).toEqual(expected((e) => e.supplierId === 'sup_a' && keep(e)));
    expect(seen.length).toBeGreaterThan(0);
  });

  it('ops reads one platform across suppliers', async () => {
    const { seen } = await all({ platform: 'google', limit: 9 }, 'ops');
    const suppliers = new Set(seen.map((i) => i.supplierId));
    expect(suppliers).toEqual(new Set(['sup_a', 'sup_b', 'sup_ttl', 'sup_once']));
    expect(seen.every((i) => i.platform === 'google')).toBe(true);
  });

  it("refuses a cursor from another listing (another supplier's, other filters)", async () => {
    const page = await listAudit({ supplierId: 'sup_a', limit: 3 }, 'supplier', {
      auditReader: audit,
      cursorKeys: keys,
    });
    expect(page.nextCursor).toBeDefined();
    for (const other of [
      { supplierId: 'sup_b', limit: 3 },
      { supplierId: 'sup_a', platform: 'google' as const, limit: 3 },
    ]) {
      await expect(
        listAudit({ ...other, cursor: page.nextCursor! }, 'supplier', {
          auditReader: audit,
          cursorKeys: keys,
        }),
      ).rejects.toBeInstanceOf(ProblemError);
    }
  });
});

describe('the audited client against a loopback server', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/busy')) {
        res.writeHead(429, { 'retry-after': '3', 'ratelimit-remaining': '0', 'ratelimit-limit': '5000' });
        res.end('{}');
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        'ratelimit-remaining': '4000',
        'ratelimit-limit': '5000',
      });
      res.end('{"reviews":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('writes one entry per call and counts it for the platform and the connection', async () => {
    const stats = new DynamoPlatformStatsStore(doc, table('PlatformStats'), 'us-east-1');
    const calls: string[] = [];
    const audited = new AuditedPlatformHttp(new FetchPlatformHttp({ timeoutMs: 2000 }), {
      audit,
      stats,
      quotaFrom: (_platform, headers) => ({
        remaining: Number(headers['ratelimit-remaining']),
        limit: Number(headers['ratelimit-limit']),
      }),
      metrics: {
        call: (platform, outcome) => calls.push(`${platform}:${outcome}`),
        auditRetried: () => undefined,
        auditParked: () => undefined,
        statsWriteFailed: () => undefined,
      },
      park: () => {
        throw new Error('nothing should be parked');
      },
    });
    const context: CallContext = {
      platform: 'yelp',
      operation: 'list',
      supplierId: 'sup_http',
      connectionId: 'con_http',
      correlationId: 'corr_http',
    };
    const started = Date.now();
    expect(
      (await audited.request({ method: 'GET', url: `${url}/v3/businesses/x/reviews?key=secret` }, context))
        .status,
    ).toBe(200);
    expect((await audited.request({ method: 'GET', url: `${url}/busy` }, context)).status).toBe(429);
    expect(calls).toEqual(['yelp:ok', 'yelp:rate-limited']);

    const trail = await audit.list({ supplierId: 'sup_http', limit: 10 }, undefined);
    expect(trail.items).toEqual([
      expect.objectContaining({
        outcome: 'rate-limited',
        httpStatus: 429,
        quotaRemaining: 0,
        detail: 'GET ' + url.slice(7) + '/busy',
      }),
      expect.objectContaining({
        outcome: 'ok',
        httpStatus: 200,
        quotaRemaining: 4000,
        correlationId: 'corr_http',
        connectionId: 'con_http',
        action: { kind: 'call', operation: 'list' },
        detail: `GET ${url.slice(7)}/v3/businesses/x/reviews`,
      }),
    ]);
    expect(trail.items[1]!.latencyMs).toBeGreaterThanOrEqual(0);

    for (const scope of [
      { kind: 'platform', platform: 'yelp' } as const,
      { kind: 'connection', connectionId: 'con_http' } as const,
    ]) {
      const read = await stats.read(scope, started - 120_000);
      const totals = read.minutes.reduce(
        (t, m) => ({
          ok: t.ok + m.successes,
          failed: t.failed + m.failures,
          limited: t.limited + m.rateLimited,
        }),
        { ok: 0, failed: 0, limited: 0 },
      );
      expect(totals).toEqual({ ok: 1, failed: 1, limited: 1 });
      expect(read.latest).toMatchObject({
        lastFailureKind: 'rate-limited',
        quota: { remaining: 0, limit: 5000, headroom: 0 },
      });
      expect(Date.parse(read.latest!.lastSuccessAt!)).toBeGreaterThanOrEqual(started - 1000);
    }
  });

  it('counts concurrent calls exactly (atomic ADD, no read-modify-write)', async () => {
    const stats = new DynamoPlatformStatsStore(doc, table('PlatformStats'), 'us-east-1');
    const at = new Date().toISOString();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        stats.record({
          platform: 'facebook',
          connectionId: 'con_many',
          at,
          outcome: i % 4 === 0 ? 'retry-later' : 'ok',
        }),
      ),
    );
    const read = await stats.read({ kind: 'connection', connectionId: 'con_many' }, Date.parse(at) - 60_000);
    expect(read.minutes.map((m) => [m.successes, m.failures])).toEqual([[30, 10]]);
    // The latest success is never moved backwards by an older call finishing later.
    await stats.record({
      platform: 'facebook',
      connectionId: 'con_many',
      at: '2020-01-01T00:00:00.000Z',
      outcome: 'ok',
    });
    expect(
      (await stats.read({ kind: 'connection', connectionId: 'con_many' }, Date.parse(at))).latest
        ?.lastSuccessAt,
    ).toBe(at);
  });
});

/**
 * The two-region test's clock, from today: a minute bucket expires 2 days after its minute, and
 * DynamoDB Local deletes expired items. With a fixed minute (2026-12-02T09:30) that had passed by
 * more than 2 days, a region's bucket was deleted before the test read it back (3 items of 4).
 */
const TODAY_MS = Date.now();

describe('platform statistics from two regions (global table shards)', () => {
  it("sums the regions' minute buckets and takes the newest of each fact from their LATEST shards", async () => {
    const east = new DynamoPlatformStatsStore(doc, table('PlatformStats'), 'us-east-1');
    const west = new DynamoPlatformStatsStore(doc, table('PlatformStats'), 'eu-west-1');
    // The previous whole minute (`yyyy-mm-ddThh:mm`): every `at(seconds)` below is in the past.
    const minute = new Date(Math.floor(TODAY_MS / 60_000) * 60_000 - 60_000).toISOString().slice(0, 16);
    const at = (seconds: number) => `${minute}:${String(seconds).padStart(2, '0')}.000Z`;
    await Promise.all([
      ...Array.from({ length: 12 }, (_, i) =>
        east.record({ platform: 'google', connectionId: 'con_two', at: at(i), outcome: 'ok' }),
      ),
      ...Array.from({ length: 8 }, (_, i) =>
        west.record({
          platform: 'google',
          connectionId: 'con_two',
          at: at(20 + i),
          outcome: i < 3 ? 'rate-limited' : 'ok',
          ...(i === 2 ? { quota: { remaining: 0, limit: 100 } } : {}),
        }),
      ),
    ]);
    // Each region wrote its own items: nothing one region writes can replace the other's.
    const stored = await doc.send(
      new QueryCommand({
        TableName: table('PlatformStats'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'STATS#CONNECTION#con_two' },
      }),
    );
    expect(stored.Items!.map((item) => item.sk).sort()).toEqual([
      'LATEST#eu-west-1',
      'LATEST#us-east-1',
      `MINUTE#${minute}#eu-west-1`,
      `MINUTE#${minute}#us-east-1`,
    ]);
    for (const reader of [east, west]) {
      const read = await reader.read({ kind: 'connection', connectionId: 'con_two' }, Date.parse(at(0)));
      expect(read.minutes).toEqual([
        { minuteMs: Date.parse(at(0)), successes: 17, failures: 3, rateLimited: 3 },
      ]);
      expect(read.latest).toEqual({
        lastSuccessAt: at(27),
        lastFailureAt: at(22),
        lastFailureKind: 'rate-limited',
        quota: { at: at(22), remaining: 0, limit: 100 },
      });
    }
  });
});

describe('platform breakers (PlatformBreakers, the shared breaker item shape)', () => {
  it('reads open, closed and missing breakers', async () => {
    const breakers = new DynamoBreakerStates(doc, table('PlatformBreakers'));
    const openUntilMs = Date.now() + 60_000;
    await doc.send(
      new PutCommand({
        TableName: table('PlatformBreakers'),
        Item: {
          pk: 'PLATFORM#google',
          state: JSON.stringify({ status: 'open', buckets: [], openCount: 1, openUntilMs }),
          status: 'open',
          version: 3,
        },
      }),
    );
    expect(await breakers.get('google')).toEqual({
      status: 'open',
      openUntil: new Date(openUntilMs).toISOString(),
    });
    expect(await breakers.get('trustpilot')).toEqual({ status: 'closed' });
  });
});
