/**
 * The local stream reader (local/dynamodb-stream-reader.ts) against DynamoDB Local's Streams API,
 * in both of its ways: Lambda-style batches (the local mode's stream consumers) and records with
 * checkpoints (the two-region replicator).
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { DynamoDbStreamReader, type StreamRecord } from '../../local/dynamodb-stream-reader';
import { acquireStore, type TestStore } from './support/shared-store';
import { until as waitUntil } from '../support/wait';

/** This file's patience: 10_000 ms. */
const until = (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) =>
  waitUntil(check, what, timeoutMs);

jest.setTimeout(30_000);

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let store: TestStore;
let client: DynamoDBClient;
let tableSeq = 0;
const tables: string[] = [];

beforeAll(async () => {
  store = await acquireStore('stream-reader');
  client = new DynamoDBClient({ region: 'us-east-1', endpoint: store.endpoint, credentials });
});

afterAll(async () => {
  for (const TableName of tables) await client.send(new DeleteTableCommand({ TableName }));
  client?.destroy();
  await store?.release();
});

async function streamedTable(): Promise<string> {
  const TableName = `${store.tablePrefix}-StreamReader${(tableSeq += 1)}`;
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  tables.push(TableName);
  return TableName;
}

const put = (TableName: string, pk: string) =>
  client.send(new PutItemCommand({ TableName, Item: { pk: { S: pk } } }));

const pkOf = (r: DynamoDBRecord | StreamRecord) => (r.dynamodb?.Keys as { pk: { S: string } }).pk.S;

it('batches (Lambda-style): from LATEST, filtered, in order; a batch failing every attempt is reported and skipped', async () => {
  const table = await streamedTable();
  await put(table, 'before');
  const batches: string[][] = [];
  const errors: unknown[] = [];
  let failing = 'none';
  let calls = 0;
  const reader = new DynamoDbStreamReader({
    endpoint: store.endpoint,
    tableName: table,
    from: 'LATEST',
    delivery: {
      kind: 'batch',
      filter: { eventName: ['INSERT'] },
      maxAttempts: 3,
      handler: async (event) => {
        calls += 1;
        if (event.Records.some((r) => pkOf(r) === failing)) throw new Error(`poison ${failing}`);
        batches.push(event.Records.map(pkOf));
      },
    },
    onError: (error) => errors.push(error),
  });
  await reader.start();
  try {
    for (const pk of ['a', 'b', 'c']) await put(table, pk);
    // A change to an item is not an insert: the filter drops it before the handler.
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'a' } },
        UpdateExpression: 'SET n = :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    await put(table, 'd');
    await until(() => batches.flat().includes('d'), 'd handed over');
    expect(batches.flat()).toEqual(['a', 'b', 'c', 'd']);

    failing = 'poison';
    const callsBefore = calls;
    await put(table, 'poison');
    await until(() => errors.length === 1, 'the poison batch skipped');
    expect(calls - callsBefore).toBe(3);
    expect(String(errors[0])).toContain('poison');
    // The stream moves on past the skipped batch.
    await put(table, 'after');
    await until(() => batches.flat().includes('after'), 'the next batch');
    expect(batches.flat()).toEqual(['a', 'b', 'c', 'd', 'after']);
  } finally {
    await reader.stop();
  }
});

it('batches bounded by age (a provisioned table’s writer): retried however many times it takes within the bound, then skipped', async () => {
  const table = await streamedTable();
  const handled: string[] = [];
  const errors: unknown[] = [];
  let failuresLeft = 7;
  let poisonCalls = 0;
  const reader = new DynamoDbStreamReader({
    endpoint: store.endpoint,
    tableName: table,
    from: 'LATEST',
    delivery: {
      kind: 'batch',
      filter: { eventName: ['INSERT'] },
      // More failures than the count a batch gets by default (5): a throttle outlasting them is retried.
      maxAgeMs: 2_500,
      handler: async (event) => {
        const pks = event.Records.map(pkOf);
        if (pks.includes('throttled') && failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('throttled');
        }
        if (pks.includes('poison')) {
          poisonCalls += 1;
          throw new Error('poison');
        }
        handled.push(...pks);
      },
    },
    onError: (error) => errors.push(error),
  });
  await reader.start();
  try {
    await put(table, 'throttled');
    await until(() => handled.includes('throttled'), 'the throttled batch handled');
    expect(failuresLeft).toBe(0);
    expect(errors).toEqual([]);
    const started = Date.now();
    await put(table, 'poison');
    await until(() => errors.length === 1, 'the poison batch skipped at the age bound', 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_400);
    expect(poisonCalls).toBeGreaterThan(5);
    await put(table, 'after');
    await until(() => handled.includes('after'), 'the next batch');
  } finally {
    await reader.stop();
  }
});

it('records (checkpointed): from the start, one at a time, a failing record read again until handled, none skipped', async () => {
  const table = await streamedTable();
  await put(table, 'r1');
  const handled: string[] = [];
  const errors: unknown[] = [];
  let failuresLeft = 2;
  const reader = new DynamoDbStreamReader({
    endpoint: store.endpoint,
    tableName: table,
    delivery: {
      kind: 'record',
      onRecord: async (record) => {
        if (pkOf(record) === 'r2' && failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('transient');
        }
        handled.push(`${record.eventName} ${pkOf(record)}`);
      },
    },
    onError: (error) => errors.push(error),
  });
  await reader.start();
  try {
    for (const pk of ['r2', 'r3']) await put(table, pk);
    await until(() => handled.length === 3, 'every record handled');
    expect(handled).toEqual(['INSERT r1', 'INSERT r2', 'INSERT r3']);
    expect(errors.map(String)).toEqual(['Error: transient', 'Error: transient']);
    // Quiet now: whole rounds with nothing new are counted (what the replicator's in-sync wait reads).
    await until(() => reader.idleRounds >= 2, 'two quiet rounds');
    expect(handled).toHaveLength(3);
  } finally {
    await reader.stop();
  }
});
