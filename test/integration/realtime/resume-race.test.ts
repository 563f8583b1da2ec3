/**
 * Subscribe and resume against the live fan-out, timed on purpose (ADR 0034): a fan-out run is
 * injected at the exact moment that broke the protocol (between the subscription being stored and
 * the resume's delivery; while the resume posts; just before the `subscribed` answer), through the
 * use cases' dependencies, on the real adapters (DynamoDB Local, the local WebSocket server and
 * its management API) with real `ws` clients. No stream poller runs: the fan-outs are the injected
 * ones, so each interleaving happens every time.
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
  type ConnectionMessenger,
  type ConnectionRecord,
  type Hold,
  type SocketDeps,
  type SubscribeOutcome,
  type SubscribeRequest,
} from '../../../src/realtime';
import { DynamoChannelLog } from '../../../src/realtime/adapters/dynamo-channel-log';
import { DynamoRealtimeConnections } from '../../../src/realtime/adapters/dynamo-connections';
import type { ManagementApiMessenger } from '../../../src/realtime/adapters/management-api-messenger';
import {
  countCommands,
  createTestTables,
  openSocket,
  signedMessenger,
  type SocketClient,
  type TestTables,
  startRealtimeServer,
} from './support/realtime-rig';
import { until } from '../../support/wait';

jest.setTimeout(60_000);

const KEYS = ['realtime-race-key-0123456789'];
const REGION = 'us-east-1';

let tables: TestTables;
let doc: DynamoDBDocumentClient;
let connectionsTable: string;
let log: DynamoChannelLog;
let server: LocalRealtimeServer;
let messenger: ManagementApiMessenger;
const handlerErrors: unknown[] = [];
const sockets: WebSocket[] = [];

/** Every command the DynamoDB client sends while counting is on, as `<Command> <table>`. */
const calls: string[] = [];
let counting = false;

/** Runs once, right after the subscribe handler stored its subscription (then is cleared). */
let afterSubscribe: (() => Promise<void>) | undefined;
/** Runs once, just before the subscribe handler posts a frame that matches (then is cleared). */
let beforeSocketPost: { match: (data: string) => boolean; run: () => Promise<void> } | undefined;

/** The subscribe handler's store: the real adapter, with the injection point after `subscribe`. */
class RacedConnections extends DynamoRealtimeConnections {
  override async subscribe(request: SubscribeRequest): Promise<SubscribeOutcome> {
    const outcome = await super.subscribe(request);
    const run = afterSubscribe;
    afterSubscribe = undefined;
    await run?.();
    return outcome;
  }
}

/** Stores the subscription of an open connection at `lastSeq`, held by `hold`, as a subscribe does. */
const storeHeld = (
  store: DynamoRealtimeConnections,
  connection: ConnectionRecord,
  channel: string,
  lastSeq: number,
  hold: Hold,
) =>
  store.subscribe({
    connectionId: connection.connectionId,
    channel,
    grant: connection.grant,
    lastSeq,
    expiresAt: connection.expiresAt,
    hold,
  });

/** The subscribe handler's messenger: the real one, with the injection point before a post. */
const socketMessenger: ConnectionMessenger = {
  async post(connectionId, data) {
    const injected = beforeSocketPost;
    if (injected?.match(data)) {
      beforeSocketPost = undefined;
      await injected.run();
    }
    return messenger.post(connectionId, data);
  },
};

beforeAll(async () => {
  tables = await createTestTables('realtime-race', ['RealtimeConnections', 'RealtimeLog'], REGION);
  ({ doc } = tables);
  connectionsTable = tables.name('RealtimeConnections');
  countCommands(
    doc,
    calls,
    () => counting,
    (table) => (table === connectionsTable ? 'connections' : 'log'),
  );
  log = new DynamoChannelLog(doc, tables.name('RealtimeLog'));
  const socketDeps = (): SocketDeps => ({
    keys: { keyRing: async () => KEYS },
    connections: new RacedConnections(doc, connectionsTable, REGION),
    log,
    messenger: socketMessenger,
    clock: { now: () => new Date() },
  });
  server = await startRealtimeServer(REGION, {
    handler: socketHandler(socketDeps),
    routeKeys: ROUTE_ACTIONS,
    onError: (error) => handlerErrors.push(error),
  });
  messenger = signedMessenger(server.managementEndpoint, REGION);
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await server?.stop();
  messenger?.destroy();
  await tables?.release();
});

afterEach(() => {
  afterSubscribe = undefined;
  beforeSocketPost = undefined;
  expect(handlerErrors).toEqual([]);
});

/** The live fan-out's store: the plain adapter. */
const connections = () => new DynamoRealtimeConnections(doc, connectionsTable, REGION);
/** One live fan-out run over a batch of the log's stream, as RealtimeFanout makes it. */
const fanOut = (batch: readonly ChannelEvent[]) =>
  fanOutChannelEvents(batch, { connections: connections(), log, messenger });

async function open(supplierId: string): Promise<SocketClient> {
  const token = signConnectionToken(
    { grant: { kind: 'supplier', supplierId }, expiresAt: new Date(Date.now() + 300_000) },
    KEYS,
  );
  return openSocket(`${server.url}/?token=${encodeURIComponent(token)}`, sockets);
}

