/**
 * The bench's `realtime` phase (issue 14): concurrent WebSocket connections held against the local
 * WebSocket API (local/realtime-server.ts on the RealtimeSocket function, the same handlers
 * `npm start` serves), each authenticated with a token from `POST /v1/realtime/tokens` and
 * subscribed to its supplier's channel (`subscribersPerChannel` per channel). Then `events` events
 * are stored in one channel's log, as the event fan-out records them, and travel the deployed path:
 * the log's stream (local poller) -> RealtimeFanout -> the management API -> each subscriber.
 * Measured: connections held, connect rate (open + subscribed per second), p50/p99 from event stored
 * to message received, every event received once and in order by every subscriber, no event on any
 * other tenant's connection, memory; and the same messages through a bare `ws` broadcast to as many
 * clients in the same run (the baseline of the ratio).
 * The clients run in a child process (bench/realtime-clients.ts) with their own descriptor limit.
 * The hot channel's subscribers are opened first; events are stored only once the WebSocket API has
 * no handler call in flight (every handshake and subscribe finished), so the latency is the
 * fan-out's alone.
 * Bounded: the opening has a deadline (what opened by then is measured), so have the wait for the
 * handler calls left in flight (the events are stored anyway, and the calls still running are
 * reported) and the deliveries: with the defaults the phase ends within about 4 minutes, whatever
 * the machine's load (its own duration is reported).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WebSocketServer } from 'ws';
import { createSupplierWithKey } from '../src/access/use-cases/create-supplier';
import { tableDefinition } from '../src/catalog/tables';
import { DynamoChannelLog } from '../src/realtime/adapters/dynamo-channel-log';
import { DynamoTenantStore } from '../src/reviews/adapters/dynamo-records';
import type { LocalStack } from '../local/stack';
import type {
  ChildMessage,
  CollectedReport,
  OpenedReport,
  ParentMessage,
  PlannedConnection,
} from './realtime-clients';
import { percentile } from './support';

export interface RealtimeBenchOptions {
  /** Connections held at once (the issue: 10,000 per region). */
  readonly connections: number;
  /** Subscribers of each supplier channel; the events go to one of them (the issue: 1,000). */
  readonly subscribersPerChannel: number;
  readonly events: number;
  /** Time allowed to open and subscribe every connection; what is open by then is measured. */
  readonly openDeadlineMs: number;
  readonly log: (line: string) => void;
}

export interface RealtimeBenchResult {
  readonly skipped?: string;
  readonly connectionsPlanned?: number;
  readonly connectionsHeld?: number;
  readonly connectFailures?: number;
  readonly connectSeconds?: number;
  readonly connectsPerSecond?: number;
  /** Subscribers of the hot channel (the events' channel). */
  readonly subscribers?: number;
  /**
   * RealtimeSocket calls in flight when the opening ended, how long until none was (events wait for
   * it, at most SETTLE_DEADLINE_MS), and how many still were when the events were stored.
   */
  readonly handshakeSettle?: {
    readonly inFlightAtOpen: number;
    readonly seconds: number;
    readonly inFlightAtEvents: number;
  };
  /** The whole phase, from creating its suppliers to the end of the bare broadcast. */
  readonly phaseSeconds?: number;
  readonly events?: number;
  readonly latencyMs?: { p50: number; p99: number; max: number };
  readonly bareLatencyMs?: { p50: number; p99: number; max: number };
  readonly latencyRatio?: { p50: number; p99: number };
  readonly exactlyOnceInOrder?: number;
  readonly duplicates?: number;
  readonly missing?: number;
  readonly outOfOrder?: number;
  readonly strays?: number;
  readonly memory?: {
    /** This process (the local WebSocket server, gateway and function threads): before opening, while holding. */
    readonly serverRssBeforeMb: number;
    readonly serverRssMb: number;
    readonly serverHeapUsedMb: number;
    readonly clientsRssMb: number;
  };
}

