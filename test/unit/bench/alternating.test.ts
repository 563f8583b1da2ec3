import { alternateBatches, timedCalls, type TimedBatch } from '../../../bench/alternating';
import type { CpuSnapshot } from '../../../bench/process-cpu';

/** Sides that answer at once and record each batch they were asked for, as `name:count`. */
function recordingSides() {
  const calls: string[] = [];
  const side =
    (name: string) =>
    async (count: number): Promise<TimedBatch> => {
      calls.push(`${name}:${count}`);
      return { latencies: Array.from({ length: count }, () => 1), seconds: 1, failed: 0 };
    };
  return { calls, side };
}

describe('a path and its baselines in alternating batches (bench/alternating.ts)', () => {
  it('in more rounds, reverses the order every round and spreads the calls evenly', async () => {
    const { calls, side } = recordingSides();
    const result = await alternateBatches({ a: side('a'), b: side('b') }, 12, {
      rounds: 5,
      snapshot: () => undefined,
    });
    expect(calls).toEqual(['a:2', 'b:2', 'b:2', 'a:2', 'a:3', 'b:3', 'b:2', 'a:2', 'a:3', 'b:3']);
    expect(result.a.requests).toBe(12);
  });

  it('runs every side for half the calls, in order, then every side again in the reverse order (an odd count: the second half is larger)', async () => {
    const { calls, side } = recordingSides();
    await alternateBatches({ api: side('api'), pages: side('pages'), queries: side('queries') }, 11, {
      snapshot: () => undefined,
    });
    expect(calls).toEqual(['api:5', 'pages:5', 'queries:5', 'queries:6', 'pages:6', 'api:6']);
  });

  it("pools each side's two batches: calls over the batches' spans, percentiles of every latency, failures", async () => {
    let apiBatches = 0;
    const api = async (count: number): Promise<TimedBatch> => {
      // 1..5 ms in the first batch, 6..10 ms in the second: a percentile of either batch alone is wrong.
      const latencies = Array.from({ length: count }, (_, i) => apiBatches * count + i + 1);
      const batch = { latencies, seconds: apiBatches === 0 ? 1 : 4, failed: apiBatches };
      apiBatches += 1;
      return batch;
    };
    const raw = async (count: number): Promise<TimedBatch> => ({
      latencies: Array.from({ length: count }, () => 2),
      seconds: 0.5,
      failed: 0,
    });
    const result = await alternateBatches({ api, raw }, 10, { snapshot: () => undefined });
    expect(result.api).toEqual({ requests: 10, failed: 1, perSecond: 2, p50: 5, p99: 10, spent: undefined });
    expect(result.raw).toMatchObject({ requests: 10, failed: 0, perSecond: 10, p50: 2, p99: 2 });
  });

  it("adds up the CPU each side's batches spent, and none when /proc could not be read around one of them", async () => {
    // A fake process whose CPU time each side advances by its own cost per call.
    let cpuSeconds = 0;
    let readable = true;
    const snapshot = (): CpuSnapshot | undefined =>
      readable ? new Map([[1, { role: 'DynamoDB Local' as const, cpuSeconds }]]) : undefined;
    const costing =
      (secondsPerCall: number) =>
      async (count: number): Promise<TimedBatch> => {
        cpuSeconds += secondsPerCall * count;
        return { latencies: Array.from({ length: count }, () => 1), seconds: 1, failed: 0 };
      };
    const result = await alternateBatches({ cheap: costing(0.001), dear: costing(0.003) }, 2000, {
      snapshot,
    });
    expect(result.cheap.spent?.['DynamoDB Local']).toBeCloseTo(2, 9);
    expect(result.dear.spent?.['DynamoDB Local']).toBeCloseTo(6, 9);
    expect(result.dear.spent?.['bench process']).toBe(0);

    const blind = await alternateBatches(
      {
        once: async (count: number) => {
          readable = false;
          return costing(0.001)(count);
        },
      },
      10,
      { snapshot },
    );
    expect(blind.once.spent).toBeUndefined();
  });

  it('times calls from this process at a bounded concurrency: a latency per call and the span of the batch', async () => {
    let running = 0;
    let most = 0;
    const batch = await timedCalls(5, 2, async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
    });
    expect(most).toBe(2);
    expect(batch.latencies).toHaveLength(5);
    expect(Math.min(...batch.latencies)).toBeGreaterThanOrEqual(18);
    // Three waves of 20 ms at two at a time.
    expect(batch.seconds).toBeGreaterThanOrEqual(0.055);
    expect(batch.failed).toBe(0);
  });
});
