/**
 * ModelStats against DynamoDB Local: each region adds to its own shard of an hour's bucket
 * (global tables keep only the last writer of an item), and a window sums every shard, including
 * buckets written before the shards existed.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoModelStatsStore } from '../../../src/models/adapters/model-stats-store';
import { openCatalogTables, type CatalogTables } from '../support/catalog-tables';

jest.setTimeout(60_000);

let tables: CatalogTables;
let doc: DynamoDBDocumentClient;
let tableName: string;

beforeAll(async () => {
  tables = await openCatalogTables('model-stats-test', ['ModelStats']);
  doc = tables.doc;
  tableName = tables.tableName('ModelStats');
});
afterAll(() => tables?.release());

/**
 * The test's hours, from today: a bucket expires 30 days after its time, and DynamoDB Local
 * deletes expired items. With fixed hours (2 December, 08:59 and 09:15) the buckets would have
 * been deleted from 1 January 2027 on, in the middle of the test.
 */
const TODAY_MS = Date.now();
/** The previous whole hour, and the one before it. */
const HOUR_MS = Math.floor(TODAY_MS / 3_600_000) * 3_600_000 - 3_600_000;
const EARLIER_HOUR_MS = HOUR_MS - 3_600_000;
/** `yyyy-mm-ddThh` of an hour. */
const hourOf = (ms: number) => new Date(ms).toISOString().slice(0, 13);

it('keeps each region in its own shard and sums every shard of the window', async () => {
  const east = new DynamoModelStatsStore(doc, tableName, 'us-east-1');
  const west = new DynamoModelStatsStore(doc, tableName, 'eu-west-1');
  const hour = new Date(HOUR_MS + 15 * 60_000);
  // A bucket from before the shards: still counted.
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: { pk: 'MODEL#sentiment#A', sk: `HOUR#${hourOf(HOUR_MS)}`, c_total: 5, c_positive: 5 },
    }),
  );
  await Promise.all([
    ...Array.from({ length: 10 }, () => east.add('sentiment', 'A', { total: 2, positive: 1 }, hour)),
    ...Array.from({ length: 6 }, () => west.add('sentiment', 'A', { total: 1, negative: 1 }, hour)),
    west.add('sentiment', 'A', { total: 3 }, new Date(EARLIER_HOUR_MS + 59 * 60_000)),
  ]);

  const stored = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'MODEL#sentiment#A' },
    }),
  );
  expect(stored.Items!.map((item) => item.sk)).toEqual([
    `HOUR#${hourOf(EARLIER_HOUR_MS)}#eu-west-1`,
    `HOUR#${hourOf(HOUR_MS)}`,
    `HOUR#${hourOf(HOUR_MS)}#eu-west-1`,
    `HOUR#${hourOf(HOUR_MS)}#us-east-1`,
  ]);
  for (const reader of [east, west]) {
    expect(await reader.window('sentiment', 'A', new Date(HOUR_MS))).toEqual({
      total: 31,
      positive: 15,
      negative: 6,
    });
    expect((await reader.window('sentiment', 'A', new Date(EARLIER_HOUR_MS))).total).toBe(34);
  }
});