/** Descriptors the server process needs beyond one per connection (emulator sockets, files, threads). */
const FD_HEADROOM = 1024;
/**
 * Handshakes (each then its subscribe) in flight at once. Twice the local RealtimeSocket function's
 * environments (16): 100 at a time queued dozens of invocations behind those 16, whose waits counted
 * against their 10 s timeout; at 10,000 connections 102 of them failed (HTTP 500 or timed out) and the
 * rate fell to 12/s. API Gateway would run them all at once; locally more in flight only adds waiting.
 */
const CONNECT_CONCURRENCY = 32;
/** Events are stored this far apart (a steady stream rather than one batch). */
const EVENT_SPACING_MS = 100;
/** How long the subscribers may take to receive every event; what has not arrived by then counts as missing. */
const DELIVERY_DEADLINE_MS = 60_000;
/** How long the handler calls still in flight after the opening may take to finish (then the events go anyway). */
const SETTLE_DEADLINE_MS = 30_000;

const now = () => performance.timeOrigin + performance.now();
const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;
const round = (value: number) => Math.round(value * 10) / 10;

/** `ulimit -n` (soft) and `ulimit -Hn` of this process, read from a shell it starts (which inherits them). */
export function descriptorLimits(): { soft: number; hard: number } {
  const read = (flag: string) => {
    const out = spawnSync('sh', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).stdout.trim();
    return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
  };
  return { soft: read('-n'), hard: read('-Hn') };
}

export async function benchRealtime(
  stack: LocalStack,
  options: RealtimeBenchOptions,
): Promise<RealtimeBenchResult> {
  const { log } = options;
  const needed = options.connections + FD_HEADROOM;
  const limits = descriptorLimits();
  if (!(limits.soft >= needed)) {
    const message =
      `ulimit -n is ${limits.soft} (hard ${limits.hard}): holding ${options.connections} connections needs at least ` +
      `${needed} descriptors in this process (one per server socket, plus ${FD_HEADROOM}). Raise it in the shell ` +
      `before the bench (\`ulimit -n ${needed}\`, up to the hard limit; above it, /etc/security/limits.conf), ` +
      `or pass --connections=${Math.max(100, limits.soft - FD_HEADROOM)}.`;
    log(`realtime: skipped. ${message}`);
    return { skipped: message };
  }
  // The client process also holds the bare baseline's sockets (one channel's subscribers) while the
  // product's connections are still open: at 10,000 it ran out of descriptors (EMFILE) there.
  const clients = startClients(Math.min(limits.hard, needed + options.subscribersPerChannel));
  try {
    const result = await run(stack, options, clients);
    // The connections stay open until the stack stops (which drops them without $disconnect calls,
    // minutes of handler work at 10,000); the client process exits once this one does.
    clients.detach();
    return result;
  } catch (error) {
    clients.stop();
    throw error;
  }
}

