/**
 * A path and its raw baselines measured in alternating batches (issue 12's API ratios). Measured one
 * after the other, the later side ran on a warmer DynamoDB Local: its JVM still compiles its hot code
 * thousands of calls in (a raw page read cost it 2.8 ms in a first round of 2,000 and 2.16 ms in a
 * third), so whichever side went second looked cheaper (ADR 0022, "GET against the page reads: the
 * order"). In halves, and the second half in the reverse order (A, B, B, A), a steadily warming
 * emulator or a noisy minute falls on every side alike: in A, B, A, B the first side of each half
 * still ran on the colder JVM, and GET (measured first) cost DynamoDB Local 3.4 ms a page where the
 * page reads after it cost 2.7. For tail latencies, more and shorter rounds (A, B, B, A, A, B, ...):
 * a pause of DynamoDB Local fell whole on one side's batch of 200 or 500 requests, and moved a p99
 * ratio of the 100k queries between 0.7 and 1.5 from run to run.
 */
import { cpuBetween, cpuSnapshot, PROCESS_ROLES, type CpuSnapshot, type ProcessRole } from './process-cpu';
import { percentile, runAutocannon, runPool } from './support';

/** One batch of calls on one side: each call's latency (ms), the batch's span, and its failures. */
export interface TimedBatch {
  readonly latencies: readonly number[];
  readonly seconds: number;
  readonly failed: number;
}

/** One side over all its batches. */
export interface SideResult {
  readonly requests: number;
  readonly failed: number;
  /** Calls over its batches' spans (the time other sides ran in between not counted). */
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU seconds by process during this side's batches, when /proc could be read before and after each. */
  readonly spent: Record<ProcessRole, number> | undefined;
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * Runs every side for its share of `count` calls in `rounds` rounds (2 by default: halves), each
 * round in the reverse order of the one before (A, B, B, A, A, B, ...), and reports each side over
 * all its batches: rate, percentiles of every latency, CPU by process. More, shorter rounds spread
 * a pause of a shared process (a JVM collection) over both sides' tails, where one long batch
 * took it whole.
 */
export async function alternateBatches<Side extends string>(
  sides: Readonly<Record<Side, (count: number) => Promise<TimedBatch>>>,
  count: number,
  options: { readonly rounds?: number; readonly snapshot?: () => CpuSnapshot | undefined } = {},
): Promise<Record<Side, SideResult>> {
  const { rounds = 2, snapshot = cpuSnapshot } = options;
  const names = Object.keys(sides) as Side[];
  const runs = new Map<Side, { batches: TimedBatch[]; spent: Record<ProcessRole, number> | undefined }>(
    names.map((name) => [name, { batches: [], spent: zeroCpu() }]),
  );
  // Calls per round: as even as `count` allows, the later rounds taking the remainder.
  const plan = Array.from({ length: rounds }, (_, round) => ({
    calls: Math.floor((count * (round + 1)) / rounds) - Math.floor((count * round) / rounds),
    order: round % 2 === 0 ? names : [...names].reverse(),
  }));
  for (const round of plan) {
    for (const name of round.order) {
      const run = runs.get(name)!;
      const before = snapshot();
      run.batches.push(await sides[name](round.calls));
      const after = snapshot();
      run.spent = run.spent && before && after ? addCpu(run.spent, cpuBetween(before, after)) : undefined;
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const { batches, spent } = runs.get(name)!;
      const latencies = batches.flatMap((batch) => batch.latencies);
      const seconds = batches.reduce((sum, batch) => sum + batch.seconds, 0);
      const result: SideResult = {
        requests: latencies.length,
        failed: batches.reduce((sum, batch) => sum + batch.failed, 0),
        perSecond: seconds > 0 ? round(latencies.length / seconds) : 0,
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        spent,
      };
      return [name, result];
    }),
  ) as Record<Side, SideResult>;
}

function zeroCpu(): Record<ProcessRole, number> {
  return Object.fromEntries(PROCESS_ROLES.map((role) => [role, 0])) as Record<ProcessRole, number>;
}

function addCpu(a: Record<ProcessRole, number>, b: Record<ProcessRole, number>): Record<ProcessRole, number> {
  return Object.fromEntries(PROCESS_ROLES.map((role) => [role, a[role] + b[role]])) as Record<
    ProcessRole,
    number
  >;
}

/** `runAutocannon` with these options as one side of an alternated measurement (bench/alternating.ts). */
export function autocannonBatch(
  options: Omit<Parameters<typeof runAutocannon>[0], 'amount'>,
): (count: number) => Promise<TimedBatch> {
  return async (count) => {
    const run = await runAutocannon({ ...options, amount: count });
    return { latencies: run.latencies, seconds: run.seconds, failed: run.non2xx };
  };
}

/** `count` calls at `concurrency`, from this process: each call's latency and the batch's span. */
export async function timedCalls(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<void>,
): Promise<TimedBatch> {
  const latencies: number[] = [];
  const start = performance.now();
  await runPool(count, concurrency, async (i) => {
    const started = performance.now();
    await call(i);
    latencies.push(performance.now() - started);
  });
  return { latencies, seconds: (performance.now() - start) / 1000, failed: 0 };
}
