/**
 * Real-time updates end to end on the local components: DynamoDB Local (the tables, and the
 * RealtimeLog's stream read by the local stream poller), the local WebSocket server with its
 * management API, the RealtimeSocket and RealtimeFanout handlers, and real `ws` clients.
 */
import { WebSocket } from 'ws';
import { streamHandler } from '../../../functions/realtime-fanout/handler';
import { socketHandler } from '../../../functions/realtime-socket/handler';
import { DynamoDbStreamReader } from '../../../local/dynamodb-stream-reader';
import type { LocalRealtimeServer } from '../../../local/realtime-server';
import {
  recordChannelEvent,
  ROUTE_ACTIONS,
  signConnectionToken,
  type FanOutDeps,
  type RealtimeGrant,
  type SocketDeps,
} from '../../../src/realtime';
import { DynamoChannelLog } from '../../../src/realtime/adapters/dynamo-channel-log';
import { DynamoRealtimeConnections } from '../../../src/realtime/adapters/dynamo-connections';
import type { ManagementApiMessenger } from '../../../src/realtime/adapters/management-api-messenger';
import {
  createTestTables,
  signedMessenger,
  startRealtimeServer,
  type TestTables,
} from './support/realtime-rig';

jest.setTimeout(60_000);

const KEYS = ['realtime-test-key-0123456789'];
const REGION = 'us-east-1';
const clock = { now: () => new Date() };

let tables: TestTables;
let connections: DynamoRealtimeConnections;
let log: DynamoChannelLog;
let server: LocalRealtimeServer;
let poller: DynamoDbStreamReader;
/** Built once the server listens (its port is the management endpoint). */
const wired: { messenger?: ManagementApiMessenger } = {};
const handlerErrors: unknown[] = [];
const clients: WebSocket[] = [];

beforeAll(async () => {
  tables = await createTestTables('realtime', ['RealtimeConnections', 'RealtimeLog'], REGION);
  const { doc } = tables;
  connections = new DynamoRealtimeConnections(doc, tables.name('RealtimeConnections'), REGION);
  const logTable = tables.name('RealtimeLog');
  log = new DynamoChannelLog(doc, logTable);
  const socketDeps = (): SocketDeps => ({
    keys: { keyRing: async () => KEYS },
    connections,
    log,
    messenger: wired.messenger!,
    clock,
  });
  server = await startRealtimeServer(REGION, {
    handler: socketHandler(socketDeps),
    routeKeys: ROUTE_ACTIONS,
    onError: (error) => handlerErrors.push(error),
  });
  wired.messenger = signedMessenger(server.managementEndpoint, REGION);
  const fanOutDeps = (): FanOutDeps => ({ connections, log, messenger: wired.messenger! });
  poller = new DynamoDbStreamReader({
    endpoint: tables.endpoint,
    tableName: logTable,
    from: 'LATEST',
    delivery: { kind: 'batch', handler: streamHandler(fanOutDeps) },
    onError: (error) => handlerErrors.push(error),
  });
  await poller.start();
});

afterAll(async () => {
  for (const client of clients) client.terminate();
  await server?.stop();
  await poller?.stop();
  wired.messenger?.destroy();
  await tables?.release();
});

afterEach(() => {
  expect(handlerErrors).toEqual([]);
});

const tokenFor = (grant: RealtimeGrant, expiresInMs = 300_000) =>
  signConnectionToken({ grant, expiresAt: new Date(Date.now() + expiresInMs) }, KEYS);

