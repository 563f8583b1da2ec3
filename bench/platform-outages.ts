/**
 * Recovery after platform outages (issue 8: "< 5 s recovery from platform outages") through the
 * real local pipeline. Two outages run at once, on two platforms (one breaker each), so the bench
 * waits for the long one only:
 * - short (30 s): Trustpilot answers every request 503;
 * - long (5 min): Google times out (it takes the connection and never answers; our client gives
 *   up after its 10 s timeout).
 * While a platform is down, couples keep writing reviews there (a backlog at the start, then a few
 * every minute) and the schedule runs (at the start, then at its deployed period, 5 min), so syncs
 * are due: the syncs it starts wait behind the breaker and must carry the backlog in the end.
 * When its time is up the platform is healthy again, and the bench measures:
 * - recovery: from that moment to the first successful call to it (the audit trail's first `ok`
 *   call of that platform at or after it; the first request that reached the fake is shown too),
 *   against < 5 s for the short outage and one breaker cool-down for the long one;
 * - the drain: until every review on the platform is stored (nothing lost: stored = on the
 *   platform, and the Sync and Ingest dead-letter queues empty).
 * The clock (ADR 0022, "Bench run time" and its fifth round): the functions and the SQS emulator
 * read the local mode's scaled clock (local/local-clock.ts), and every time here is on it. It runs
 * in real time until every outage but the longest is over and its backlog drained, then
 * `clockScale` times faster while only the longest is down, and in real time again for exactly its
 * last REAL_TIME_BEFORE_END_MS (the return is scheduled for that moment when the fast stretch
 * starts): the long outage is 5 minutes for the breaker, the quota buckets, the schedule, the
 * arrivals, the SQS delays and the platform calls' timeouts, and every recovery and drain is
 * measured in real time. The short outage stays in real time throughout: on a fast clock its calls
 * while down fell from 18 to 8 (ADR 0022, fifth round).
 */
import { DynamoPlatformBreakerStore } from '../src/platforms/adapters/platform-breaker-store';
import { PLATFORM_BREAKER_CONFIG, platformBreakerId } from '../src/platforms/domain/platform-breaker';
import { tableDefinition } from '../src/catalog/tables';
import { SCHEDULE_PERIOD_MINUTES } from '../src/platforms/domain/sync-plan';
import { queueDepth } from '../local/inspect';
import type { FakeFault } from '../local/platform-fakes/fake-platform-server';
import { ANNOUNCE_LEAD_MS, type LocalClock } from '../local/local-clock';
import { apiCallsSince, type BenchConnection, type PlatformBench } from './platforms';
import { coolDownAfterOutageMs, firstAtOrAfter } from './support';

/** Reviews written on each location of a platform when it goes down, and then every minute. */
const BACKLOG_PER_LOCATION = 100;
const ARRIVALS_PER_LOCATION_PER_MINUTE = 5;
/** The schedule runs at its deployed period (the EventBridge rule's), as long as a platform is down. */
const SCHEDULE_EVERY_MS = SCHEDULE_PERIOD_MINUTES * 60_000;
/** A progress line this often (real time). */
const PROGRESS_EVERY_MS = 30_000;
/**
 * The clock runs in real time for this long before the longest outage ends (clock ms = real ms
 * then), so the platform comes back, recovers and drains with the clock in real time. Every party
 * reads the same clock through the change (dates, SQS delays and visibility timeouts, and the
 * platform calls' 10 s `AbortSignal.timeout`, whose deadline stays on the clock across a change
 * since the fifth round: local/warp-clock.cjs), so what is in flight when the platform comes back
 * is what a real-time run would have at the same clock times, but for the local pipeline's own
 * (unscaled) time per probe; the window puts the last probes' pipeline work in real time too.
 */
export const REAL_TIME_BEFORE_END_MS = 5_000;
/**
 * A fast stretch starts only while more than this (clock ms) is left before the nearest end: the
 * new rate applies ANNOUNCE_LEAD_MS (real, at 1x) after it is announced, and the stretch then runs
 * at least ANNOUNCE_LEAD_MS (real) before the return to real time, which is announced with it for
 * REAL_TIME_BEFORE_END_MS before that end. (Until the fifth round the return was decided by the
 * loop below once less than `5 s + scale x 2 s` was left, and applied a second later: about 15 s
 * of the long outage ran in real time instead of 5.)
 */
