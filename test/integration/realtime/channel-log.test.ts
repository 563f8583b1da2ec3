/**
 * The channel log's appends against DynamoDB Local, without transactions (ADR 0035, addendum): two
 * conditional writes per event and one head move per chunk, and the cases the transaction used to
 * make impossible, each built by writing what a dead attempt leaves behind: a claim without its
 * event, a claim overtaken by another event, an event whose head never moved. Every case ends with
 * each event once, in order, without a gap.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createTables } from '../../../local/resources';
import { tableDefinition } from '../../../src/catalog/tables';
import { DynamoChannelLog, LOG_RETENTION_SECONDS } from '../../../src/realtime/adapters/dynamo-channel-log';
import { acquireStore, type TestStore } from '../support/shared-store';

jest.setTimeout(60_000);

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let store: TestStore;
let raw: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let table: string;
let log: DynamoChannelLog;
/** The commands sent to the store (the client's, by name) since a test emptied it. */
let sent: string[] = [];

beforeAll(async () => {
  store = await acquireStore('realtime-channel-log');
  raw = new DynamoDBClient({ region: 'us-east-1', endpoint: store.endpoint, credentials });
  const names = await createTables(raw, store.tablePrefix, { only: ['RealtimeLog'] });
  doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  doc.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  table = names[tableDefinition('RealtimeLog').envVar]!;
  log = new DynamoChannelLog(doc, table);
});

afterAll(async () => {
  raw?.destroy();
  await store?.release();
});

let n = 0;
const channelName = (what: string) => `supplier:sup_${what}_${Date.now()}_${(n += 1)}:reviews`;
const event = (channel: string, id: string) => ({
  channel,
  eventId: id,
  type: 'review.received',
  body: JSON.stringify({ id }),
  recordedAtMs: Date.now(),
});
const expiresAt = () => Math.floor(Date.now() / 1000) + LOG_RETENTION_SECONDS;

/** Every item of the channel, as stored: the SEQ items' (seq, event id), the ID items' claims, the head. */
async function stored(channel: string) {
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CHANNEL#${channel}` },
      ConsistentRead: true,
    }),
  );
  const sk = (item: Record<string, unknown>) => String(item.sk);
  return {
    events: Items.filter((i) => sk(i).startsWith('SEQ#')).map((i) => [i.seq, i.eventId]),
    claims: Object.fromEntries(
      Items.filter((i) => sk(i).startsWith('ID#')).map((i) => [sk(i).slice(3), i.seq]),
    ),
    head: Items.find((i) => sk(i) === 'HEAD')?.seq,
  };
}

/** What a dead attempt left: an item written as the adapter writes it. */
async function leave(channel: string, item: Record<string, unknown>) {
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { pk: `CHANNEL#${channel}`, expiresAt: expiresAt(), recordedAtMs: Date.now(), ...item },
    }),
  );
}

it('appends with two conditional puts per event and one head move per chunk, no transaction', async () => {
  const channel = channelName('calls');
  sent = [];
  const results = await log.appendMany(['a', 'b', 'c'].map((id) => event(channel, `evt_${id}`)));
  expect(results).toEqual([1, 2, 3].map((seq) => ({ seq, duplicate: false })));
  // The head's read and the tail's query, two puts per event, the head's move.
  expect(sent).toEqual([
    'GetItemCommand',
    'QueryCommand',
    ...Array<string>(6).fill('PutItemCommand'),
    'UpdateItemCommand',
  ]);
  expect(await stored(channel)).toEqual({
    events: [
      [1, 'evt_a'],
      [2, 'evt_b'],
      [3, 'evt_c'],
    ],
    claims: { evt_a: 1, evt_b: 2, evt_c: 3 },
    head: 3,
  });
});

it('gives a redelivered event its first seq and writes nothing new', async () => {
  const channel = channelName('again');
  const first = await log.appendMany(['a', 'b'].map((id) => event(channel, `evt_${id}`)));
  const before = await stored(channel);
  const again = await log.appendMany(['a', 'b', 'c'].map((id) => event(channel, `evt_${id}`)));
  expect(again).toEqual([
    ...first.map((r) => ({ seq: r.seq, duplicate: true })),
    { seq: 3, duplicate: false },
  ]);
  const after = await stored(channel);
  expect(after.events).toEqual([...before.events, [3, 'evt_c']]);
  expect(after.head).toBe(3);
  expect(await log.seqOf(channel, 'evt_a')).toBe(1);
});