interface Client {
  readonly socket: WebSocket;
  readonly frames: Record<string, unknown>[];
  /** Resolves with the first frame (from the start) that matches, waiting for it if need be. */
  next(
    match: (frame: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  send(value: unknown): void;
}

async function open(token: string): Promise<Client> {
  const socket = new WebSocket(`${server.url}/?token=${encodeURIComponent(token)}`);
  clients.push(socket);
  const frames: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    frames,
    send: (value) => socket.send(typeof value === 'string' ? value : JSON.stringify(value)),
    next: (match, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

/** The handshake's status when the server refuses it. */
function refusal(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => reject(new Error('connected')));
    socket.on('error', () => undefined);
  });
}

let eventCounter = 0;
async function publishReview(supplierId: string, title = 'Lovely day') {
  eventCounter += 1;
  const id = `evt_${eventCounter}_${Date.now()}`;
  const body = JSON.stringify({
    specversion: '1.0',
    id,
    source: 'urn:wedsync:integration-platform',
    type: 'review.received',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { supplierId, title },
  });
  const outcome = await recordChannelEvent(
    { eventId: id, type: 'review.received', ownerSupplierId: supplierId, body },
    { log, clock },
  );
  return { id, outcome };
}

const events = (client: Client, channel: string) =>
  client.frames.filter((f) => f.type === 'event' && f.channel === channel);

async function subscribed(client: Client, channel: string, lastEventId?: string) {
  client.send({ action: 'subscribe', channel, ...(lastEventId ? { lastEventId } : {}) });
  return client.next((f) => (f.type === 'subscribed' || f.type === 'error') && f.channel === channel);
}

describe('connecting', () => {
  it('refuses a handshake without a token or with a bad one (401) and with an expired one (403)', async () => {
    expect(await refusal(server.url)).toBe(401);
    expect(await refusal(`${server.url}/?token=wrc_nonsense.x`)).toBe(401);
    const foreign = signConnectionToken(
      { grant: { kind: 'supplier', supplierId: 'sup_a' }, expiresAt: new Date(Date.now() + 60_000) },
      ['another-key-0123456789'],
    );
    expect(await refusal(`${server.url}/?token=${foreign}`)).toBe(401);
    expect(
      await refusal(`${server.url}/?token=${tokenFor({ kind: 'supplier', supplierId: 'sup_a' }, -1000)}`),
    ).toBe(403);
  });

  it('answers ping with pong and unknown or malformed frames with a clear error', async () => {
    const client = await open(tokenFor({ kind: 'supplier', supplierId: 'sup_ping' }));
    client.send({ action: 'ping' });
    await client.next((f) => f.type === 'pong');
    client.send('not json');
    expect(await client.next((f) => f.code === 'invalid-frame')).toMatchObject({ type: 'error' });
    client.send({ action: 'publish', channel: 'supplier:sup_ping:reviews' });
    const unknown = await client.next((f) => f.code === 'unknown-action');
    expect(String(unknown.message)).toContain('subscribe');
  });
});

describe('entitlement', () => {
  it('delivers no other tenant’s events and refuses channels the token does not grant', async () => {
    const a = await open(tokenFor({ kind: 'supplier', supplierId: 'sup_a' }));
    const b = await open(tokenFor({ kind: 'supplier', supplierId: 'sup_b' }));
    const couple = await open(tokenFor({ kind: 'wedding', weddingId: 'wed_1' }));
    expect(await subscribed(a, 'supplier:sup_a:reviews')).toMatchObject({ type: 'subscribed' });
    expect(await subscribed(b, 'supplier:sup_b:reviews')).toMatchObject({ type: 'subscribed' });
    expect(await subscribed(a, 'supplier:sup_b:reviews')).toMatchObject({ code: 'forbidden-channel' });
    expect(await subscribed(a, 'wedding:wed_1:budget')).toMatchObject({ code: 'forbidden-channel' });
    expect(await subscribed(couple, 'supplier:sup_a:reviews')).toMatchObject({ code: 'forbidden-channel' });
    expect(await subscribed(couple, 'wedding:wed_2:schedule')).toMatchObject({ code: 'forbidden-channel' });
    expect(await subscribed(couple, 'wedding:wed_1:schedule')).toMatchObject({ type: 'subscribed' });
    expect(await subscribed(a, 'nonsense')).toMatchObject({ code: 'unknown-channel' });

    const forB = await publishReview('sup_b', 'for b only');
    const forA = await publishReview('sup_a', 'for a only');
    const got = await a.next((f) => f.type === 'event');
    expect((got.event as { id: string }).id).toBe(forA.id);
    await b.next((f) => f.type === 'event' && (f.event as { id: string }).id === forB.id);
    // B's event has had its fan-out (B got it): A and the couple never see it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.frames.filter((f) => f.type === 'event')).toHaveLength(1);
    expect(b.frames.filter((f) => f.type === 'event')).toHaveLength(1);
    expect(couple.frames.filter((f) => f.type === 'event')).toHaveLength(0);
    // The frame carries the CloudEvents envelope as webhooks do.
    expect(got).toMatchObject({
      channel: 'supplier:sup_a:reviews',
      seq: 1,
      event: { specversion: '1.0', type: 'review.received' },
    });
  });
});

describe('the subscription write checks the connection', () => {
  it("answers a resume of another tenant's channel with forbidden alone, and stores nothing", async () => {
    const a = await open(tokenFor({ kind: 'supplier', supplierId: 'sup_fx' }));
    // Refused by the write: nothing of the channel's log (not even that the id is unknown) is answered.
    expect(await subscribed(a, 'supplier:sup_fy:reviews', 'no-such-event')).toMatchObject({
      code: 'forbidden-channel',
    });
    expect(await subscribed(a, 'supplier:sup_fx:reviews')).toMatchObject({ type: 'subscribed' });
    expect(a.frames.filter((f) => f.type === 'error')).toEqual([
      expect.objectContaining({ code: 'forbidden-channel', channel: 'supplier:sup_fy:reviews' }),
    ]);
    expect(await connections.subscribers('supplier:sup_fy:reviews')).toEqual([]);
  });

  it('refuses another grant (forbidden) and an unknown or expired connection (gone)', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const grant = { kind: 'supplier', supplierId: 'sup_fz' } as const;
    const channel = 'supplier:sup_fz:reviews';
    const request = (connectionId: string, g: RealtimeGrant = grant) => ({
      connectionId,
      channel,
      grant: g,
      lastSeq: 0,
      expiresAt: nowSeconds + 3600,
    });
    await connections.putConnection({
      connectionId: 'otherGrant0=',
      grant: { kind: 'wedding', weddingId: 'sup_fz' },
      connectedAtMs: Date.now(),
      expiresAt: nowSeconds + 3600,
    });
    await connections.putConnection({
      connectionId: 'pastTwoHrs0=',
      grant,
      connectedAtMs: Date.now() - 3 * 3600_000,
      expiresAt: nowSeconds - 60,
    });
    expect(await connections.subscribe(request('otherGrant0='))).toBe('forbidden');
    expect(await connections.subscribe(request('pastTwoHrs0='))).toBe('gone');
    expect(await connections.subscribe(request('neverThere0='))).toBe('gone');
    expect(await connections.subscribers(channel)).toEqual([]);
    // The grant the connection holds: stored.
    expect(
      await connections.subscribe(request('otherGrant0=', { kind: 'wedding', weddingId: 'sup_fz' })),
    ).toBe('subscribed');
  });
});

