/**
 * `importFiles` (the restore's import of JSON-lines export files) against DynamoDB Local: what it
 * writes, and that the first batch that fails stops it (no batch starts after it) and is thrown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { importFiles } from '../../src/recovery/adapters/table-export';
import { itemLine } from '../../src/recovery/domain/json-lines';
import { acquireStore, type TestStore } from './support/shared-store';

jest.setTimeout(120_000);

let store: TestStore;
let client: DynamoDBClient;
let dir: string;
const tables: string[] = [];

beforeAll(async () => {
  store = await acquireStore('table-import');
  client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'wedsync-table-import-'));
});

afterAll(async () => {
  await Promise.all(tables.map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
  client?.destroy();
  await store?.release();
  rmSync(dir, { recursive: true, force: true });
});

async function newTable(name: string): Promise<string> {
  const TableName = `${store.tablePrefix}-${name}`;
  await client.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName });
  tables.push(TableName);
  return TableName;
}

/** A file of `lines` (item lines, or anything else), one a line. */
function file(name: string, lines: readonly string[]): string {
  const target = path.join(dir, name);
  writeFileSync(target, `${lines.join('\n')}\n`);
  return target;
}

const item = (i: number) =>
  itemLine({ pk: { S: `item#${String(i).padStart(3, '0')}` }, n: { N: String(i) } });

const keysIn = async (TableName: string) =>
  ((await client.send(new ScanCommand({ TableName }))).Items ?? []).map((i) => i.pk!.S!).sort();

it('writes every item of several files, several batches in flight, and counts them', async () => {
  const table = await newTable('all');
  const files = [
    file(
      'all.000.jsonl',
      Array.from({ length: 130 }, (_, i) => item(i)),
    ),
    file('all.001.jsonl', ['', ...Array.from({ length: 70 }, (_, i) => item(130 + i)), '']),
  ];
  const reported: number[] = [];

  const written = await importFiles(client, table, files, { onItems: (n) => reported.push(n) });

  expect(written).toBe(200);
  expect(reported.reduce((a, b) => a + b, 0)).toBe(200);
  expect(await keysIn(table)).toEqual(
    Array.from({ length: 200 }, (_, i) => `item#${String(i).padStart(3, '0')}`),
  );
});

it('stops at the first batch DynamoDB refuses: it is thrown and no later batch is sent', async () => {
  const table = await newTable('refused');
  // Four batches of 25; the third holds an item without its key, which fails that whole call.
  const lines = Array.from({ length: 100 }, (_, i) => (i === 60 ? itemLine({ n: { N: '60' } }) : item(i)));

  await expect(
    importFiles(client, table, [file('refused.000.jsonl', lines)], { concurrency: 1 }),
  ).rejects.toThrow(/key/i);

  // The first two batches, and nothing of the fourth.
  expect(await keysIn(table)).toEqual(
    Array.from({ length: 50 }, (_, i) => `item#${String(i).padStart(3, '0')}`),
  );
});

it('stops at a line it cannot read, keeping what was written before it', async () => {
  const table = await newTable('unreadable');
  const lines = Array.from({ length: 100 }, (_, i) => (i === 60 ? 'not json' : item(i)));

  await expect(
    importFiles(client, table, [file('unreadable.000.jsonl', lines)], { concurrency: 1 }),
  ).rejects.toThrow(SyntaxError);

  expect(await keysIn(table)).toEqual(
    Array.from({ length: 50 }, (_, i) => `item#${String(i).padStart(3, '0')}`),
  );
});
