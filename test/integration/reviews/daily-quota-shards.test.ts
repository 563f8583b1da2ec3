/**
 * The daily review-request quota against DynamoDB Local, counted in one shard per region (the
 * ReviewRequests table is a global table): concurrent takes in one region never pass the limit,
 * a region counts the other regions' shards against it, and no region's count replaces another's.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDailyQuota } from '../../../src/reviews/adapters/dynamo-records';
import { openCatalogTables, type CatalogTables } from '../support/catalog-tables';

jest.setTimeout(60_000);

let tables: CatalogTables;
let doc: DynamoDBDocumentClient;
let tableName: string;

beforeAll(async () => {
  tables = await openCatalogTables('daily-quota-test', ['ReviewRequests']);
  doc = tables.doc;
  tableName = tables.tableName('ReviewRequests');
});
afterAll(() => tables?.release());

/**
 * The quota tests' day, from today: a day's shard expires a day after its UTC day ends, and
 * DynamoDB Local deletes expired items. With a fixed day (2 December) the shards had expired
 * (4 December, 00:00 UTC) when they were written, so a shard could vanish in the middle of a test.
 */
const TODAY_MS = Date.now();
const day = new Date(TODAY_MS).toISOString().slice(0, 10);
const now = new Date(`${day}T15:00:00.000Z`);
/** The first second of the next UTC day. */
const nextDay = new Date(Date.parse(`${day}T00:00:01.000Z`) + 86_400_000);
const takes = async (quota: DynamoDailyQuota, supplierId: string, count: number, limit: number) =>
  (await Promise.all(Array.from({ length: count }, () => quota.take(supplierId, now, limit)))).filter(Boolean)
    .length;

it('never passes the limit under concurrency in one region', async () => {
  const east = new DynamoDailyQuota(doc, tableName, 'us-east-1');
  expect(await takes(east, 'sup_one', 30, 7)).toBe(7);
  expect(await east.take('sup_one', now, 7)).toBe(false);
  // The next UTC day starts again.
  expect(await east.take('sup_one', nextDay, 7)).toBe(true);
});

it('counts the other regions against the limit and keeps each region in its own shard', async () => {
  const east = new DynamoDailyQuota(doc, tableName, 'us-east-1');
  const west = new DynamoDailyQuota(doc, tableName, 'eu-west-1');
  // A day counted before the shards existed still counts.
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: { pk: 'SUPPLIER#sup_two', sk: `QUOTA#${day}`, requests: 1 },
    }),
  );
  expect(await takes(east, 'sup_two', 3, 10)).toBe(3);
  expect(await takes(west, 'sup_two', 10, 10)).toBe(6);
  expect(await east.take('sup_two', now, 10)).toBe(false);

  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :quota)',
      ExpressionAttributeValues: { ':pk': 'SUPPLIER#sup_two', ':quota': 'QUOTA#' },
    }),
  );
  expect(Items.map((item) => [item.sk, item.requests])).toEqual([
    [`QUOTA#${day}`, 1],
    [`QUOTA#${day}#eu-west-1`, 6],
    [`QUOTA#${day}#us-east-1`, 3],
  ]);
});

it('refuses everything when the limit is zero', async () => {
  expect(await new DynamoDailyQuota(doc, tableName, 'us-east-1').take('sup_zero', now, 0)).toBe(false);
});