it('finishes an attempt that died between the claim and the event: the event at the claimed seq, once', async () => {
  const channel = channelName('claimed');
  await log.appendMany([event(channel, 'evt_1')]);
  // The dead attempt claimed seq 2 for evt_2 and wrote nothing else.
  await leave(channel, { sk: 'ID#evt_2', seq: 2 });
  // Not written: a resume from that id is not offered a seq no event holds.
  expect(await log.seqOf(channel, 'evt_2')).toBeUndefined();
  const results = await log.appendMany(['evt_2', 'evt_3'].map((id) => event(channel, id)));
  expect(results).toEqual([
    { seq: 2, duplicate: false },
    { seq: 3, duplicate: false },
  ]);
  expect(await stored(channel)).toMatchObject({
    events: [
      [1, 'evt_1'],
      [2, 'evt_2'],
      [3, 'evt_3'],
    ],
    head: 3,
  });
  expect(await log.seqOf(channel, 'evt_2')).toBe(2);
});

it('moves a dead attempt’s claim that another event overtook to the next seq', async () => {
  const channel = channelName('overtaken');
  await log.appendMany([event(channel, 'evt_1')]);
  // The dead attempt claimed seq 2 for evt_late; then another append took seq 2 and 3.
  await leave(channel, { sk: 'ID#evt_late', seq: 2 });
  await log.appendMany(['evt_2', 'evt_3'].map((id) => event(channel, id)));
  expect((await stored(channel)).claims).toMatchObject({ evt_2: 2, evt_3: 3, evt_late: 2 });
  // Overtaken and not written: no seq to resume from.
  expect(await log.seqOf(channel, 'evt_late')).toBeUndefined();
  const [late] = await log.appendMany([event(channel, 'evt_late')]);
  expect(late).toEqual({ seq: 4, duplicate: false });
  expect(await stored(channel)).toMatchObject({
    events: [
      [1, 'evt_1'],
      [2, 'evt_2'],
      [3, 'evt_3'],
      [4, 'evt_late'],
    ],
    claims: { evt_late: 4 },
    head: 4,
  });
});

it('appends after events the head never reached (an attempt that died before moving it)', async () => {
  const channel = channelName('behind');
  await log.appendMany([event(channel, 'evt_1')]);
  // The dead attempt wrote evt_2 at seq 2 (claim and event) and died before the head's move.
  await leave(channel, { sk: 'ID#evt_2', seq: 2 });
  await leave(channel, {
    sk: 'SEQ#000000000002',
    seq: 2,
    channel,
    eventId: 'evt_2',
    type: 'review.received',
    body: '{}',
  });
  expect(await log.head(channel)).toBe(1);
  const results = await log.appendMany(['evt_2', 'evt_3'].map((id) => event(channel, id)));
  expect(results).toEqual([
    { seq: 2, duplicate: true },
    { seq: 3, duplicate: false },
  ]);
  expect(await stored(channel)).toMatchObject({
    events: [
      [1, 'evt_1'],
      [2, 'evt_2'],
      [3, 'evt_3'],
    ],
    head: 3,
  });
});

it('keeps every event once and in order when appenders race over the same events', async () => {
  const channel = channelName('race');
  const ids = Array.from({ length: 30 }, (_, i) => `evt_${String(i).padStart(2, '0')}`);
  // Six appenders: three take the events in order, three take overlapping windows of them (a
  // retried batch racing the live one, as after a timed-out invocation).
  const batches = [
    ids,
    ids.slice(0, 20),
    ids.slice(10),
    ids.slice(5, 25),
    [...ids].reverse(),
    ids.filter((_, i) => i % 2 === 0),
  ];
  const results = await Promise.all(
    batches.map((batch) => log.appendMany(batch.map((id) => event(channel, id)))),
  );
  const { events, claims, head } = await stored(channel);
  // Gapless from 1, each event once, and every appender told the seq the log holds.
  expect(events.map(([seq]) => seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  expect(new Set(events.map(([, id]) => id)).size).toBe(30);
  const seqOf = Object.fromEntries(events.map(([seq, id]) => [id, seq]));
  expect(claims).toEqual(seqOf);
  batches.forEach((batch, b) => expect(results[b]!.map((r) => r.seq)).toEqual(batch.map((id) => seqOf[id])));
  // Each event was new to exactly one appender.
  const fresh = results.flatMap((r, b) => r.flatMap((x, k) => (x.duplicate ? [] : [batches[b]![k]])));
  expect(fresh.sort()).toEqual([...ids].sort());
  expect(head).toBe(30);
});
