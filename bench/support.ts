/** Small helpers for the bench: a bounded worker pool and percentiles. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

export async function runPool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await work(index);
      }
    }),
  );
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Latency and throughput from a separate load-generator process (autocannon, through
 * bench/load-client.mjs), so the clients do not share the gateway's event loop: `amount` requests
 * over `connections` keep-alive connections. The rate is timed from the first request to the last
 * response (autocannon's own duration counts whole seconds).
 */
export async function runAutocannon(options: {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  amount: number;
}): Promise<{
  p50: number;
  p99: number;
  non2xx: number;
  requests: number;
  perSecond: number;
  /** From the first request to the last response. */
  seconds: number;
  /** Every response's latency, ms. */
  latencies: number[];
}> {
  // Asynchronous: the gateway under test runs in this very process and must keep answering.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(__dirname, 'load-client.mjs'), JSON.stringify(options)],
    { maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
  );
  const result = JSON.parse(stdout) as {
    p50: number;
    p99: number;
    non2xx: number;
    requests: number;
    seconds: number;
    latencies: number[];
  };
  return {
    p50: result.p50,
    p99: result.p99,
    non2xx: result.non2xx,
    requests: result.requests,
    perSecond: Math.round((result.requests / result.seconds) * 10) / 10,
    seconds: result.seconds,
    latencies: result.latencies,
  };
}

/** Varied, realistic review texts whose words agree with the rating (a bench is not a spam test). */
export function benchReview(i: number): { rating: number; title: string; body: string } {
  const rating = [5, 4, 5, 3, 2, 5, 4, 1, 5, 4][i % 10]!;
  const praise = [
    'absolutely beautiful',
    'stunning and fresh',
    'exactly what we dreamed of',
    'elegant and generous',
    'perfectly on theme',
    'gorgeous in every photo',
  ];
  const service = [
    'arrived early and set up quietly',
    'answered every message within hours',
    'handled a last-minute change calmly',
    'were kind to our nervous families',
    'kept to the budget without fuss',
    'worked seamlessly with the venue',
  ];
  const complaints = [
    'arrived two hours late',
    'ignored half of our brief',
    'left the tables half dressed',
    'charged for items we never got',
    'stopped answering our emails',
    'brought wilted bouquets',
  ];
  const moods = [
    'We would book them again',
    'Our guests still talk about it',
    'Worth every penny',
    'Cannot recommend enough',
    'A real highlight of the day',
    'Thank you for everything',
  ];
  const pick = (list: string[], salt: number) =>
    list[(i * 7 + salt * 13 + Math.floor(i / list.length)) % list.length]!;
  if (rating >= 4) {
    return {
      rating,
      title: `${pick(moods, 1)}`,
      body: `The flowers were ${pick(praise, 2)} and the team ${pick(service, 3)}. ${pick(moods, 4)}. Booking ref ${i}.`,
    };
  }
  if (rating === 3) {
    return {
      rating,
      title: 'Mixed feelings',
      body: `The flowers were ${pick(praise, 5)} but the team ${pick(complaints, 6)}. Order ${i}.`,
    };
  }
  return {
    rating,
    title: 'Disappointed',
    body: `Sadly the team ${pick(complaints, 7)} and ${pick(complaints, 8)}. Not what we paid for. Order ${i}.`,
  };
}

/** The bench's phases, in the order they run. `baseline` always runs: every ratio is against it. */
export const BENCH_PHASES = [
  'bundles',
  'api-cpu',
  'latency',
  'pipeline',
  'models',
  'webhooks',
  'platform-sync',
  'platform-outages',
  'query-100k',
  // Real-time (issue 14): last, its connections stay open until the stack stops (bench/realtime.ts).
  'realtime',
] as const;
export type BenchPhase = (typeof BENCH_PHASES)[number];

/**
 * Which phases to run, from `--phases=a,b` on the command line or BENCH_PHASES in the environment
 * (the command line wins); all of them when neither is given. An unknown name is an error, so a
 * typo never silently runs nothing.
 */
export function selectPhases(argv: readonly string[], envValue: string | undefined): BenchPhase[] {
  const fromArgs = argv.find((arg) => arg.startsWith('--phases='))?.slice('--phases='.length);
  const raw = fromArgs ?? envValue;
  if (raw === undefined || raw.trim() === '') return [...BENCH_PHASES];
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(BENCH_PHASES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`unknown bench phase(s) ${unknown.join(', ')}; known: ${BENCH_PHASES.join(', ')}`);
  }
  return BENCH_PHASES.filter((phase) => names.includes(phase));
}

/** A token bucket's shape (src/platforms/domain/token-bucket.ts BucketPolicy). */
export interface BucketShape {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/**
 * The least time the platform's quota buckets allow for these calls, starting full: every call
 * takes one token from the platform app's bucket and one from its location's, so a bucket that
 * served n calls needed at least (n - capacity) / refill seconds. It tells whether a sync rate was
 * bounded by the documented quotas or by the pipeline.
 */
export function quotaFloorSeconds(
  app: BucketShape,
  location: BucketShape,
  callsPerLocation: readonly number[],
): number {
  const floor = (calls: number, bucket: BucketShape) =>
    Math.max(0, (calls - bucket.capacity) / bucket.refillPerSecond);
  const total = callsPerLocation.reduce((sum, calls) => sum + calls, 0);
  return Math.max(floor(total, app), ...callsPerLocation.map((calls) => floor(calls, location)));
}

/** The breaker settings that set a platform's cool-down (src/shared/circuit-breaker.ts BreakerConfig). */
export interface CoolDownShape {
  readonly baseCoolDownMs: number;
  readonly maxCoolDownMs: number;
  readonly coolDownShareOfOutage?: number;
}

/**
 * The cool-down a platform breaker applies when it (re)opens `outageMs` after its first failure:
 * the share of the outage, clamped to [base, max] (the rule of the shared breaker's coolDownMs).
 */
export function coolDownAfterOutageMs(config: CoolDownShape, outageMs: number): number {
  const share = config.coolDownShareOfOutage ?? 0;
  return Math.min(config.maxCoolDownMs, Math.max(config.baseCoolDownMs, outageMs * share));
}

/** The first time at or after `fromMs` in `times` (any order), if any. */
export function firstAtOrAfter(times: Iterable<number>, fromMs: number): number | undefined {
  let first: number | undefined;
  for (const time of times) if (time >= fromMs && (first === undefined || time < first)) first = time;
  return first;
}

/** A bench target: at least a value (a ratio), below it (a time), or at most it (a size). */
export type BenchTarget =
  { readonly atLeast: number } | { readonly below: number } | { readonly atMost: number };

/**
 * How far a measure is from its target, for the gap column: `met by 0.12` or `missed by 0.08`
 * (in the measure's unit; a missing measure misses).
 */
export function targetGap(measured: number, target: BenchTarget): { met: boolean; text: string } {
  if (!Number.isFinite(measured)) return { met: false, text: 'not measured' };
  const margin =
    'atLeast' in target
      ? measured - target.atLeast
      : 'atMost' in target
        ? target.atMost - measured
        : target.below - measured;
  const met = 'below' in target ? margin > 0 : margin >= 0;
  const amount = Math.round(Math.abs(margin) * 1000) / 1000;
  return { met, text: `${met ? 'met by' : 'missed by'} ${amount}` };
}

/** A target as the tables print it: `>= 0.7`, `< 5`, `<= 250`. */
export const describeTarget = (target: BenchTarget): string =>
  'atLeast' in target
    ? `>= ${target.atLeast}`
    : 'atMost' in target
      ? `<= ${target.atMost}`
      : `< ${target.below}`;
