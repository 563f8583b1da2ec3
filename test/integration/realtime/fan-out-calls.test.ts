/**
 * What the live fan-out costs in DynamoDB calls, counted on the real client against DynamoDB Local
 * (its `send` wrapped with a counter), with real subscribers: `ws` clients of the local WebSocket
 * server, subscribed through the RealtimeSocket handler. A batch of one channel claims the
 * subscriptions that are up to date together (one transaction of conditional cursor writes per
 * hundred subscriptions) and reads nothing from the channel log for them; a subscription that is
 * behind writes its own cursor, reads the log once and still gets every event once, in order.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WebSocket } from 'ws';
import { socketHandler } from '../../../functions/realtime-socket/handler';
import type { LocalRealtimeServer } from '../../../local/realtime-server';
import {
  fanOutChannelEvents,
  ROUTE_ACTIONS,
  signConnectionToken,
  type ChannelEvent,
  type SocketDeps,
} from '../../../src/realtime';
import { DynamoChannelLog } from '../../../src/realtime/adapters/dynamo-channel-log';
import { DynamoRealtimeConnections } from '../../../src/realtime/adapters/dynamo-connections';
import type { ManagementApiMessenger } from '../../../src/realtime/adapters/management-api-messenger';
import {
  countCommands,
  createTestTables,
  openSocket,
  signedMessenger,
  startRealtimeServer,
  type TestTables,
} from './support/realtime-rig';
import { until as waitUntil } from '../../support/wait';

/** This file's patience: 30_000 ms. */
const until = (check: () => boolean | Promise<boolean>, what: string) => waitUntil(check, what, 30_000);

jest.setTimeout(120_000);

const KEYS = ['realtime-calls-key-0123456789'];
const REGION = 'us-east-1';
const SUBSCRIBERS = 100;
const SUPPLIER = 'sup_calls';
const CHANNEL = `supplier:${SUPPLIER}:reviews`;

let tables: TestTables;
let doc: DynamoDBDocumentClient;
let connectionsTable: string;
let logTable: string;
let server: LocalRealtimeServer;
let messenger: ManagementApiMessenger;
const handlerErrors: unknown[] = [];
const sockets: WebSocket[] = [];

/** Every command the fan-out's client sends, as `<Command> <table>`, while counting is on. */
const calls: string[] = [];
let counting = false;

beforeAll(async () => {
  tables = await createTestTables('realtime-calls', ['RealtimeConnections', 'RealtimeLog'], REGION);
  ({ doc } = tables);
  connectionsTable = tables.name('RealtimeConnections');
  logTable = tables.name('RealtimeLog');
  // The real client's send, counted: every call any adapter makes goes through it.
  countCommands(doc, calls, () => counting);
  const wired: { messenger?: ManagementApiMessenger } = {};
  const socketDeps = (): SocketDeps => ({
    keys: { keyRing: async () => KEYS },
    connections: connections(),
    log: log(),
    messenger: wired.messenger!,
    clock: { now: () => new Date() },
  });
  server = await startRealtimeServer(REGION, {
    handler: socketHandler(socketDeps),
    routeKeys: ROUTE_ACTIONS,
    onError: (error) => handlerErrors.push(error),
  });
  messenger = signedMessenger(server.managementEndpoint, REGION);
  wired.messenger = messenger;
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await server?.stop();
  messenger?.destroy();
  await tables?.release();
});

const connections = () => new DynamoRealtimeConnections(doc, connectionsTable, REGION);
const log = () => new DynamoChannelLog(doc, logTable);

interface Subscriber {
  readonly frames: Record<string, unknown>[];
}

async function subscriber(): Promise<Subscriber> {
  const token = signConnectionToken(
    { grant: { kind: 'supplier', supplierId: SUPPLIER }, expiresAt: new Date(Date.now() + 300_000) },
    KEYS,
  );
  const { socket, frames } = await openSocket(`${server.url}/?token=${encodeURIComponent(token)}`, sockets);
  socket.send(JSON.stringify({ action: 'subscribe', channel: CHANNEL }));
  await until(() => frames.some((f) => f.type === 'subscribed'), 'the subscription');
  return { frames };
}

