/**
 * The WebSocket clients of the bench's `realtime` phase, in a child process of their own (forked by
 * bench/realtime.ts): thousands of client sockets would otherwise share the server's event loop
 * and file-descriptor limit. Driven over the IPC channel:
 * - `open`: opens `plan.length` connections (at most `concurrency` handshakes at once), each to its
 *   URL, and subscribes it to its channel (when given) until the `subscribed` answer; answers `opened`.
 * - `collect`: waits until every connection of the group holds `lastSeq` of its channel (or the
 *   deadline), then answers what each received: receive times per seq, and what was wrong.
 * - `close`: closes the group's sockets and answers `closed` once every one is closed.
 * Loopback only: the parent passes 127.0.0.1 URLs.
 */
import { WebSocket } from 'ws';

export interface PlannedConnection {
  readonly url: string;
  /** The channel whose events it counts. */
  readonly channel: string;
  /** Send `subscribe` after opening and wait for `subscribed` (the real-time API; not the bare server). */
  readonly subscribe: boolean;
}

export type ParentMessage =
  | {
      readonly kind: 'open';
      readonly group: string;
      readonly plan: readonly PlannedConnection[];
      readonly concurrency: number;
      readonly deadlineMs: number;
    }
  | {
      readonly kind: 'collect';
      readonly group: string;
      /** The channel whose events are counted (frames on any other channel are strays). */
      readonly channel: string;
      readonly firstSeq: number;
      readonly lastSeq: number;
      readonly deadlineMs: number;
    }
  | { readonly kind: 'close'; readonly group: string };

export interface OpenedReport {
  readonly kind: 'opened';
  readonly opened: number;
  readonly subscribed: number;
  readonly failed: number;
  /** A few failure reasons (status codes, errors), for the log. */
  readonly failures: readonly string[];
  readonly seconds: number;
  readonly rssBytes: number;
}

export interface CollectedReport {
  readonly kind: 'collected';
  /** Connections of the group subscribed to the channel, and how many are still open. */
  readonly subscribers: number;
  readonly open: number;
  /** Per seq (firstSeq..lastSeq), the epoch ms (fractional) at which each subscriber received it. */
  readonly receivedAt: readonly (readonly number[])[];
  /** Subscribers that received exactly firstSeq..lastSeq, each once, in order. */
  readonly exactlyOnceInOrder: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly missing: number;
  /** Event frames received on a connection not subscribed to the channel (another tenant's). */
  readonly strays: number;
  readonly rssBytes: number;
}

export type ChildMessage =
  | OpenedReport
  | CollectedReport
  | { readonly kind: 'closed' }
  | { readonly kind: 'progress'; readonly opened: number };

interface Client {
  readonly socket: WebSocket;
  readonly channel: string;
  /** Event frames: seq and receive time, per channel. */
  readonly received: Map<string, { seqs: number[]; times: number[] }>;
}

const groups = new Map<string, Client[]>();
const now = () => performance.timeOrigin + performance.now();
const send = (message: ChildMessage) => process.send?.(message);

function connectOne(planned: PlannedConnection, deadline: number): Promise<Client | string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(planned.url, { perMessageDeflate: false, handshakeTimeout: 30_000 });
    const client: Client = { socket, channel: planned.channel, received: new Map() };
    let settled = false;
    const settle = (outcome: Client | string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (typeof outcome === 'string') socket.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle('timed out'), Math.max(1, deadline - Date.now()));
    socket.on('unexpected-response', (_request, response) => settle(`HTTP ${response.statusCode}`));
    socket.on('error', (error) => settle(error.message));
    socket.on('open', () => {
      if (!planned.subscribe) return settle(client);
      socket.send(JSON.stringify({ action: 'subscribe', channel: planned.channel }));
    });
    socket.on('message', (data) => {
      const at = now();
      const frame = JSON.parse(data.toString()) as {
        type?: string;
        channel?: string;
        seq?: number;
        code?: string;
      };
      if (frame.type === 'subscribed') return settle(client);
      if (frame.type === 'error') return settle(`error frame ${frame.code}`);
      if (frame.type !== 'event' || typeof frame.channel !== 'string' || typeof frame.seq !== 'number')
        return;
      const list = client.received.get(frame.channel) ?? { seqs: [], times: [] };
      list.seqs.push(frame.seq);
      list.times.push(at);
      client.received.set(frame.channel, list);
    });
  });
}