/** Sends `subscribe` and waits for the handler's `subscribed` answer. */
async function subscribe(client: SocketClient, channel: string, lastEventId?: string) {
  client.socket.send(
    JSON.stringify({ action: 'subscribe', channel, ...(lastEventId ? { lastEventId } : {}) }),
  );
  await until(
    () => client.frames.some((f) => f.type === 'subscribed' && f.channel === channel),
    'subscribed',
  );
  return client.frames.find((f) => f.type === 'subscribed' && f.channel === channel)!;
}

let counter = 0;
/** Appends events to the channel's log and returns them as its stream would carry them. */
async function append(channel: string, count: number): Promise<ChannelEvent[]> {
  const events = Array.from({ length: count }, () => {
    counter += 1;
    const id = `evt_race_${counter}`;
    return {
      channel,
      eventId: id,
      type: 'review.received',
      body: JSON.stringify({ specversion: '1.0', id, type: 'review.received', data: { n: counter } }),
      recordedAtMs: Date.now(),
    };
  });
  const results = await log.appendMany(events);
  return events.map((event, i) => ({ ...event, seq: results[i]!.seq }));
}

/** The client's frames of the channel, events as their seq and the rest as their type. */
const order = (client: SocketClient, channel: string) =>
  client.frames.filter((f) => f.channel === channel).map((f) => (f.type === 'event' ? f.seq : f.type));

/** A client that had events 1..3 of the channel, then went away: the id of the last one it got. */
async function clientWithThree(supplierId: string, channel: string): Promise<string> {
  const first = await open(supplierId);
  await subscribe(first, channel);
  const batch = await append(channel, 3);
  await fanOut(batch);
  await until(() => order(first, channel).includes(3), 'events 1..3');
  expect(order(first, channel)).toEqual(['subscribed', 1, 2, 3]);
  first.socket.close();
  await until(() => first.socket.readyState === WebSocket.CLOSED, 'the close');
  return batch[2]!.eventId;
}