export const fastUntilBeforeEndMs = (clockScale: number): number =>
  REAL_TIME_BEFORE_END_MS + ANNOUNCE_LEAD_MS + clockScale * ANNOUNCE_LEAD_MS;

/** Clock ms at which the fast stretch returns to real time: REAL_TIME_BEFORE_END_MS before the outage ends. */
export const returnToRealTimeAt = (endMs: number): number => endMs - REAL_TIME_BEFORE_END_MS;
/** After the last platform is back, the backlog must be stored within this. */
const DRAIN_LIMIT_MS = 600_000;
/** The short outage's target (the issue's "< 5 s recovery"). */
export const SHORT_OUTAGE_TARGET_SECONDS = 5;

export interface OutagePlan {
  readonly label: 'short' | 'long';
  readonly platform: 'google' | 'trustpilot';
  readonly durationMs: number;
  readonly fault: FakeFault;
  readonly faultName: string;
}

export function outagePlans(shortSeconds: number, longSeconds: number): OutagePlan[] {
  return [
    {
      label: 'short',
      platform: 'trustpilot',
      durationMs: shortSeconds * 1000,
      fault: { kind: 'status', response: { status: 503, json: { message: 'Service Unavailable' } } },
      faultName: '503s',
    },
    {
      label: 'long',
      platform: 'google',
      durationMs: longSeconds * 1000,
      fault: { kind: 'hang', hangMs: 30_000 },
      faultName: 'timeouts',
    },
  ];
}

export interface OutageResult {
  readonly label: 'short' | 'long';
  readonly platform: string;
  readonly fault: string;
  readonly outageSeconds: number;
  /** Seconds from healthy again to the first successful call (audit trail); NaN if none. */
  readonly recoverySeconds: number;
  /** Seconds from healthy again to the first request reaching the platform. */
  readonly firstRequestSeconds: number;
  /** The cool-down the breaker applies when it (re)opens after an outage this long (its failures so far). */
  readonly coolDownSeconds: number;
  /** Recovery target: < 5 s for the short outage, one cool-down for the long one. */
  readonly targetSeconds: number;
  readonly breakerAtRecovery: string;
  /** Requests that reached the platform while it was down (the breaker lets only probes through). */
  readonly callsWhileDown: number;
  /** Seconds from healthy again until every review on the platform was stored; NaN if not within the limit. */
  readonly drainSeconds: number;
  readonly onPlatform: number;
  readonly stored: number;
  readonly lost: number;
}

interface Tracked {
  readonly plan: OutagePlan;
  readonly connections: readonly BenchConnection[];
  healthyAt?: number;
  /** Real epoch ms of `healthyAt`. */
  healthyAtReal?: number;
  breakerAtRecovery?: string;
  coolDownMs?: number;
  firstRequestAt?: number;
  drainedAt?: number;
  stored: number;
  callsWhileDown: number;
}

/** How the phase ran its clock (the functions' clock, local/local-clock.ts). */
export interface OutageClock {
  /** Clock ms per real ms while platforms were down and none was draining. */
  readonly scale: number;
  /** Seconds of the phase (on the clock) when it first ran faster, and when it last ran in real time again; NaN if it never did. */
  readonly scaledFromSeconds: number;
  readonly scaledToSeconds: number;
  /** Every fast stretch: from and to (seconds of the phase, on the clock). */
  readonly stretches: readonly { readonly fromSeconds: number; readonly toSeconds: number }[];
  /** Real seconds from the start of the outages until the last platform was healthy again. */
  readonly realSecondsToLastRecovery: number;
  readonly clockSecondsToLastRecovery: number;
}

