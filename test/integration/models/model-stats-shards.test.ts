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

it('keeps each region in its own shard and sums every shard of the window', async () => {
  const east = new DynamoModelStatsStore(doc, tableName, 'us-east-1');
  const west = new DynamoModelStatsStore(doc, tableName, 'eu-west-1');
  const hour = new Date('2026-12-02T09:15:00.000Z');
  // A bucket from before the shards: still counted.
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: { pk: 'MODEL#sentiment#A', sk: 'HOUR#2026-12-02T09', c_total: 5, c_positive: 5 },
    }),
  );
  await Promise.all([
    ...Array.from({ length: 10 }, () => east.add('sentiment', 'A', { total: 2, positive: 1 }, hour)),
    ...Array.from({ length: 6 }, () => west.add('sentiment', 'A', { total: 1, negative: 1 }, hour)),
    west.add('sentiment', 'A', { total: 3 }, new Date('2026-12-02T08:59:00.000Z')),
  ]);

  const stored = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'MODEL#sentiment#A' },
    }),
  );
  expect(stored.Items!.map((item) => item.sk)).toEqual([
    'HOUR#2026-12-02T08#eu-west-1',
    'HOUR#2026-12-02T09',
    'HOUR#2026-12-02T09#eu-west-1',
    'HOUR#2026-12-02T09#us-east-1',
  ]);
  for (const reader of [east, west]) {
    expect(await reader.window('sentiment', 'A', new Date('2026-12-02T09:00:00.000Z'))).toEqual({
      total: 31,
      positive: 15,
      negative: 6,
    });
    expect((await reader.window('sentiment', 'A', new Date('2026-12-02T08:00:00.000Z'))).total).toBe(34);
  }
});
