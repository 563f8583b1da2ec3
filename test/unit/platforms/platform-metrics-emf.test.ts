/**
 * The platform metrics as EMF: every value a per-platform alarm or widget reads carries the
 * `platform` dimension beside `service`, in the configured namespace. A real Powertools Metrics
 * (enabled, not in dev mode) writes to a captured stdout.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PowertoolsPlatformMetrics } from '../../../src/platforms/adapters/platform-metrics';
import { PLATFORM_DIMENSION, PLATFORM_METRICS } from '../../../src/platforms';

interface EmfLine extends Record<string, unknown> {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
}

function emfLines(run: () => void): EmfLine[] {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

const saved = { ...process.env };
let adapter: PowertoolsPlatformMetrics;
beforeAll(() => {
  // Metrics on and one JSON line each (test/setup-env.ts turns them off), while the instance is built.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  delete process.env.POWERTOOLS_DEV;
  adapter = new PowertoolsPlatformMetrics(
    new Metrics({ namespace: 'WedSyncTest', serviceName: 'wedsync-test' }),
  );
});
afterAll(() => {
  process.env = { ...saved };
});

/** Every metric of every line, with its line's platform and dimensions. */
const values = (lines: readonly EmfLine[]) =>
  lines.flatMap((line) =>
    line._aws.CloudWatchMetrics[0]!.Metrics.map((m) => ({
      name: m.Name,
      unit: m.Unit,
      value: line[m.Name],
      platform: line[PLATFORM_DIMENSION],
      service: line.service,
      dimensions: line._aws.CloudWatchMetrics[0]!.Dimensions,
      namespace: line._aws.CloudWatchMetrics[0]!.Namespace,
    })),
  );

it('every figure of a call carries the platform, quota headroom included', () => {
  const published = values(emfLines(() => adapter.call('yelp', 'rate-limited', 120, 0.04)));
  expect(published.map((v) => [v.name, v.value])).toEqual([
    [PLATFORM_METRICS.calls, 1],
    [PLATFORM_METRICS.failures, 1],
    [PLATFORM_METRICS.rateLimited, 1],
    [PLATFORM_METRICS.latency, 120],
    [PLATFORM_METRICS.quotaHeadroom, 4],
  ]);
  for (const v of published) {
    expect(v).toMatchObject({
      platform: 'yelp',
      service: 'wedsync-test',
      namespace: 'WedSyncTest',
      dimensions: [['service', PLATFORM_DIMENSION]],
    });
  }
});

it('every health gauge carries its own platform and unit', () => {
  const published = values(
    emfLines(() =>
      adapter.publishHealth([
        { name: PLATFORM_METRICS.breakerOpen, platform: 'google', unit: 'Count', value: 1 },
        { name: PLATFORM_METRICS.syncLag, platform: 'google', unit: 'Seconds', value: 900 },
        { name: PLATFORM_METRICS.breakerOpen, platform: 'facebook', unit: 'Count', value: 0 },
      ]),
    ),
  );
  expect(published.map((v) => [v.platform, v.name, v.unit, v.value])).toEqual([
    ['google', PLATFORM_METRICS.breakerOpen, 'Count', 1],
    ['google', PLATFORM_METRICS.syncLag, 'Seconds', 900],
    ['facebook', PLATFORM_METRICS.breakerOpen, 'Count', 0],
  ]);
  for (const v of published) expect(v.dimensions).toEqual([['service', PLATFORM_DIMENSION]]);
});

it('audit figures have no platform: service only', () => {
  const published = values(emfLines(() => adapter.auditParked(2)));
  expect(published).toEqual([
    expect.objectContaining({ name: PLATFORM_METRICS.auditParked, value: 2, dimensions: [['service']] }),
  ]);
});