export async function benchPlatformOutages(
  bench: PlatformBench,
  plans: readonly OutagePlan[],
  log: (line: string) => void,
  clockScale: number,
): Promise<{ outages: OutageResult[]; deadLetters: { sync: number; ingest: number }; clock: OutageClock }> {
  const { stack, platforms } = bench;
  const clock: LocalClock | undefined = stack.clock;
  if (!clock) throw new Error('platform outages: the local stack must run on the scaled clock (clockWarp)');
  if (clockScale < 1) throw new Error(`platform outages: clock scale ${clockScale} is below 1`);
  const now = () => clock.now();
  const breakers = new DynamoPlatformBreakerStore(
    bench.doc,
    stack.env[tableDefinition('PlatformBreakers').envVar]!,
  );
  const tracked: Tracked[] = plans.map((plan) => ({
    plan,
    connections: bench.connections.filter((c) => c.platform === plan.platform),
    stored: 0,
    callsWhileDown: 0,
  }));
  const logIndex = Object.fromEntries(
    plans.map((p) => [p.platform, platforms.server(p.platform).requests.length]),
  );
  const arrive = (item: Tracked, perLocation: number) => {
    for (const connection of item.connections) {
      for (const locationId of connection.locationIds)
        platforms.addReviews(item.plan.platform, locationId, perLocation);
    }
  };
  const elapsed = (since: number) => {
    const seconds = Math.floor((now() - since) / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  };

  log(
    `platform outages: ${plans.map((p) => `${p.platform} down ${p.durationMs / 1000} s (${p.faultName})`).join(' and ')}, at once; ` +
      `the clock runs ${clockScale}x while only the longest is down (real time for its last ` +
      `${REAL_TIME_BEFORE_END_MS / 1000} s, its recovery and drain)...`,
  );
  const start = now();
  const realStart = Date.now();
  const stretches: { from: number; to: number }[] = [];
  /** The clock ms (since start) the last fast stretch returns to real time at, until that is logged. */
  let returning: number | undefined;
  for (const item of tracked) {
    platforms.server(item.plan.platform).fault(item.plan.fault);
    arrive(item, BACKLOG_PER_LOCATION);
  }
  await bench.schedule.runOnce();
  let lastSchedule = start;
  let lastArrivals = start;
  let lastProgress = realStart;
  let lastStoreCheck = 0;
  const longest = Math.max(...plans.map((p) => p.durationMs));
  const deadline = start + longest + DRAIN_LIMIT_MS;

  while (now() < deadline && tracked.some((t) => t.drainedAt === undefined)) {
    // Faster while only the longest outage is down and the others are over and drained; real time
    // again (scheduled when the stretch starts) REAL_TIME_BEFORE_END_MS before it ends, so its
    // recovery and drain are measured in real time.
    const down = tracked.filter((t) => t.healthyAt === undefined);
    const draining = tracked.some((t) => t.healthyAt !== undefined && t.drainedAt === undefined);
    const nearestEnd = Math.min(...down.map((t) => start + t.plan.durationMs));
    const late = ({ lateMs }: { lateMs: number }) => {
      if (lateMs > 0) log(`platform outages: the clock's new rate reached a party ${lateMs} ms late`);
    };
    if (returning !== undefined && clock.rate() === 1) {
      log(
        `platform outages: ${elapsed(start)}: the clock runs in real time again (${REAL_TIME_BEFORE_END_MS / 1000} s before the outage ends)`,
      );
      returning = undefined;
    }
    if (
      clockScale > 1 &&
      clock.rate() === 1 &&
      down.length === 1 &&
      !draining &&
      nearestEnd - now() > fastUntilBeforeEndMs(clockScale)
    ) {
      // Both changes announced now: the fast rate ANNOUNCE_LEAD_MS ahead, the return for its moment.
      const fastAtReal = Date.now() + ANNOUNCE_LEAD_MS;
      late(await clock.scheduleRate(clockScale, fastAtReal));
      const back = await clock.scheduleRate(1, clock.realAt(returnToRealTimeAt(nearestEnd)));
      late(back);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, fastAtReal - Date.now() + 1)));
      // As scheduled (a later announcement than asked for would show here as a shorter real-time end).
      stretches.push({ from: clock.at(fastAtReal) - start, to: clock.at(back.fromRealMs) - start });
      returning = stretches.at(-1)!.to;
      log(
        `platform outages: ${elapsed(start)}: the clock runs ${clockScale}x from now until ${Math.round(returning / 1000)} s ` +
          `(${down[0]!.plan.platform} alone is down)`,
      );
    }
    const at = now();
    for (const item of tracked) {
      const server = platforms.server(item.plan.platform);
      if (item.healthyAt === undefined && at - start >= item.plan.durationMs) {
        // The breaker as it stands when the platform comes back, and the cool-down it applies.
        const state = (await breakers.get(platformBreakerId(item.plan.platform)))?.state;
        server.clearFaults();
        item.healthyAt = now();
        item.healthyAtReal = Date.now();
        item.callsWhileDown = apiCallsSince(server, logIndex[item.plan.platform]!);
        const failingFor = state?.failingSinceMs === undefined ? 0 : item.healthyAt - state.failingSinceMs;
        item.coolDownMs = coolDownAfterOutageMs(PLATFORM_BREAKER_CONFIG, failingFor);
        item.breakerAtRecovery = state?.status ?? 'closed';
        log(
          `platform outages: ${item.plan.platform} healthy again after ${elapsed(start)} (breaker ${item.breakerAtRecovery}, ` +
            `${item.callsWhileDown} calls reached it while down, cool-down now ${(item.coolDownMs / 1000).toFixed(1)} s)`,
        );
      }
      if (item.healthyAt !== undefined && item.firstRequestAt === undefined) {
        // The fakes stamp requests with this process's real time.
        const times = server.requests.slice(logIndex[item.plan.platform]).map((r) => clock.at(r.at));
        item.firstRequestAt = firstAtOrAfter(times, item.healthyAt);
        if (item.firstRequestAt !== undefined) {
          log(
            `platform outages: first request reached ${item.plan.platform} ${((item.firstRequestAt - item.healthyAt) / 1000).toFixed(2)} s after it was healthy`,
          );
        }
      }
    }
    if (Date.now() - lastStoreCheck >= 1000) {
      lastStoreCheck = Date.now();
      for (const item of tracked) {
        if (item.healthyAt === undefined || item.drainedAt !== undefined) continue;
        item.stored = (await Promise.all(item.connections.map((c) => bench.stored(c)))).reduce(
          (a, b) => a + b,
          0,
        );
        const onPlatform = item.connections.reduce((sum, c) => sum + bench.expected(c), 0);
        if (item.stored >= onPlatform) {
          item.drainedAt = now();
          log(
            `platform outages: ${item.plan.platform} backlog drained ${((item.drainedAt - item.healthyAt) / 1000).toFixed(1)} s after it was healthy (${item.stored} stored)`,
          );
        }
      }
    }
    if (at - lastArrivals >= 60_000) {
      lastArrivals = at;
      for (const item of tracked)
        if (item.healthyAt === undefined) arrive(item, ARRIVALS_PER_LOCATION_PER_MINUTE);
    }
    if (at - lastSchedule >= SCHEDULE_EVERY_MS && tracked.some((t) => t.healthyAt === undefined)) {
      lastSchedule = at;
      await bench.schedule.runOnce();
    }
    if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      const states = await Promise.all(
        tracked.map(async (item) => {
          const { platform, durationMs } = item.plan;
          if (item.healthyAt === undefined) {
            const breaker = (await breakers.get(platformBreakerId(platform)))?.state.status ?? 'closed';
            const calls = apiCallsSince(platforms.server(platform), logIndex[platform]!);
            return `${platform} down ${elapsed(start)} of ${durationMs / 1000} s (breaker ${breaker}, ${calls} calls reached it)`;
          }
          if (item.drainedAt !== undefined) return `${platform} back and drained`;
          const onPlatform = item.connections.reduce((sum, c) => sum + bench.expected(c), 0);
          const stored = (await Promise.all(item.connections.map((c) => bench.stored(c)))).reduce(
            (a, b) => a + b,
            0,
          );
          return `${platform} back, draining: ${stored} / ${onPlatform} stored`;
        }),
      );
      const depth = await queueDepth(stack.sqsClient, stack.queues.Sync.url);
      const pace = clock.rate() === 1 ? '' : ` (clock ${clock.rate()}x)`;
      log(`platform outages: ${elapsed(start)}${pace}: ${states.join('; ')}; Sync queue ${depth} messages`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  if (clock.rate() !== 1) await clock.setRate(1);
  const inSeconds = (ms: number) => round(ms / 1000);
  const outages: OutageResult[] = [];
  for (const item of tracked) {
    const healthyAt = item.healthyAt ?? Number.NaN;
    const firstOk = await firstSuccessfulCall(stack.apiUrl, item.plan.platform, item.connections, healthyAt);
    const onPlatform = item.connections.reduce((sum, c) => sum + bench.expected(c), 0);
    item.stored = (await Promise.all(item.connections.map((c) => bench.stored(c)))).reduce(
      (a, b) => a + b,
      0,
    );
    const seconds = (at: number | undefined) =>
      at === undefined ? Number.NaN : round((at - healthyAt) / 1000, 2);
    const coolDownSeconds = round((item.coolDownMs ?? Number.NaN) / 1000, 2);
    outages.push({
      label: item.plan.label,
      platform: item.plan.platform,
      fault: item.plan.faultName,
      // As it happened (the loop's reads may hold it back a little past the plan).
      outageSeconds: round((healthyAt - start) / 1000),
      recoverySeconds: seconds(firstOk),
      firstRequestSeconds: seconds(item.firstRequestAt),
      coolDownSeconds,
      targetSeconds: item.plan.label === 'short' ? SHORT_OUTAGE_TARGET_SECONDS : coolDownSeconds,
      breakerAtRecovery: item.breakerAtRecovery ?? 'n/a',
      callsWhileDown: item.callsWhileDown,
      drainSeconds: seconds(item.drainedAt),
      onPlatform,
      stored: item.stored,
      lost: onPlatform - item.stored,
    });
  }
  const deadLetters = {
    sync: await queueDepth(stack.sqsClient, stack.queues.Sync.dlqUrl),
    ingest: await queueDepth(stack.sqsClient, stack.queues.Ingest.dlqUrl),
  };
  const lastRecovery = Math.max(...tracked.map((t) => t.healthyAt ?? Number.NaN));
  const lastRecoveryReal = Math.max(...tracked.map((t) => t.healthyAtReal ?? Number.NaN));
  const phaseClock: OutageClock = {
    scale: clockScale,
    scaledFromSeconds: stretches.length === 0 ? Number.NaN : inSeconds(stretches[0]!.from),
    scaledToSeconds: stretches.length === 0 ? Number.NaN : inSeconds(stretches.at(-1)!.to),
    stretches: stretches.map((s) => ({ fromSeconds: inSeconds(s.from), toSeconds: inSeconds(s.to) })),
    realSecondsToLastRecovery: round((lastRecoveryReal - realStart) / 1000),
    clockSecondsToLastRecovery: round((lastRecovery - start) / 1000),
  };
  log(
    `platform outages: the outages lasted ${phaseClock.clockSecondsToLastRecovery} s on the functions' clock, ` +
      `${phaseClock.realSecondsToLastRecovery} s in real time (${clockScale}x ${describeStretches(phaseClock)})`,
  );
  return { outages, deadLetters, clock: phaseClock };
}