describe('delivery', () => {
  it('delivers every event of a channel once, in order, and stops after unsubscribe', async () => {
    const channel = 'supplier:sup_order:reviews';
    const one = await open(tokenFor({ kind: 'supplier', supplierId: 'sup_order' }));
    const two = await open(tokenFor({ kind: 'supplier', supplierId: 'sup_order' }));
    await subscribed(one, channel);
    await subscribed(two, channel);
    const published: string[] = [];
    // Concurrent appends: the log still numbers them 1..20 without gaps.
    const results = await Promise.all(Array.from({ length: 20 }, () => publishReview('sup_order')));
    for (const r of results) published.push(r.id);
    for (const client of [one, two]) {
      await client.next((f) => f.type === 'event' && f.seq === 20);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const got = events(client, channel);
      expect(got.map((f) => f.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(new Set(got.map((f) => (f.event as { id: string }).id))).toEqual(new Set(published));
    }
    one.send({ action: 'unsubscribe', channel });
    await one.next((f) => f.type === 'unsubscribed');
    await publishReview('sup_order');
    await two.next((f) => f.type === 'event' && f.seq === 21);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events(one, channel)).toHaveLength(20);
    one.send({ action: 'unsubscribe', channel });
    expect(await one.next((f) => f.code === 'not-subscribed')).toMatchObject({ channel });
  });

  it('appends batches of one channel racing each other without gaps, each event once, redeliveries keeping their seq', async () => {
    const channel = 'supplier:sup_batches:reviews';
    const event = (i: number) => ({
      channel,
      eventId: `evt_batch_${i}`,
      type: 'review.received',
      body: JSON.stringify({ id: `evt_batch_${i}` }),
      recordedAtMs: Date.now(),
    });
    // Four batches of ten race for the head; one batch holds a copy of its own first event.
    const batches = [0, 1, 2, 3].map((b) => Array.from({ length: 10 }, (_, k) => event(b * 10 + k)));
    batches[2]!.push(event(20));
    const results = await Promise.all(batches.map((batch) => log.appendMany(batch)));
    const firsts = results.flatMap((r, b) => r.filter((_, k) => !(b === 2 && k === 10)));
    expect(firsts.map((r) => r.seq).sort((a, z) => a - z)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(firsts.every((r) => !r.duplicate)).toBe(true);
    expect(results[2]![10]).toEqual({ seq: results[2]![0]!.seq, duplicate: true });
    // A redelivered batch (ids already logged) takes no new seq and gets each event's first one.
    const again = await log.appendMany(batches[1]!);
    expect(again).toEqual(results[1]!.map((r) => ({ seq: r.seq, duplicate: true })));
    expect(await log.head(channel)).toBe(40);
    const stored = await log.readAfter(channel, 0, 100);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(stored.map((e) => e.eventId)).size).toBe(40);
  });

  it('resumes after a reconnect from the last event id, without gaps or duplicates', async () => {
    const channel = 'supplier:sup_resume:reviews';
    const grant: RealtimeGrant = { kind: 'supplier', supplierId: 'sup_resume' };
    const first = await open(tokenFor(grant));
    await subscribed(first, channel);
    for (let i = 0; i < 3; i += 1) await publishReview('sup_resume');
    await first.next((f) => f.type === 'event' && f.seq === 3);
    const lastEventId = (events(first, channel).at(-1)!.event as { id: string }).id;
    first.socket.close();
    await new Promise((resolve) => first.socket.once('close', resolve));
    for (let i = 0; i < 3; i += 1) await publishReview('sup_resume');

    const second = await open(tokenFor(grant));
    const ack = await subscribed(second, channel, lastEventId);
    expect(ack).toMatchObject({ type: 'subscribed', resumed: 3, lastSeq: 6 });
    await publishReview('sup_resume');
    await second.next((f) => f.type === 'event' && f.seq === 7);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events(second, channel).map((f) => f.seq)).toEqual([4, 5, 6, 7]);
    // The missed events came before the acknowledgement, the live one after it.
    const order = second.frames.map((f) => (f.type === 'event' ? f.seq : f.type));
    expect(order.indexOf('subscribed')).toBe(3);

    const unknown = await open(tokenFor(grant));
    expect(await subscribed(unknown, channel, 'evt_never_seen')).toMatchObject({
      code: 'resume-unavailable',
    });
    await unknown.next((f) => f.type === 'subscribed');
  });

  it('removes a connection the management API answers 410 Gone for', async () => {
    const channel = 'supplier:sup_gone:reviews';
    const live = await open(tokenFor({ kind: 'supplier', supplierId: 'sup_gone' }));
    await subscribed(live, channel);
    // A connection API Gateway dropped without our $disconnect: stored, but unknown to the API.
    const ghost = {
      connectionId: 'ghostGhost0=',
      grant: { kind: 'supplier', supplierId: 'sup_gone' } as const,
      connectedAtMs: Date.now(),
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    await connections.putConnection(ghost);
    expect(
      await connections.subscribe({
        connectionId: ghost.connectionId,
        channel,
        grant: ghost.grant,
        lastSeq: 0,
        expiresAt: ghost.expiresAt,
      }),
    ).toBe('subscribed');
    expect((await connections.subscribers(channel)).map((s) => s.connectionId)).toContain('ghostGhost0=');
    await publishReview('sup_gone');
    await live.next((f) => f.type === 'event' && f.seq === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await connections.subscribers(channel)).map((s) => s.connectionId)).not.toContain('ghostGhost0=');
    expect(await connections.getConnection('ghostGhost0=')).toBeUndefined();
  });

  it('forgets a connection and its subscriptions on $disconnect', async () => {
    const channel = 'supplier:sup_bye:reviews';
    const client = await open(tokenFor({ kind: 'supplier', supplierId: 'sup_bye' }));
    await subscribed(client, channel);
    expect(await connections.subscribers(channel)).toHaveLength(1);
    client.socket.close();
    for (let i = 0; i < 100 && (await connections.subscribers(channel)).length > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await connections.subscribers(channel)).toHaveLength(0);
  });
});