async function open(message: Extract<ParentMessage, { kind: 'open' }>): Promise<OpenedReport> {
  const started = now();
  const deadline = Date.now() + message.deadlineMs;
  const clients: Client[] = [];
  groups.set(message.group, clients);
  const failures: string[] = [];
  let failed = 0;
  let next = 0;
  let lastProgress = Date.now();
  await Promise.all(
    Array.from({ length: message.concurrency }, async () => {
      while (next < message.plan.length && Date.now() < deadline) {
        const planned = message.plan[next++]!;
        const outcome = await connectOne(planned, deadline);
        if (typeof outcome === 'string') {
          failed += 1;
          if (failures.length < 5) failures.push(outcome);
        } else {
          clients.push(outcome);
        }
        if (Date.now() - lastProgress > 5_000) {
          lastProgress = Date.now();
          send({ kind: 'progress', opened: clients.length });
        }
      }
    }),
  );
  return {
    kind: 'opened',
    opened: clients.length,
    subscribed: message.plan.some((p) => p.subscribe) ? clients.length : 0,
    failed,
    failures,
    seconds: (now() - started) / 1000,
    rssBytes: process.memoryUsage().rss,
  };
}

async function collect(message: Extract<ParentMessage, { kind: 'collect' }>): Promise<CollectedReport> {
  const clients = groups.get(message.group) ?? [];
  const subscribers = clients.filter((c) => c.channel === message.channel);
  const deadline = Date.now() + message.deadlineMs;
  const done = (c: Client) => (c.received.get(message.channel)?.seqs ?? []).includes(message.lastSeq);
  while (Date.now() < deadline && !subscribers.every(done)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const count = message.lastSeq - message.firstSeq + 1;
  const receivedAt: number[][] = Array.from({ length: count }, () => []);
  let exactlyOnceInOrder = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let missing = 0;
  for (const client of subscribers) {
    const { seqs, times } = client.received.get(message.channel) ?? { seqs: [], times: [] };
    const seen = new Set<number>();
    let ordered = true;
    seqs.forEach((seq, i) => {
      if (seen.has(seq)) duplicates += 1;
      else if (seq >= message.firstSeq && seq <= message.lastSeq)
        receivedAt[seq - message.firstSeq]!.push(times[i]!);
      seen.add(seq);
      if (i > 0 && seq <= seqs[i - 1]!) ordered = false;
    });
    if (!ordered) outOfOrder += 1;
    let complete = true;
    for (let seq = message.firstSeq; seq <= message.lastSeq; seq += 1) {
      if (!seen.has(seq)) {
        missing += 1;
        complete = false;
      }
    }
    if (complete && ordered && seqs.length === count) exactlyOnceInOrder += 1;
  }
  let strays = 0;
  for (const client of clients) {
    for (const [channel, list] of client.received) {
      if (client.channel !== channel) strays += list.seqs.length;
    }
  }
  return {
    kind: 'collected',
    subscribers: subscribers.length,
    open: clients.filter((c) => c.socket.readyState === WebSocket.OPEN).length,
    receivedAt,
    exactlyOnceInOrder,
    duplicates,
    outOfOrder,
    missing,
    strays,
    rssBytes: process.memoryUsage().rss,
  };
}

async function close(group: string): Promise<void> {
  const clients = groups.get(group) ?? [];
  groups.delete(group);
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.socket.readyState === WebSocket.CLOSED) return resolve();
          c.socket.once('close', () => resolve());
          c.socket.close(1000, 'bench done');
          // A server that does not answer the close handshake in time: drop the socket.
          setTimeout(() => c.socket.terminate(), 10_000).unref();
        }),
    ),
  );
}

process.on('message', (message: ParentMessage) => {
  const work =
    message.kind === 'open'
      ? open(message)
      : message.kind === 'collect'
        ? collect(message)
        : close(message.group).then((): ChildMessage => ({ kind: 'closed' }));
  work.then(send, (error: unknown) => {
    console.error('[bench realtime clients]', error);
    process.exit(1);
  });
});
// The parent went away (bench interrupted): do not linger with thousands of sockets.
process.on('disconnect', () => process.exit(0));
