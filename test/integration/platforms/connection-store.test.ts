/**
 * DynamoConnectionStore against DynamoDB Local (the catalog's Connections table): connections by
 * id and by supplier, active ones a page at a time, conditional status changes, the pending
 * authorization consumed exactly once (also under concurrency), activation, locations and cursors,
 * sealed token slots with compare-and-set, and erasing every slot.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTables } from '../../../local/resources';
import { acquireStore, type TestStore } from '../support/shared-store';
import { tableDefinition } from '../../../src/catalog/tables';
import { DynamoConnectionStore } from '../../../src/platforms/adapters/dynamo-connections';
import type { Connection } from '../../../src/platforms/domain/connection';
import type { SealedSecret } from '../../../src/platforms/domain/envelope';
import { randomId } from '../../../src/shared/ids';

jest.setTimeout(60_000);

let db: TestStore;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let table: string;
let store: DynamoConnectionStore;

beforeAll(async () => {
  db = await acquireStore('store-test');
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: db.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const env = await createTables(client, db.tablePrefix, { only: ['Connections'] });
  table = env[tableDefinition('Connections').envVar]!;
  store = new DynamoConnectionStore(doc, table);
});
afterAll(async () => {
  client?.destroy();
  await db?.release();
});

const AT = '2026-06-01T10:00:00.000Z';
function connection(supplierId: string, extra: Partial<Connection> = {}): Connection {
  return {
    connectionId: randomId('con'),
    supplierId,
    platform: 'google',
    status: 'pending',
    locations: [],
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  };
}
const pending = (nonce: string) => ({
  nonce,
  codeVerifier: 'verifier-'.padEnd(43, 'x'),
  redirectUri: 'https://api.example/v1/oauth/callback',
  expiresAt: 1_900_000_000,
});
const sealed = (tag: string): SealedSecret => ({
  encryptedKey: `ek-${tag}`,
  keyId: 'local:test',
  iv: 'iv',
  tag: 'tag',
  ciphertext: `ct-${tag}`,
});

it('consumes a pending authorization once, even with concurrent callbacks, then activates once', async () => {
  const c = connection('sup_claim');
  await store.createPending(c, pending('nonce-1'));
  await expect(store.createPending(c, pending('nonce-x'))).rejects.toThrow(); // ids are never reused
  expect(await store.claimAuthorization(c.connectionId, 'wrong-nonce')).toBeUndefined();
  const claims = await Promise.all(
    Array.from({ length: 5 }, () => store.claimAuthorization(c.connectionId, 'nonce-1')),
  );
  expect(claims.filter(Boolean)).toEqual([pending('nonce-1')]);

  const offered = [
    { locationId: 'accounts/1/locations/1', name: 'Bath' },
    { locationId: 'accounts/1/locations/2', name: 'Bristol' },
  ];
  const update = { accountId: 'accounts/1', available: offered, locations: offered, at: AT };
  expect(await store.activate(c.connectionId, update)).toBe(true);
  expect(await store.activate(c.connectionId, update)).toBe(false);
  const active = await store.get('sup_claim', c.connectionId);
  expect(active).toMatchObject({ status: 'active', accountId: 'accounts/1', locations: offered });
  expect(active?.statusReason).toBeUndefined();
  await expect(store.availableLocations(c.connectionId)).resolves.toEqual(offered);
  // The pending item's expiry goes with activation; the verifier is gone.
  const { Items } = await doc.send(new ScanCommand({ TableName: table }));
  const item = Items!.find((i) => i.connectionId === c.connectionId)!;
  expect(item.expiresAt).toBeUndefined();
  expect(item.pending).toBeUndefined();
});

it("hides another supplier's connection, lists a supplier's own, and pages through active ones", async () => {
  const mine = [connection('sup_list', { status: 'active' }), connection('sup_list')];
  for (const c of mine) await store.put(c);
  await store.put(connection('sup_other', { status: 'active' }));
  expect(await store.get('sup_other', mine[0]!.connectionId)).toBeUndefined();
  expect((await store.getById(mine[0]!.connectionId))?.supplierId).toBe('sup_list');
  expect((await store.list('sup_list')).map((c) => c.connectionId).sort()).toEqual(
    mine.map((c) => c.connectionId).sort(),
  );
  const seen: string[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await store.listActive(1, cursor);
    seen.push(...page.items.map((c) => c.connectionId));
    expect(page.items.every((c) => c.status === 'active')).toBe(true);
    cursor = page.next;
  } while (cursor);
  expect(seen).toContain(mine[0]!.connectionId);
  expect(seen).not.toContain(mine[1]!.connectionId);
});

it('changes status only from the expected one, and leaves the active index with it', async () => {
  const c = connection('sup_status', { status: 'active' });
  await store.put(c);
  expect(await store.setStatus(c.connectionId, 'pending', 'active', 'x', AT)).toBe(false);
  const results = await Promise.all(
    Array.from({ length: 4 }, () =>
      store.setStatus(c.connectionId, 'active', 'reauth-required', 'invalid_grant', AT),
    ),
  );
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await store.getById(c.connectionId)).toMatchObject({
    status: 'reauth-required',
    statusReason: 'invalid_grant',
  });
  const active: string[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await store.listActive(50, cursor);
    active.push(...page.items.map((i) => i.connectionId));
    cursor = page.next;
  } while (cursor);
  expect(active).not.toContain(c.connectionId);
  expect(await store.setStatus(randomId('con'), 'active', 'disconnected', 'x', AT)).toBe(false);
});

it('saves a location cursor (idempotently), and only on an active connection sets locations', async () => {
  const c = connection('sup_cursor', {
    status: 'active',
    locations: [{ locationId: 'L1' }, { locationId: 'L2' }],
  });
  await store.put(c);
  await store.saveCursor(c.connectionId, 'L2', { pageToken: 'p2', watermark: AT }, AT);
  await store.saveCursor(c.connectionId, 'L2', { pageToken: 'p2', watermark: AT }, AT);
  await store.saveCursor(c.connectionId, 'gone', { pageToken: 'x' }, AT);
  let saved = await store.getById(c.connectionId);
  expect(saved?.locations).toEqual([
    { locationId: 'L1' },
    { locationId: 'L2', cursor: { pageToken: 'p2', watermark: AT }, lastSyncAt: AT },
  ]);
  await store.saveCursor(c.connectionId, 'L2', undefined, AT);
  saved = await store.getById(c.connectionId);
  expect(saved?.locations[1]).toEqual({ locationId: 'L2', lastSyncAt: AT });

  expect(await store.setLocations(c.connectionId, [{ locationId: 'L1' }], AT)).toBe(true);
  expect((await store.getById(c.connectionId))?.locations).toEqual([{ locationId: 'L1' }]);
  await store.setStatus(c.connectionId, 'active', 'disconnected', 'bye', AT);
  expect(await store.setLocations(c.connectionId, [{ locationId: 'L2' }], AT)).toBe(false);
});

it('stores sealed token slots with compare-and-set, and erases every slot of the connection', async () => {
  const c = connection('sup_tokens', { status: 'active' });
  const other = connection('sup_tokens', { status: 'active' });
  await store.put(c);
  expect(await store.save(c.connectionId, 'refresh', sealed('1'), 0)).toBe(true);
  expect(await store.save(c.connectionId, 'refresh', sealed('dup'), 0)).toBe(false);
  const both = await Promise.all([
    store.save(c.connectionId, 'refresh', sealed('a'), 1),
    store.save(c.connectionId, 'refresh', sealed('b'), 1),
  ]);
  expect(both.filter(Boolean)).toHaveLength(1);
  expect((await store.load(c.connectionId, 'refresh'))?.version).toBe(2);
  for (let i = 0; i < 30; i += 1) await store.save(c.connectionId, `page#${i}`, sealed(`p${i}`), 0);
  await store.save(other.connectionId, 'refresh', sealed('other'), 0);

  expect(await store.erase(c.connectionId)).toBe(31);
  expect(await store.load(c.connectionId, 'refresh')).toBeUndefined();
  expect(await store.load(c.connectionId, 'page#3')).toBeUndefined();
  expect(await store.load(other.connectionId, 'refresh')).toEqual({ sealed: sealed('other'), version: 1 });
  expect(await store.getById(c.connectionId)).toBeDefined(); // the connection item stays
});

it('counts the connections in a status per platform (the health gauge), a status change included', async () => {
  const before = await store.countByStatus('reauth-required');
  const moved = connection('sup_count', { platform: 'facebook', status: 'active' });
  await Promise.all([
    store.put(connection('sup_count', { platform: 'facebook', status: 'reauth-required' })),
    store.put(connection('sup_count', { platform: 'yelp', status: 'reauth-required' })),
    store.put(connection('sup_count', { platform: 'yelp', status: 'active' })),
    store.put(moved),
  ]);
  expect(await store.setStatus(moved.connectionId, 'active', 'reauth-required', 'invalid_grant', AT)).toBe(
    true,
  );
  const after = await store.countByStatus('reauth-required');
  expect((after.facebook ?? 0) - (before.facebook ?? 0)).toBe(2);
  expect((after.yelp ?? 0) - (before.yelp ?? 0)).toBe(1);
  expect(after.google ?? 0).toBe(before.google ?? 0);
  expect(after.trustpilot).toBeUndefined();
});