/** Waits until the channel's subscriptions are all free of holds (the subscribes let go). */
async function released(channel: string): Promise<void> {
  const free = async () =>
    (await connections().subscribers(channel)).every((s) => s.heldUntilMs === undefined);
  const end = Date.now() + 20_000;
  while (!(await free())) {
    if (Date.now() > end) throw new Error('a subscription stayed held');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('resumes every missed event before the answer when a fan-out runs between storing the subscription and the resume', async () => {
  const channel = 'supplier:sup_race1:reviews';
  const lastEventId = await clientWithThree('sup_race1', channel);
  // Events 4..6 are logged while the client is away; the stream lags, their fan-out has not run.
  const missed = await append(channel, 3);
  expect(missed.map((e) => e.seq)).toEqual([4, 5, 6]);

  const second = await open('sup_race1');
  // The lagging fan-out of 4..6 runs the moment the resume's subscription is stored: it sees the
  // new subscription with its cursor at 3, right before its batch.
  let fanOutSent = -1;
  afterSubscribe = async () => {
    fanOutSent = (await fanOut(missed)).messages;
  };
  const ack = await subscribe(second, channel, lastEventId);
  expect(ack).toMatchObject({ type: 'subscribed', resumed: 3, lastSeq: 6 });
  // The fan-out found the subscription held by the subscribe: it sent nothing.
  expect(fanOutSent).toBe(0);
  await released(channel);

  // A live event after the answer.
  const live = await append(channel, 1);
  await fanOut(live);
  await until(() => order(second, channel).includes(7), 'event 7');
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(order(second, channel)).toEqual([4, 5, 6, 'subscribed', 7]);
});

it('sends what a fan-out brought while the resume was posting after the answer, in order, once', async () => {
  const channel = 'supplier:sup_race2:reviews';
  const lastEventId = await clientWithThree('sup_race2', channel);
  await append(channel, 3);
  const second = await open('sup_race2');
  // While the resume posts event 5 (it has claimed 4..6), event 7 is logged and fanned out.
  let fanOutSent = -1;
  beforeSocketPost = {
    match: (data) => data.includes('"seq":5,'),
    run: async () => {
      fanOutSent = (await fanOut(await append(channel, 1))).messages;
    },
  };
  const ack = await subscribe(second, channel, lastEventId);
  expect(ack).toMatchObject({ type: 'subscribed', resumed: 3, lastSeq: 6 });
  // The subscribe itself delivers 7 (the fan-out left it pending), after its answer, and lets go.
  await until(() => order(second, channel).includes(7), 'event 7');
  await released(channel);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(order(second, channel)).toEqual([4, 5, 6, 'subscribed', 7]);
  expect(fanOutSent).toBe(0);
  expect((await connections().subscribers(channel)).map((s) => s.lastSeq)).toEqual([7]);
});

it('answers a plain subscribe before any live event, with the last seq it had, when one arrives just before the answer', async () => {
  const channel = 'supplier:sup_race3:reviews';
  const client = await open('sup_race3');
  let fanOutSent = -1;
  beforeSocketPost = {
    match: (data) => data.includes('"type":"subscribed"'),
    run: async () => {
      fanOutSent = (await fanOut(await append(channel, 2))).messages;
    },
  };
  const ack = await subscribe(client, channel);
  expect(ack).toMatchObject({ type: 'subscribed', resumed: 0, lastSeq: 0 });
  await until(() => order(client, channel).includes(2), 'events 1 and 2');
  await released(channel);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(order(client, channel)).toEqual(['subscribed', 1, 2]);
  expect(fanOutSent).toBe(0);
});

it('leaves a held subscription to its subscribe, and serves it from its cursor once a crashed subscribe’s hold expires', async () => {
  const channel = 'supplier:sup_race4:reviews';
  const client = await open('sup_race4');
  await subscribe(client, channel);
  await released(channel);
  const { connectionId } = (await connections().subscribers(channel))[0]!;
  const record = (await connections().getConnection(connectionId))!;
  // A subscribe stored its hold and died before delivering anything.
  await storeHeld(connections(), record, channel, 0, { holder: 'crashed-subscribe', forMs: 1_000 });
  const held = await append(channel, 2);
  // The fan-out leaves it to its holder for one conditional write (the note), and reads no log.
  calls.length = 0;
  counting = true;
  const sent = await fanOut(held).finally(() => (counting = false));
  expect(sent.messages).toBe(0);
  expect(calls).toEqual(['QueryCommand connections', 'UpdateCommand connections']);
  expect((await connections().subscribers(channel))[0]).toMatchObject({ lastSeq: 0 });
  // Nothing is lost: once the hold has expired, the next event's fan-out sends 1..3, in order.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const next = await append(channel, 1);
  expect((await fanOut(next)).messages).toBe(3);
  await until(() => order(client, channel).includes(3), 'events 1..3');
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(order(client, channel)).toEqual(['subscribed', 1, 2, 3]);
  // The expired hold was cleared by the fan-out's claim.
  expect((await connections().subscribers(channel))[0]).toEqual({ connectionId, channel, lastSeq: 3 });
});

it('moves a held cursor only for its holder, and lets the holder go only when nothing is pending', async () => {
  const channel = 'supplier:sup_race5:reviews';
  const client = await open('sup_race5');
  await subscribe(client, channel);
  await released(channel);
  const { connectionId } = (await connections().subscribers(channel))[0]!;
  const record = (await connections().getConnection(connectionId))!;
  const store = connections();
  const mine: Hold = { holder: 'subscribe-a', forMs: 10_000 };
  await storeHeld(store, record, channel, 0, mine);
  expect((await store.subscribers(channel))[0]!.heldUntilMs).toBeGreaterThan(Date.now());

  // Others may not move it, one by one or in a batch claim.
  expect(await store.advance(connectionId, channel, 0, 1)).toEqual({ kind: 'held', lastSeq: 0 });
  expect(await store.advance(connectionId, channel, 0, 1, { holder: 'someone-else', forMs: 10_000 })).toEqual(
    {
      kind: 'held',
      lastSeq: 0,
    },
  );
  expect(await store.claim([{ connectionId, channel, from: 0, to: 1 }])).toEqual(['not-claimed']);
  // Its holder may.
  expect(await store.advance(connectionId, channel, 0, 2, mine)).toEqual({ kind: 'advanced' });
  expect(await store.advance(connectionId, channel, 0, 3, mine)).toEqual({ kind: 'moved', lastSeq: 2 });

  // A deliverer leaves events through 4 to the holder: the holder cannot let go before it sent them.
  expect(await store.notePending(connectionId, channel, 4)).toBe(true);
  expect(await store.notePending(connectionId, channel, 3)).toBe(true);
  expect(await store.release(connectionId, channel, 'someone-else')).toEqual({ kind: 'lost' });
  expect(await store.release(connectionId, channel, mine.holder)).toEqual({ kind: 'pending', through: 4 });
  expect(await store.advance(connectionId, channel, 2, 4, mine)).toEqual({ kind: 'advanced' });
  expect(await store.release(connectionId, channel, mine.holder)).toEqual({ kind: 'released' });
  expect((await store.subscribers(channel))[0]).toEqual({ connectionId, channel, lastSeq: 4 });

  // Free: a deliverer is told to deliver itself, and moves it; the old holder has lost it.
  expect(await store.notePending(connectionId, channel, 5)).toBe(false);
  expect(await store.advance(connectionId, channel, 4, 5)).toEqual({ kind: 'advanced' });
  expect(await store.advance(connectionId, channel, 5, 6, mine)).toEqual({ kind: 'held', lastSeq: 5 });
  expect(await store.release(connectionId, channel, mine.holder)).toEqual({ kind: 'lost' });

  // A newer subscribe replaces the subscription and its hold: the older holder has lost it.
  await storeHeld(store, record, channel, 5, { holder: 'subscribe-b', forMs: 10_000 });
  expect(await store.advance(connectionId, channel, 5, 6, mine)).toEqual({ kind: 'held', lastSeq: 5 });
  expect(await store.release(connectionId, channel, 'subscribe-b')).toEqual({ kind: 'released' });
});
