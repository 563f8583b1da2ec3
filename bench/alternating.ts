/**
 * A path and its raw baselines measured in alternating halves (issue 12's API ratios). Measured one
 * after the other, the later side ran on a warmer DynamoDB Local: its JVM still compiles its hot code
 * thousands of calls in (a raw page read cost it 2.8 ms in a first round of 2,000 and 2.16 ms in a
 * third), so whichever side went second looked cheaper (ADR 0022, "GET against the page reads: the
 * order"). In halves, and the second half in the reverse order (A, B, B, A), a steadily warming
 * emulator or a noisy minute falls on every side alike: in A, B, A, B the first side of each half
 * still ran on the colder JVM, and GET (measured first) cost DynamoDB Local 3.4 ms a page where the
 * page reads after it cost 2.7.
 */
import { cpuBetween, cpuSnapshot, PROCESS_ROLES, type CpuSnapshot, type ProcessRole } from './process-cpu';
import { percentile, runAutocannon } from './support';

/** One batch of calls on one side: each call's latency (ms), the batch's span, and its failures. */
export interface TimedBatch {
  readonly latencies: readonly number[];
  readonly seconds: number;
  readonly failed: number;
}

/** One side over both halves. */
export interface SideResult {
  readonly requests: number;
  readonly failed: number;
  /** Calls over the two batches' spans (the time between halves, on other sides, not counted). */
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU seconds by process during this side's batches, when /proc could be read before and after each. */
  readonly spent: Record<ProcessRole, number> | undefined;
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * Runs every side for `count / 2` calls, in order, then all of them again in the reverse order, and
 * reports each side over its two batches: rate, percentiles of every latency, CPU by process.
 */
export async function alternateHalves<Side extends string>(
  sides: Readonly<Record<Side, (count: number) => Promise<TimedBatch>>>,
  count: number,
  snapshot: () => CpuSnapshot | undefined = cpuSnapshot,
): Promise<Record<Side, SideResult>> {
  const names = Object.keys(sides) as Side[];
  const runs = new Map<Side, { batches: TimedBatch[]; spent: Record<ProcessRole, number> | undefined }>(
    names.map((name) => [name, { batches: [], spent: zeroCpu() }]),
  );
  const halves = [
    { calls: Math.floor(count / 2), order: names },
    { calls: count - Math.floor(count / 2), order: [...names].reverse() },
  ];
  for (const half of halves) {
    for (const name of half.order) {
      const run = runs.get(name)!;
      const before = snapshot();
      run.batches.push(await sides[name](half.calls));
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
