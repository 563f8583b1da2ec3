/**
 * RealtimeRecorder on the real local components: events logged by the webhook fan-out's repository
 * into the EventLog table of DynamoDB Local, its stream read by the local poller with the event
 * source filter the catalog defines (what Lambda would pass: inserts), and the channel log in the
 * same store.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { streamHandler } from '../../../functions/realtime-recorder/handler';
import { DynamoDbStreamReader } from '../../../local/dynamodb-stream-reader';
import { functionDefinition, streamFilterPattern } from '../../../src/catalog/functions';
import type { ChannelLog } from '../../../src/realtime';
import { DynamoChannelLog } from '../../../src/realtime/adapters/dynamo-channel-log';
import { DynamoEventLog, eventLogKey } from '../../../src/webhooks/adapters/event-log';
import { until as waitUntil } from '../../support/wait';
import { createTestTables, type TestTables } from './support/realtime-rig';

/** This file's patience: 20_000 ms. */
const until = (check: () => boolean | Promise<boolean>, what: string) => waitUntil(check, what, 20_000, 50);

jest.setTimeout(60_000);

const clock = { now: () => new Date() };

let tables: TestTables;
let doc: DynamoDBDocumentClient;
let eventLog: DynamoEventLog;
let eventLogTable: string;
let log: DynamoChannelLog;
let poller: DynamoDbStreamReader;
/** Every record the poller handed the handler (after the filter). */
const handed: DynamoDBRecord[] = [];
/** Appends to fail before the log is reached (a transient error the stream retries). */
let failNextAppends = 0;
const errors: unknown[] = [];

beforeAll(async () => {
  tables = await createTestTables('realtime-recorder', ['EventLog', 'RealtimeLog']);
  ({ doc } = tables);
  eventLogTable = tables.name('EventLog');
  eventLog = new DynamoEventLog(doc, eventLogTable);
  log = new DynamoChannelLog(doc, tables.name('RealtimeLog'));
  const flaky: ChannelLog = Object.assign(Object.create(log) as ChannelLog, {
    appendMany: (events: Parameters<ChannelLog['appendMany']>[0]) => {
      if (failNextAppends > 0) {
        failNextAppends -= 1;
        return Promise.reject(new Error('throttled'));
      }
      return log.appendMany(events);
    },
  });
  const handler = streamHandler(() => ({ log: flaky, clock }));
  poller = new DynamoDbStreamReader({
    endpoint: tables.endpoint,
    tableName: eventLogTable,
    from: 'LATEST',
    delivery: {
      kind: 'batch',
      filter: streamFilterPattern(functionDefinition('RealtimeRecorder')),
      handler: async (event) => {
        handed.push(...event.Records);
        await handler(event);
      },
    },
    onError: (error) => errors.push(error),
  });
  await poller.start();
});

afterAll(async () => {
  await poller?.stop();
  await tables?.release();
});

const envelope = (id: string, type: string, data: Record<string, unknown>) =>
  JSON.stringify({
    specversion: '1.0',
    id,
    source: 'urn:wedsync:test',
    type,
    time: new Date().toISOString(),
    data,
  });

async function logReview(supplierId: string, eventId: string) {
  return eventLog.logEvent(
    {
      supplierId,
      eventId,
      eventType: 'review.received',
      time: new Date().toISOString(),
      body: envelope(eventId, 'review.received', { supplierId: supplierId }),
      loggedAtMs: Date.now(),
    },
    Math.floor(Date.now() / 1000) + 3600,
  );
}

it('records each logged event once in its channel, in logging order, and is handed nothing else', async () => {
  const [a, b] = [`sup_a_${Date.now()}`, `sup_b_${Date.now()}`];
  const ids = Array.from({ length: 12 }, (_, i) => `evt_${i}_${Date.now()}`);
  for (const [i, id] of ids.entries()) expect(await logReview(i % 3 === 2 ? b : a, id)).toBe(true);
  // A second copy of an event (a redelivered Events message) writes nothing, so nothing reaches the stream.
  expect(await logReview(a, ids[0]!)).toBe(false);
  // Changes to logged events (a MODIFY, an erasure's REMOVE) never reach the recorder (the event
  // source filter: inserts only).
  await doc.send(
    new UpdateCommand({
      TableName: eventLogTable,
      Key: eventLogKey(a, ids[1]!),
      UpdateExpression: 'SET expiresAt = :later',
      ExpressionAttributeValues: { ':later': Math.floor(Date.now() / 1000) + 7200 },
    }),
  );
  const erased = `evt_erased_${Date.now()}`;
  await logReview(a, erased);
  expect(await eventLog.purge(a, erased)).toBe(true);
  await logReview(b, `evt_last_${Date.now()}`);

  const channelA = `supplier:${a}:reviews`;
  const channelB = `supplier:${b}:reviews`;
  // Order is promised per channel (the stream's per-item order), not across them: wait for both.
  await until(
    async () => (await log.head(channelA)) >= 9 && (await log.head(channelB)) >= 5,
    'the last event of each channel recorded',
  );
  const recordedA = await log.readAfter(channelA, 0, 100);
  expect(recordedA.map((e) => e.eventId)).toEqual([...ids.filter((_, i) => i % 3 !== 2), erased]);
  expect(recordedA.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(JSON.parse(recordedA[0]!.body)).toMatchObject({ id: ids[0], type: 'review.received' });
  expect((await log.readAfter(channelB, 0, 100)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  expect(handed.every((r) => r.eventName === 'INSERT')).toBe(true);
  expect(handed).toHaveLength(14);
  expect(errors).toEqual([]);
});

it('retries a batch whose append failed: every event recorded once, without gaps', async () => {
  const supplier = `sup_retry_${Date.now()}`;
  failNextAppends = 1;
  const ids = Array.from({ length: 5 }, (_, i) => `evt_r${i}_${Date.now()}`);
  for (const id of ids) await logReview(supplier, id);
  const channel = `supplier:${supplier}:reviews`;
  await until(async () => (await log.head(channel)) >= 5, 'the events recorded');
  const recorded = await log.readAfter(channel, 0, 100);
  expect(recorded.map((e) => e.eventId)).toEqual(ids);
  expect(recorded.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  expect(failNextAppends).toBe(0);
  expect(errors).toEqual([]);
});
