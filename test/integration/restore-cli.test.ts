/**
 * `npm run cli -- restore` against DynamoDB Local (issue 11): no PITR there, so the same command
 * restores by export and import into `<table>-<suffix>`, verifies the copies and prints the
 * cut-over; `--copy-back --prune` then puts a damaged live table back to the restored state.
 */
import {
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { createTables, localTableName } from '../../local/resources';
import { tableDefinition, type TableId } from '../../src/catalog/tables';
import { runCli } from '../../scripts/cli';
import { seedDrillData } from '../../scripts/drill-restore';
import { acquireStore, type TestStore } from './support/shared-store';

jest.setTimeout(300_000);

let store: TestStore;
let client: DynamoDBClient;
let name: (id: TableId) => string;
const saved = { ...process.env };

beforeAll(async () => {
  store = await acquireStore('restore-cli');
  client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const env = await createTables(client, store.tablePrefix);
  // What the CLI reads: the same TABLE_* variables and endpoint as the local mode's functions.
  Object.assign(process.env, env, {
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  name = (id) => localTableName(store.tablePrefix, tableDefinition(id));
  await seedDrillData(client, name, 120);
});

afterAll(async () => {
  process.env = saved;
  client?.destroy();
  await store?.release();
});

const run = async (...args: string[]) => {
  const lines: string[] = [];
  const code = await runCli(['restore', ...args], (line) => lines.push(line));
  return { code, text: lines.join('\n') };
};

const count = async (table: string) =>
  (await client.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count;

it('restores the tables into new ones, verifies them and prints the cut-over', async () => {
  const { code, text } = await run('--tables', 'Reviews,ReviewRequests,Deliveries', '--suffix', 'r1');
  expect(code).toBe(0);
  expect(text).toContain('export and import (no PITR here)');
  expect(text).toMatch(/OK {8}.*Reviews.*: 241 -> 241 items/);
  expect(text).toContain('verified: every restored table equals its source (3 tables)');
  expect(text).toContain(
    'npm run cli -- restore --copy-back --suffix r1 --tables Reviews,ReviewRequests,Deliveries',
  );
  const restored = await client.send(new DescribeTableCommand({ TableName: `${name('Reviews')}-r1` }));
  // Same keys and indexes as the source.
  expect(restored.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
    'byCreatedAt',
    'byPlatform',
    'byPlatformRating',
    'byRating',
    'byRecommendation',
  ]);
  expect(await count(`${name('Reviews')}-r1`)).toBe(241);
  expect(await count(`${name('Deliveries')}-r1`)).toBe(await count(name('Deliveries')));
});

it('copies the restored items back over a damaged live table, pruning what the copy does not have', async () => {
  const table = name('Reviews');
  const page = await client.send(
    new ScanCommand({
      TableName: table,
      FilterExpression: 'entity = :r',
      ExpressionAttributeValues: { ':r': { S: 'review' } },
    }),
  );
  const [damaged, lost] = page.Items!;
  await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { pk: damaged!.pk!, sk: damaged!.sk! },
      UpdateExpression: 'SET title = :t',
      ExpressionAttributeValues: { ':t': { S: 'overwritten by a bad deploy' } },
    }),
  );
  await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: lost!.pk!, sk: lost!.sk! } }));
  await client.send(
    new PutItemCommand({ TableName: table, Item: { pk: { S: 'SUPPLIER#junk' }, sk: { S: 'REVIEW#junk' } } }),
  );

  const { code, text } = await run('--copy-back', '--suffix', 'r1', '--tables', 'Reviews', '--prune');
  expect(code).toBe(0);
  expect(text).toContain('1 live items not in the restored copy deleted');
  expect(text).toContain('the live tables now equal the restored copies');
  const back = await client.send(
    new GetItemCommand({ TableName: table, Key: { pk: damaged!.pk!, sk: damaged!.sk! } }),
  );
  expect(back.Item?.title).toEqual(damaged!.title);
  const found = await client.send(
    new GetItemCommand({ TableName: table, Key: { pk: lost!.pk!, sk: lost!.sk! } }),
  );
  expect(found.Item).toBeDefined();
  expect(await count(table)).toBe(241);
});

it('fails the verification when a copy differs, and refuses options that do not fit', async () => {
  await client.send(
    new PutItemCommand({
      TableName: name('ReviewRequests'),
      Item: { pk: { S: 'SUPPLIER#late' }, sk: { S: 'REQUEST#late' } },
    }),
  );
  // A restore taken before that write differs from the live table: reported, and failed unless drift is allowed.
  await expect(run('--copy-back', '--suffix', 'r1', '--tables', 'ReviewRequests')).resolves.toMatchObject({
    code: 1,
  });
  await expect(run('--at', '2026-06-01T00:00:00Z')).rejects.toThrow('--at needs point-in-time recovery');
  await expect(run('--tables', 'Nope')).rejects.toThrow('unknown table "Nope"');
  await expect(run('--copy-back')).rejects.toThrow('--copy-back needs the --suffix');
  await expect(run('--suffix', 'bad suffix!')).rejects.toThrow('--suffix');
});