/**
 * Waits until no subscribe holds a subscription of the channel any more: a subscribe lets go of its
 * subscription just after its `subscribed` answer (ADR 0034), and a batch fanned out before that is
 * left to the subscribe (one note instead of the claim this file counts).
 */
async function allReleased(): Promise<void> {
  const end = Date.now() + 30_000;
  while ((await connections().subscribers(CHANNEL)).some((s) => s.heldUntilMs !== undefined)) {
    if (Date.now() > end) throw new Error('timed out waiting for the subscribes to let go');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Appends `count` events to the channel and returns them as the log's stream would carry them. */
async function appendBatch(count: number, from: number): Promise<ChannelEvent[]> {
  const events = Array.from({ length: count }, (_, i) => {
    const id = `evt_calls_${from + i}`;
    return {
      channel: CHANNEL,
      eventId: id,
      type: 'review.received',
      body: JSON.stringify({ specversion: '1.0', id, type: 'review.received', data: { n: from + i } }),
      recordedAtMs: Date.now(),
    };
  });
  const results = await log().appendMany(events);
  return events.map((event, i) => ({ ...event, seq: results[i]!.seq }));
}

async function countedFanOut(batch: readonly ChannelEvent[]) {
  calls.length = 0;
  counting = true;
  try {
    await fanOutChannelEvents(batch, { connections: connections(), log: log(), messenger });
  } finally {
    counting = false;
  }
  const count = (command: string, table: string) =>
    calls.filter((call) => call === `${command} ${table}`).length;
  return {
    cursorWrites: count('UpdateCommand', connectionsTable),
    claimTransactions: count('TransactWriteCommand', connectionsTable),
    logReads: count('QueryCommand', logTable) + count('GetCommand', logTable),
    subscriberQueries: count('QueryCommand', connectionsTable),
    total: calls.length,
  };
}

/** Every subscriber's socket, in the order they subscribed (the tests below run in turn). */
const subscribed: Subscriber[] = [];

const seqsOf = (s: Subscriber) =>
  s.frames.filter((f) => f.type === 'event' && f.channel === CHANNEL).map((f) => f.seq as number);

it('claims a batch for the subscriptions up to date in one transaction per hundred, with no log read', async () => {
  const subscribers: Subscriber[] = [];
  for (let i = 0; i < SUBSCRIBERS; i += 1) subscribers.push(await subscriber());

  // A batch of 5 events to 100 subscriptions at the head: one transaction claims it for all 100,
  // nothing is read from the log (a write per event and subscription would be 500 calls, a write
  // per subscription 100, and reading the log per subscription 100 more).
  await allReleased();
  const first = await appendBatch(5, 1);
  expect(first.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  const counted = await countedFanOut(first);
  expect(counted).toEqual({
    cursorWrites: 0,
    claimTransactions: 1,
    logReads: 0,
    subscriberQueries: 1,
    total: 2,
  });
  await until(() => subscribers.every((s) => seqsOf(s).length >= 5), 'the first batch on every socket');

  // One more subscription, whose cursor is behind (at 0, as when a failed post handed events back).
  const before = new Set((await connections().subscribers(CHANNEL)).map((s) => s.connectionId));
  const late = await subscriber();
  await allReleased();
  const lateId = (await connections().subscribers(CHANNEL)).find(
    (s) => !before.has(s.connectionId),
  )!.connectionId;
  const record = await connections().getConnection(lateId);
  expect(
    await connections().subscribe({
      connectionId: lateId,
      channel: CHANNEL,
      grant: record!.grant,
      lastSeq: 0,
      expiresAt: record!.expiresAt,
    }),
  ).toBe('subscribed');

  // The next batch: the 100 up to date claim it in one transaction; the one behind writes its own
  // cursor and reads the log (once: its missing events and the batch's in one page), and gets 1..8
  // once, in order, like the others.
  const second = await appendBatch(3, 6);
  expect(second.map((e) => e.seq)).toEqual([6, 7, 8]);
  expect(await countedFanOut(second)).toEqual({
    cursorWrites: 1,
    claimTransactions: 1,
    logReads: 1,
    subscriberQueries: 1,
    total: 4,
  });
  const everyone = [...subscribers, late];
  subscribed.push(...everyone);
  await until(() => everyone.every((s) => seqsOf(s).length >= 8), 'the second batch on every socket');
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const s of everyone) expect(seqsOf(s)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect((await connections().subscribers(CHANNEL)).every((s) => s.lastSeq === 8)).toBe(true);

  // The same batch again (a retried invocation): every cursor is past it, nothing is posted or read.
  const again = await countedFanOut(second);
  expect(again).toEqual({
    cursorWrites: 0,
    claimTransactions: 0,
    logReads: 0,
    subscriberQueries: 1,
    total: 1,
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const s of everyone) expect(seqsOf(s)).toHaveLength(8);
});

it('hands back what a failed post left unsent, and the retried batch sends just that, once, in order', async () => {
  const subscribers = await connections().subscribers(CHANNEL);
  const unlucky = subscribers[0]!.connectionId;
  const batch = await appendBatch(3, 9);
  expect(batch.map((e) => e.seq)).toEqual([9, 10, 11]);
  // The management API fails the second post to one connection (a timeout, a throttle), once.
  let posts = 0;
  const failing = {
    post: async (connectionId: string, data: string) => {
      if (connectionId === unlucky && ++posts === 2) throw new Error('injected: management API timed out');
      return messenger.post(connectionId, data);
    },
  };
  await expect(
    fanOutChannelEvents(batch, { connections: connections(), log: log(), messenger: failing }),
  ).rejects.toThrow('1 subscription(s) not served');
  const cursorOf = async (id: string) =>
    (await connections().subscribers(CHANNEL)).find((s) => s.connectionId === id)!.lastSeq;
  // Event 9 reached it; 10 and 11 were handed back.
  expect(await cursorOf(unlucky)).toBe(9);

  // The retry: one claim (the unlucky one's, its next event is in the batch), no log read.
  expect(await countedFanOut(batch)).toEqual({
    cursorWrites: 0,
    claimTransactions: 1,
    logReads: 0,
    subscriberQueries: 1,
    total: 2,
  });
  expect((await connections().subscribers(CHANNEL)).every((s) => s.lastSeq === 11)).toBe(true);
  await until(() => subscribed.every((s) => seqsOf(s).length >= 11), 'events 9..11 on every socket');
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const s of subscribed) expect(seqsOf(s)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
});

it('claims the cursors that are where the batch expects and leaves the moved and the gone to the caller', async () => {
  // 150 claims (two transactions): one cursor moved by another deliverer, one subscription that is
  // gone. Its transaction is cancelled as a whole; the others in it are claimed on the next attempt.
  const all = (await connections().subscribers(CHANNEL)).sort((a, b) =>
    a.connectionId.localeCompare(b.connectionId),
  );
  const head = all[0]!.lastSeq;
  expect(all.every((s) => s.lastSeq === head)).toBe(true);
  const claims = Array.from({ length: 150 }, (_, i) => ({
    connectionId: i < all.length ? all[i]!.connectionId : `gone${String(i).padStart(7, '0')}=`,
    channel: CHANNEL,
    from: head,
    to: head + 1,
  }));
  const moved = all[7]!.connectionId;
  expect(await connections().advance(moved, CHANNEL, head, head + 5)).toEqual({ kind: 'advanced' });
  calls.length = 0;
  counting = true;
  const outcomes = await connections()
    .claim(claims)
    .finally(() => (counting = false));
  expect(outcomes.filter((o) => o === 'not-claimed')).toHaveLength(1 + (150 - all.length));
  expect(outcomes[7]).toBe('not-claimed');
  expect(outcomes.slice(0, all.length).filter((o) => o === 'claimed')).toHaveLength(all.length - 1);
  // Two chunks, the first cancelled once (the moved cursor), the second once per attempt round
  // until only the gone ones are left: a few transactions, never a write per subscription.
  expect(calls.every((call) => call === `TransactWriteCommand ${connectionsTable}`)).toBe(true);
  expect(calls.length).toBeLessThanOrEqual(6);
  const after = new Map((await connections().subscribers(CHANNEL)).map((s) => [s.connectionId, s.lastSeq]));
  expect(after.get(moved)).toBe(head + 5);
  for (const s of all) if (s.connectionId !== moved) expect(after.get(s.connectionId)).toBe(head + 1);
  // Nothing was created for the gone ones.
  expect(after.size).toBe(all.length);
});

it('keeps every handler call free of errors', () => {
  expect(handlerErrors).toEqual([]);
});