async function run(
  stack: LocalStack,
  options: RealtimeBenchOptions,
  clients: Clients,
): Promise<RealtimeBenchResult> {
  const { log } = options;
  const phaseStarted = now();
  const doc = DynamoDBDocumentClient.from(stack.dynamoClient, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const tenants = new DynamoTenantStore(doc, stack.env[tableDefinition('Tenants').envVar]!);
  const channelLog = new DynamoChannelLog(doc, stack.env[tableDefinition('RealtimeLog').envVar]!);

  // 1. One supplier per channel, each with a connection token from the API (a token opens any
  //    number of connections within its 5 minutes).
  const channelCount = Math.max(1, Math.ceil(options.connections / options.subscribersPerChannel));
  const suppliers = await Promise.all(
    Array.from({ length: channelCount }, (_, i) =>
      createSupplierWithKey(tenants, { name: `Realtime bench ${i}` }),
    ),
  );
  const tokens = await Promise.all(
    suppliers.map(async (s) => {
      const response = await fetch(`${stack.apiUrl}/v1/realtime/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const body = (await response.json()) as { token?: string; channels?: string[] };
      if (response.status !== 201 || !body.token || !body.channels?.[0]) {
        throw new Error(`POST /v1/realtime/tokens answered ${response.status}: ${JSON.stringify(body)}`);
      }
      return { token: body.token, channel: body.channels[0] };
    }),
  );
  const hot = tokens[0]!.channel;
  // The hot channel's subscribers open first, so the fan-out is measured with all of them even
  // when the opening deadline comes before every other connection is open.
  const plan: PlannedConnection[] = Array.from({ length: options.connections }, (_, i) => {
    const { token, channel } = tokens[Math.floor(i / options.subscribersPerChannel) % channelCount]!;
    return { url: `${stack.realtimeUrl}/?token=${encodeURIComponent(token)}`, channel, subscribe: true };
  });

  // 2. Open and subscribe every connection, then hold them.
  const before = process.memoryUsage();
  log(
    `realtime: opening ${options.connections} WebSocket connections (${channelCount} channels, ` +
      `${CONNECT_CONCURRENCY} handshakes at a time, deadline ${options.openDeadlineMs / 1000} s)...`,
  );
  const opened = await clients.ask<OpenedReport>({
    kind: 'open',
    group: 'realtime',
    plan,
    concurrency: CONNECT_CONCURRENCY,
    deadlineMs: options.openDeadlineMs,
  });
  const held = process.memoryUsage();
  log(
    `realtime: ${opened.opened} open and subscribed in ${round(opened.seconds)} s ` +
      `(${round(opened.opened / opened.seconds)}/s), ${opened.failed} failed${opened.failures.length ? ` (${opened.failures.join('; ')})` : ''}`,
  );

  // 3. Wait until the WebSocket API is idle: handshakes and subscribes still running (those the
  //    deadline cut off, and the invocations whose `subscribed` answer is already out) would
  //    otherwise share the machine with the fan-out and be measured as its latency.
  const settleStarted = now();
  const inFlightAtOpen = stack.realtimeHandlersInFlight();
  for (let quiet = 0; quiet < 3 && now() - settleStarted < SETTLE_DEADLINE_MS;) {
    quiet = stack.realtimeHandlersInFlight() === 0 ? quiet + 1 : 0;
    await sleep(100);
  }
  const settleSeconds = round((now() - settleStarted) / 1000);
  const inFlightAtEvents = stack.realtimeHandlersInFlight();
  log(
    `realtime: ${inFlightAtOpen} handler calls were in flight after the opening; ` +
      (inFlightAtEvents === 0
        ? `idle after ${settleSeconds} s`
        : `${inFlightAtEvents} still were after ${settleSeconds} s (the events go anyway)`),
  );

  // 4. Store the events in the hot channel's log, as the event fan-out records them.
  const firstSeq = (await channelLog.head(hot)) + 1;
  const storedAt = new Map<number, number>();
  const bodies: string[] = [];
  log(`realtime: storing ${options.events} events in ${hot} (${EVENT_SPACING_MS} ms apart)...`);
  for (let i = 0; i < options.events; i += 1) {
    const eventId = randomUUID();
    const body = envelope(eventId, suppliers[0]!.supplierId, i);
    bodies.push(body);
    const { seq } = await channelLog.append({
      channel: hot,
      eventId,
      type: 'review.received',
      body,
      recordedAtMs: Date.now(),
    });
    storedAt.set(seq, now());
    await sleep(EVENT_SPACING_MS);
  }
  const lastSeq = firstSeq + options.events - 1;
  const collected = await clients.ask<CollectedReport>({
    kind: 'collect',
    group: 'realtime',
    channel: hot,
    firstSeq,
    lastSeq,
    deadlineMs: DELIVERY_DEADLINE_MS,
  });
  const latencies = collected.receivedAt.flatMap((times, i) =>
    times.map((t) => t - storedAt.get(firstSeq + i)!),
  );
  log(
    `realtime: ${collected.exactlyOnceInOrder}/${collected.subscribers} subscribers got every event once in order ` +
      `(${collected.missing} missing, ${collected.duplicates} duplicates, ${collected.strays} on other tenants' connections)`,
  );

  // 5. The baseline: the same messages broadcast by a bare `ws` server to as many clients.
  const bare = await bareBroadcast(clients, collected.subscribers, bodies, hot);

  const stats = (values: readonly number[]) => ({
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
  });
  const latencyMs = stats(latencies);
  const bareLatencyMs = stats(bare);
  return {
    connectionsPlanned: options.connections,
    connectionsHeld: collected.open,
    connectFailures: opened.failed,
    connectSeconds: round(opened.seconds),
    connectsPerSecond: round(opened.opened / opened.seconds),
    subscribers: collected.subscribers,
    handshakeSettle: { inFlightAtOpen, seconds: settleSeconds, inFlightAtEvents },
    phaseSeconds: round((now() - phaseStarted) / 1000),
    events: options.events,
    latencyMs,
    bareLatencyMs,
    latencyRatio: {
      p50: round(latencyMs.p50 / Math.max(bareLatencyMs.p50, 0.1)),
      p99: round(latencyMs.p99 / Math.max(bareLatencyMs.p99, 0.1)),
    },
    exactlyOnceInOrder: collected.exactlyOnceInOrder,
    duplicates: collected.duplicates,
    missing: collected.missing,
    outOfOrder: collected.outOfOrder,
    strays: collected.strays,
    memory: {
      // Not divided per connection: the difference is within GC noise at these counts (it came out negative).
      serverRssBeforeMb: mb(before.rss),
      serverRssMb: mb(held.rss),
      serverHeapUsedMb: mb(held.heapUsed),
      clientsRssMb: mb(collected.rssBytes),
    },
  };
}

/** The same frames, same spacing, through a plain `ws` server to `count` clients: p50/p99 of each receipt. */
async function bareBroadcast(
  clients: Clients,
  count: number,
  bodies: readonly string[],
  channel: string,
): Promise<number[]> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  try {
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await clients.ask({
      kind: 'open',
      group: 'bare',
      plan: Array.from({ length: count }, () => ({ url, channel, subscribe: false })),
      concurrency: CONNECT_CONCURRENCY,
      deadlineMs: 30_000,
    });
    const sentAt: number[] = [];
    for (const [i, body] of bodies.entries()) {
      const frame = `{"type":"event","channel":${JSON.stringify(channel)},"seq":${i + 1},"event":${body}}`;
      sentAt.push(now());
      for (const socket of server.clients) socket.send(frame);
      await sleep(EVENT_SPACING_MS);
    }
    const collected = await clients.ask<CollectedReport>({
      kind: 'collect',
      group: 'bare',
      channel,
      firstSeq: 1,
      lastSeq: bodies.length,
      deadlineMs: DELIVERY_DEADLINE_MS,
    });
    return collected.receivedAt.flatMap((times, i) => times.map((t) => t - sentAt[i]!));
  } finally {
    await clients.ask({ kind: 'close', group: 'bare' });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function envelope(eventId: string, supplierId: string, i: number): string {
  return JSON.stringify({
    specversion: '1.0',
    id: eventId,
    source: 'wedsync/bench',
    type: 'review.received',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: {
      supplierId,
      reviewId: randomUUID(),
      platform: 'google',
      rating: 5,
      title: 'Worth every penny',
      body: `The flowers were stunning and the team arrived early and set up quietly. Bench event ${i}.`,
      reviewerName: `Couple ${i}`,
    },
  });
}

interface Clients {
  ask<T extends ChildMessage>(message: ParentMessage): Promise<T>;
  stop(): void;
  /** Lets this process exit with the client process still running (it exits when this one does). */
  detach(): void;
}

/** The client process, with its own descriptor limit raised to what it needs (within the hard limit). */
function startClients(descriptors: number): Clients {
  const script = join(__dirname, 'realtime-clients.ts');
  const child: ChildProcess = spawn(
    'sh',
    ['-c', `ulimit -n ${descriptors} && exec "$0" --import tsx "$1"`, process.execPath, script],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const waiting: ((message: ChildMessage) => void)[] = [];
  child.on('message', (message: ChildMessage) => {
    if (message.kind === 'progress') return console.log(`[bench] realtime: ${message.opened} open...`);
    waiting.shift()?.(message);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the bench's WebSocket client process exited (${code})`))),
  );
  exited.catch(() => undefined);
  return {
    ask: <T extends ChildMessage>(message: ParentMessage) =>
      Promise.race([
        new Promise<T>((resolve) => {
          waiting.push(resolve as (m: ChildMessage) => void);
          child.send(message);
        }),
        exited,
      ]),
    stop: () => {
      child.kill();
    },
    detach: () => {
      child.removeAllListeners('exit');
      child.unref();
      child.channel?.unref();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The phase's options: `--connections=`, `--subscribers=` (per channel), `--events=`, `--open-deadline-s=` (or BENCH_REALTIME_*). */
export function realtimeOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): RealtimeBenchOptions {
  const option = (name: string, envName: string, fallback: number) => {
    const raw = argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? env[envName];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a positive integer (got ${raw})`);
    return value;
  };
  return {
    connections: option('connections', 'BENCH_REALTIME_CONNECTIONS', 10_000),
    subscribersPerChannel: option('subscribers', 'BENCH_REALTIME_SUBSCRIBERS', 1_000),
    events: option('events', 'BENCH_REALTIME_EVENTS', 5),
    openDeadlineMs: option('open-deadline-s', 'BENCH_REALTIME_OPEN_DEADLINE_S', 120) * 1000,
    log,
  };
}

/** Issue 14's targets: connections held per region, subscribers of one channel. */
export const ISSUE_CONNECTIONS = 10_000;
export const ISSUE_SUBSCRIBERS = 1_000;

/**
 * The phase's table rows: measure, value, target, gap. The targets are the issue's whatever the
 * run's options (a smaller run shows how far it is from them, never a smaller target).
 */
export function realtimeRows(r: RealtimeBenchResult): string[][] {
  if (r.skipped) return [['realtime phase skipped', r.skipped, '', '']];
  const met = (ok: boolean, miss: string) => (ok ? 'met' : miss);
  const planned = r.connectionsPlanned ?? 0;
  const held = r.connectionsHeld ?? 0;
  const subscribers = r.subscribers ?? 0;
  const once = r.exactlyOnceInOrder ?? 0;
  const target = Math.max(planned, ISSUE_CONNECTIONS);
  const subscriberTarget = Math.max(subscribers, ISSUE_SUBSCRIBERS);
  return [
    [
      'connections held (open + subscribed)',
      `${held} / ${planned} planned`,
      `${target}`,
      met(held >= target, `missed by ${target - held}`),
    ],
    [
      'connect rate (open + subscribed / s)',
      `${r.connectsPerSecond} (${r.connectSeconds} s, ${r.connectFailures} failed)`,
      '',
      '',
    ],
    [
      'handshakes in flight after the opening; waited (s); still in flight at the events',
      `${r.handshakeSettle?.inFlightAtOpen}; ${r.handshakeSettle?.seconds}; ${r.handshakeSettle?.inFlightAtEvents}`,
      '0 at the events',
      met(r.handshakeSettle?.inFlightAtEvents === 0, 'the latency includes them'),
    ],
    [
      `subscribers with every event once, in order (${r.events} events)`,
      `${once} / ${subscribers}`,
      `${subscriberTarget}`,
      met(once === subscriberTarget, `missed by ${subscriberTarget - once}`),
    ],
    [
      `missing after ${DELIVERY_DEADLINE_MS / 1000} s / duplicated / out of order`,
      `${r.missing} / ${r.duplicates} / ${r.outOfOrder}`,
      '0 / 0 / 0',
      '',
    ],
    [
      "events on other tenants' connections",
      `${r.strays}`,
      '0',
      met(r.strays === 0, `missed by ${r.strays}`),
    ],
    [
      'stored -> received p50 / p99 / max ms',
      `${r.latencyMs?.p50} / ${r.latencyMs?.p99} / ${r.latencyMs?.max}`,
      '',
      '',
    ],
    [
      'bare ws broadcast p50 / p99 / max ms',
      `${r.bareLatencyMs?.p50} / ${r.bareLatencyMs?.p99} / ${r.bareLatencyMs?.max}`,
      '',
      '',
    ],
    ['ratio to bare p50 / p99', `${r.latencyRatio?.p50} / ${r.latencyRatio?.p99}`, '', ''],
    ['phase duration (s)', `${r.phaseSeconds}`, '', ''],
    [
      'memory: server RSS MB before / holding; clients RSS MB',
      `${r.memory?.serverRssBeforeMb} / ${r.memory?.serverRssMb}; ${r.memory?.clientsRssMb}`,
      '',
      '',
    ],
  ];
}