/** The earliest `ok` platform call in the suppliers' audit trails at or after `fromMs` (read through the API). */
async function firstSuccessfulCall(
  apiUrl: string,
  platform: string,
  connections: readonly BenchConnection[],
  fromMs: number,
): Promise<number | undefined> {
  if (!Number.isFinite(fromMs)) return undefined;
  const times: number[] = [];
  for (const connection of connections) {
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({
        platform,
        outcome: 'ok',
        from: new Date(fromMs).toISOString(),
        limit: '100',
        ...(cursor ? { cursor } : {}),
      });
      const response = await fetch(`${apiUrl}/v1/audit?${query.toString()}`, {
        headers: { authorization: `Bearer ${connection.apiKey}` },
      });
      if (response.status !== 200) throw new Error(`GET /v1/audit answered ${response.status}`);
      const page = (await response.json()) as { items: { kind: string; at: string }[]; nextCursor?: string };
      for (const entry of page.items) if (entry.kind === 'call') times.push(Date.parse(entry.at));
      cursor = page.nextCursor;
    } while (cursor);
  }
  return firstAtOrAfter(times, fromMs);
}

/** "from 1 s to 25 s and from 38.2 s to 295 s" (clock seconds of the phase), or "never". */
export function describeStretches(clock: Pick<OutageClock, 'stretches'>): string {
  if (clock.stretches.length === 0) return 'never';
  return clock.stretches.map((s) => `from ${s.fromSeconds} s to ${s.toSeconds} s`).join(' and ');
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
