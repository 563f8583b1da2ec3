/**
 * The admin audit trail and the key lists against DynamoDB Local (tables from the catalog):
 * - DynamoAdminAuditTrail appends once: the same act twice is one entry, never rewritten;
 * - listings: a supplier's acts only (its partition of the byConnection index), ops across all
 *   (and system acts), filtered by kind, actor type, target and time, paged with a cursor;
 * - the platform trail's supplier listing (DynamoAuditLog) no longer returns admin acts;
 * - DynamoApiKeyStore: versions refuse a stale write; last use is written once per interval.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createTables } from '../../../local/resources';
import { acquireStore, type TestStore } from '../support/shared-store';
import { tableDefinition, type TableId } from '../../../src/catalog/tables';
import { DynamoAdminAuditTrail } from '../../../src/audit/adapters/dynamo-admin-audit-trail';
import { listAdminActs, newAdminAuditId, type AdminAct } from '../../../src/audit';
import { DynamoAuditLog } from '../../../src/platforms/adapters/dynamo-audit-log';
import { newAuditId } from '../../../src/platforms';
import { backfillKeyLists, DynamoApiKeyStore } from '../../../src/access/adapters/dynamo-api-keys';
import { DynamoTenantStore } from '../../../src/reviews/adapters/dynamo-records';
import { createSupplierWithKey, lastUseThreshold } from '../../../src/access';
import { ProblemError } from '../../../src/shared/problem';

jest.setTimeout(60_000);

let db: TestStore;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let env: Record<string, string>;
let trail: DynamoAdminAuditTrail;
const table = (id: TableId) => env[tableDefinition(id).envVar]!;
const keys = { keyRing: () => Promise.resolve(['cursor-test-secret']) };

beforeAll(async () => {
  db = await acquireStore('admin-audit-test');
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: db.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  doc = DynamoDBDocumentClient.from(client);
  env = await createTables(client, db.tablePrefix, { only: ['Audit', 'Tenants'] });
  trail = new DynamoAdminAuditTrail(doc, table('Audit'), { retentionDays: 400 });
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
const act = (minute: number, overrides: Partial<AdminAct> = {}): AdminAct => {
  const atMs = T0 + minute * 60_000;
  return {
    auditId: newAdminAuditId(atMs),
    kind: 'api_key.created',
    at: new Date(atMs).toISOString(),
    actor: { type: 'supplier', supplierId: 'sup_a', keyId: 'key_a' },
    supplierId: 'sup_a',
    target: `api_key:key_${minute}`,
    outcome: 'ok',
    sourceIp: '203.0.113.7',
    requestId: `req-${minute}`,
    ...overrides,
  };
};

describe('DynamoAdminAuditTrail', () => {
  it('appends an act once: the same act twice is one entry, and a rewrite never lands', async () => {
    const one = act(0, { supplierId: 'sup_once', actor: { type: 'supplier', supplierId: 'sup_once' } });
    await trail.record(one);
    await trail.record(one);
    await trail.record({ ...one, detail: 'a rewrite' });
    const { Items } = await doc.send(
      new QueryCommand({
        TableName: table('Audit'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'SUPPLIER#sup_once' },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(Items![0]).toMatchObject({ entryType: 'admin', auditId: one.auditId, sourceIp: '203.0.113.7' });
    expect(Items![0]!.detail).toBeUndefined();
  });

  describe('listings', () => {
    beforeAll(async () => {
      for (let minute = 1; minute <= 6; minute += 1) {
        await trail.record(act(minute, minute % 2 ? { kind: 'api_key.revoked' } : {}));
      }
      await trail.record(
        act(7, {
          supplierId: 'sup_b',
          actor: { type: 'supplier', supplierId: 'sup_b' },
          target: 'endpoint:whe_b',
        }),
      );
      await trail.record(
        act(8, {
          kind: 'api_key.used_for_ops',
          supplierId: undefined,
          actor: { type: 'ops', keyId: 'key_ops' },
          target: 'api_key:key_ops',
        }),
      );
      // A platform call in supplier A's partition: never in the admin listing.
      await new DynamoAuditLog(doc, table('Audit'), { retentionDays: 400 }).append([
        {
          auditId: newAuditId(T0 + 90_000),
          supplierId: 'sup_a',
          platform: 'google',
          action: { kind: 'call', operation: 'list' },
          at: new Date(T0 + 90_000).toISOString(),
          outcome: 'ok',
          correlationId: 'c1',
        },
      ]);
    });

    const deps = () => ({ adminAuditReader: trail, cursorKeys: keys });

    it("lists a supplier's own acts only, newest first, with the act's fields", async () => {
      const page = await listAdminActs({ supplierId: 'sup_a', limit: 50 }, 'supplier', deps());
      expect(page.items.map((i) => i.target)).toEqual([6, 5, 4, 3, 2, 1].map((m) => `api_key:key_${m}`));
      expect(page.items[0]).toMatchObject({
        sourceIp: '203.0.113.7',
        requestId: 'req-6',
        actor: { type: 'supplier' },
      });
      expect(page.nextCursor).toBeUndefined();
    });

    it('filters by kind, target, actor type and time, and pages with a cursor bound to its filters', async () => {
      const revoked = await listAdminActs(
        { supplierId: 'sup_a', kind: 'api_key.revoked', limit: 2 },
        'supplier',
        deps(),
      );
      expect(revoked.items.map((i) => i.target)).toEqual(['api_key:key_5', 'api_key:key_3']);
      const next = await listAdminActs(
        { supplierId: 'sup_a', kind: 'api_key.revoked', limit: 2, cursor: revoked.nextCursor },
        'supplier',
        deps(),
      );
      expect(next.items.map((i) => i.target)).toEqual(['api_key:key_1']);
      // The same cursor with other filters, or for another supplier, is a 400.
      for (const query of [
        { supplierId: 'sup_a', limit: 2, cursor: revoked.nextCursor },
        { supplierId: 'sup_b', kind: 'api_key.revoked' as const, limit: 2, cursor: revoked.nextCursor },
      ]) {
        const error = await listAdminActs(query, 'supplier', deps()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProblemError);
        expect((error as ProblemError).problem.status).toBe(400);
      }
      const byTarget = await listAdminActs(
        { supplierId: 'sup_a', target: 'api_key:key_4', limit: 10 },
        'supplier',
        deps(),
      );
      expect(byTarget.items).toHaveLength(1);
      const window = await listAdminActs(
        {
          supplierId: 'sup_a',
          from: new Date(T0 + 2 * 60_000).toISOString(),
          to: new Date(T0 + 3 * 60_000).toISOString(),
          limit: 10,
        },
        'supplier',
        deps(),
      );
      expect(window.items.map((i) => i.target)).toEqual(['api_key:key_3', 'api_key:key_2']);
    });

    it('ops read every act, system-wide ones included, and filter by actor type and supplier', async () => {
      const all = await listAdminActs({ limit: 100, from: new Date(T0).toISOString() }, 'ops', deps());
      const targets = all.items.map((i) => i.target);
      expect(targets).toEqual(expect.arrayContaining(['endpoint:whe_b', 'api_key:key_ops', 'api_key:key_1']));
      const ops = await listAdminActs({ actorType: 'ops', limit: 10 }, 'ops', deps());
      expect(ops.items.map((i) => i.kind)).toEqual(['api_key.used_for_ops']);
      const b = await listAdminActs({ supplierId: 'sup_b', limit: 10 }, 'ops', deps());
      expect(b.items.map((i) => i.target)).toEqual(['endpoint:whe_b']);
      // Paged: three at a time, no act twice, none missing.
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listAdminActs(
          { limit: 3, from: new Date(T0).toISOString(), cursor },
          'ops',
          deps(),
        );
        seen.push(...page.items.map((i) => i.auditId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(all.items.map((i) => i.auditId));
    });

    it("keeps admin acts out of the platform trail's supplier listing", async () => {
      const platform = await new DynamoAuditLog(doc, table('Audit'), { retentionDays: 400 }).list(
        { supplierId: 'sup_a', limit: 50 },
        undefined,
      );
      expect(platform.items.map((i) => i.correlationId)).toEqual(['c1']);
    });
  });
});

describe('DynamoApiKeyStore', () => {
  it('refuses a write decided on a stale version, and records last use once per interval', async () => {
    const tenants = new DynamoTenantStore(doc, table('Tenants'));
    const store = new DynamoApiKeyStore(doc, table('Tenants'));
    const created = await createSupplierWithKey(tenants, { name: 'Keys' });
    const owner = { kind: 'supplier' as const, supplierId: created.supplierId };
    const { keys: listed, version } = await store.listKeys(owner);
    expect(listed.map((k) => k.keyId)).toEqual([created.keyId]);
    const key = {
      keyId: 'key_00000000000000000000000001',
      keyHash: 'h1',
      createdAt: new Date().toISOString(),
    };
    expect(await store.addKey(owner, key, version)).toBe('ok');
    expect(
      await store.addKey(owner, { ...key, keyId: 'key_00000000000000000000000002', keyHash: 'h2' }, version),
    ).toBe('conflict');
    expect((await store.listKeys(owner)).keys).toHaveLength(2);

    const t = new Date('2026-12-03T12:00:00.000Z');
    await store.recordUse(owner, created.keyId, t.toISOString(), lastUseThreshold(t));
    const later = new Date(t.getTime() + 60_000);
    await store.recordUse(owner, created.keyId, later.toISOString(), lastUseThreshold(later));
    const lastUsed = async () =>
      (
        await doc.send(
          new GetCommand({
            TableName: table('Tenants'),
            Key: { pk: `SUPPLIER#${created.supplierId}`, sk: `APIKEYS#${created.keyId}` },
          }),
        )
      ).Item?.lastUsedAt;
    expect(await lastUsed()).toBe(t.toISOString());
    const muchLater = new Date(t.getTime() + 6 * 60_000);
    await store.recordUse(owner, created.keyId, muchLater.toISOString(), lastUseThreshold(muchLater));
    expect(await lastUsed()).toBe(muchLater.toISOString());
    // A key without a list item (made before issue 9) gets none made up.
    await store.recordUse(owner, 'key_nolist', muchLater.toISOString(), lastUseThreshold(muchLater));
    expect((await store.listKeys(owner)).keys).toHaveLength(2);
  });

  it('backfills the list of a key made before issue 9, once', async () => {
    const store = new DynamoApiKeyStore(doc, table('Tenants'));
    const owner = { kind: 'supplier' as const, supplierId: 'sup_legacy' };
    await doc.send(
      new PutCommand({
        TableName: table('Tenants'),
        Item: {
          pk: 'APIKEY#legacyhash',
          sk: 'APIKEY',
          supplierId: 'sup_legacy',
          keyId: 'key_legacy0000000000000000000',
          status: 'revoked',
          revokedAt: '2026-01-02T00:00:00.000Z',
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      }),
    );
    expect((await store.listKeys(owner)).keys).toEqual([]);
    expect(await backfillKeyLists(doc, table('Tenants'))).toBeGreaterThanOrEqual(1);
    expect(await backfillKeyLists(doc, table('Tenants'))).toBe(0);
    expect((await store.listKeys(owner)).keys).toEqual([
      expect.objectContaining({
        keyId: 'key_legacy0000000000000000000',
        status: 'revoked',
        revokedAt: '2026-01-02T00:00:00.000Z',
      }),
    ]);
  });
});
