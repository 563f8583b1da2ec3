/**
 * MetricTally: counts summed per name (one value per invocation), distributions kept per sample,
 * and `publishingMetrics` prints one EMF line per invocation, none when there is nothing to say.
 * A real Powertools Metrics instance writes to a captured stdout.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { MetricTally, publishingMetrics } from '../../../src/shared/metric-tally';

function captureStdout(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spy.mockRestore(),
  };
}

const saved = { ...process.env };
let metrics: Metrics;
beforeEach(() => {
  // Enabled, not in dev mode: Powertools then writes compact EMF lines to process.stdout.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  delete process.env.POWERTOOLS_DEV;
  metrics = new Metrics({ namespace: 'Test', serviceName: 'tally' });
});
afterEach(() => {
  process.env = { ...saved };
});

it('sums counts per name and keeps samples of a distribution, in one EMF line', async () => {
  const tally = new MetricTally(metrics);
  const out = captureStdout();
  try {
    await publishingMetrics(tally, metrics, async () => {
      for (let i = 0; i < 100; i += 1) {
        tally.add('Things', MetricUnit.Count);
        tally.add('Items', MetricUnit.Count, 2);
        if (i < 3) tally.sample('Latency', MetricUnit.Milliseconds, 10 * (i + 1));
      }
    })();
  } finally {
    out.restore();
  }
  const lines = out.lines();
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ Things: 100, Items: 200, Latency: [10, 20, 30] });
});

it('publishes even when the handler throws, and prints nothing for an invocation without metrics', async () => {
  const tally = new MetricTally(metrics);
  const out = captureStdout();
  try {
    const failing = publishingMetrics(tally, metrics, async () => {
      tally.add('Failures', MetricUnit.Count);
      throw new Error('boom');
    });
    await expect(failing()).rejects.toThrow('boom');
    await publishingMetrics(tally, metrics, async () => 'nothing counted')();
  } finally {
    out.restore();
  }
  expect(out.lines()).toEqual([expect.objectContaining({ Failures: 1 })]);
});

it('refuses to mix a sum and a distribution, or two units, under one name', () => {
  const tally = new MetricTally(metrics);
  tally.add('A', MetricUnit.Count);
  expect(() => tally.sample('A', MetricUnit.Count, 1)).toThrow('is a sum');
  expect(() => tally.add('A', MetricUnit.Milliseconds, 1)).toThrow('two units');
  tally.sample('B', MetricUnit.Milliseconds, 1);
  expect(() => tally.add('B', MetricUnit.Milliseconds, 1)).toThrow('is a distribution');
});

it('sums a dimensioned count per value and publishes one line per value, with the default dimensions', async () => {
  const tally = new MetricTally(metrics);
  const out = captureStdout();
  try {
    await publishingMetrics(tally, metrics, async () => {
      tally.addDimensioned('ByPlatform', 'platform', 'google', MetricUnit.Count);
      tally.addDimensioned('ByPlatform', 'platform', 'google', MetricUnit.Count, 2);
      tally.addDimensioned('ByPlatform', 'platform', 'yelp', MetricUnit.Count);
    })();
  } finally {
    out.restore();
  }
  const lines = out.lines();
  expect(lines).toHaveLength(2);
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ service: 'tally', platform: 'google', ByPlatform: 3 }),
      expect.objectContaining({ service: 'tally', platform: 'yelp', ByPlatform: 1 }),
    ]),
  );
  tally.addDimensioned('ByPlatform', 'platform', 'yelp', MetricUnit.Count);
  expect(() => tally.addDimensioned('ByPlatform', 'platform', 'yelp', MetricUnit.Milliseconds)).toThrow(
    'two units',
  );
  tally.add('Plain', MetricUnit.Count);
  expect(() => tally.addDimensioned('Plain', 'platform', 'yelp', MetricUnit.Count)).toThrow(
    'without a dimension',
  );
});

it('keeps overlapping invocations apart: each line holds only its own counts', async () => {
  const tally = new MetricTally(metrics);
  const out = captureStdout();
  // Values added outside any invocation (at init) go out with the next invocation's line.
  tally.add('AtInit', MetricUnit.Count);
  let releaseFirst!: () => void;
  const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
  try {
    const handler = publishingMetrics(
      tally,
      metrics,
      async (name: string, count: number, wait?: Promise<void>) => {
        for (let i = 0; i < count; i += 1) {
          tally.add(name, MetricUnit.Count);
          await Promise.resolve();
        }
        await wait;
        tally.add(name, MetricUnit.Count);
      },
    );
    const first = handler('First', 3, firstMayFinish);
    await handler('Second', 5);
    releaseFirst();
    await first;
  } finally {
    out.restore();
  }
  const lines = out.lines();
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatchObject({ Second: 6, AtInit: 1 });
  expect(lines[0]).not.toHaveProperty('First');
  expect(lines[1]).toMatchObject({ First: 4 });
  expect(lines[1]).not.toHaveProperty('Second');
  expect(lines[1]).not.toHaveProperty('AtInit');
});
