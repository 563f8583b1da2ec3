/**
 * The platform health gauges the alarms watch, end to end in the local mode: the four fake
 * platforms, a supplier connected to all of them through the public API, and the SyncScheduler's
 * handler in its own function thread with its catalog environment (metrics switched on, as in
 * Lambda). Each scheduler run prints its gauges as EMF (Powertools: a line per metric); the test reads them from stdout
 * (as test/unit/functions/metrics-emf.test.ts does) while Google is healthy, then down: the
 * SyncWorker's failures open Google's breaker, and the next run reports it open and its sync lag
 * grown, with the namespace and dimensions the CDK alarms use.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionDefinition } from '../../../src/catalog/functions';
import { secretDefinition } from '../../../src/catalog/secrets';
import {
  CONNECTED_PLATFORMS,
  PLATFORM_DIMENSION,
  PLATFORM_METRICS,
  type ConnectedPlatform,
} from '../../../src/platforms';
import { DynamoPlatformBreakerStore } from '../../../src/platforms/adapters/platform-breaker-store';
import { connectAll, startDemoPlatforms, type DemoPlatforms } from '../../../local/platform-fakes/demo';
import { startSyncSchedule, type LocalSyncSchedule } from '../../../local/sync-schedule';
import { eventually, startTestStack, type TestStack } from '../support/stack';

jest.setTimeout(240_000);

let demo: DemoPlatforms;
let stack: TestStack;
let schedule: LocalSyncSchedule;
let keyDir: string;
let supplier: { supplierId: string; apiKey: string };

interface EmfLine extends Record<string, unknown> {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
}

beforeAll(async () => {
  demo = await startDemoPlatforms({ googleReviews: [3, 2], facebookRatings: 1, trustpilotReviews: 1 });
  keyDir = mkdtempSync(join(tmpdir(), 'vault-key-'));
  process.env.WEDSYNC_PLATFORM_ORIGINS = JSON.stringify(demo.origins);
  process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE = join(keyDir, 'token-vault.key');
  stack = await startTestStack();
  const secrets = JSON.parse(stack.env.WEDSYNC_LOCAL_SECRETS!) as Record<string, string[]>;
  demo.acceptYelpKey(secrets[stack.env[secretDefinition('YelpApiKey').envVar]!]![0]!);
  // The scheduler as the local mode runs it, with metrics on and one JSON line each (not dev mode).
  schedule = await startSyncSchedule(
    {
      ...stack.functionEnv(functionDefinition('SyncScheduler')),
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_DEV: 'false',
    },
    stack.region,
    () => undefined,
    3_600_000,
  );
  supplier = await stack.newSupplier('Rose Garden Weddings');
});
afterAll(async () => {
  await schedule?.stop();
  await stack?.cleanup();
  await demo?.close();
  delete process.env.WEDSYNC_PLATFORM_ORIGINS;
  delete process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE;
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

/** The health gauges' names: a line carrying one of them is a health line. */
const GAUGES: readonly string[] = [
  PLATFORM_METRICS.breakerOpen,
  PLATFORM_METRICS.syncLag,
  PLATFORM_METRICS.errorRate5m,
  PLATFORM_METRICS.quotaHeadroom,
  PLATFORM_METRICS.connectionsAwaitingReauth,
];

/**
 * Runs the scheduler once and returns its health EMF lines (Powertools prints one per metric),
 * read from stdout, by platform, and the values of each platform's gauges.
 */
async function scheduleRun(): Promise<{
  lines: EmfLine[];
  gauges: Map<ConnectedPlatform, Record<string, number>>;
}> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  const healthLines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as EmfLine)
      .filter((line) => line._aws.CloudWatchMetrics[0]!.Metrics.some((m) => GAUGES.includes(m.Name)));
  const breakerLines = () =>
    healthLines().filter((line) => line[PLATFORM_METRICS.breakerOpen] !== undefined).length;
  try {
    await schedule.runOnce();
    // The thread's stdout reaches this process on its own channel, shortly after the result.
    await eventually(
      async () => breakerLines() >= CONNECTED_PLATFORMS.length,
      'a breaker gauge per platform',
      10_000,
    );
    // The lines of one run come in one burst: let the rest of it arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    spy.mockRestore();
  }
  const lines = healthLines();
  const gauges = new Map<ConnectedPlatform, Record<string, number>>();
  for (const line of lines) {
    const platform = line[PLATFORM_DIMENSION] as ConnectedPlatform;
    const values = gauges.get(platform) ?? {};
    for (const { Name } of line._aws.CloudWatchMetrics[0]!.Metrics) values[Name] = line[Name] as number;
    gauges.set(platform, values);
  }
  return { lines, gauges };
}

async function storedReviews(platform: ConnectedPlatform): Promise<number> {
  const page = await stack.call('GET', `/v1/reviews?limit=100`, { key: supplier.apiKey });
  return (page.json.items as { platform: string }[]).filter((r) => r.platform === platform).length;
}

it('a scheduler run after an outage opened the breaker reports it open, with the sync lag grown', async () => {
  await connectAll(stack.apiUrl, supplier.apiKey);

  // Healthy: every platform's breaker closed, a lag per platform (each has an active connection),
  // no connection awaiting re-authorisation; each line in the alarms' namespace and dimensions.
  const first = await scheduleRun();
  const { metricsNamespace, serviceName } = stack.config;
  for (const line of first.lines) {
    const declared = line._aws.CloudWatchMetrics[0]!;
    expect(declared.Namespace).toBe(metricsNamespace);
    expect(declared.Dimensions).toEqual([['service', PLATFORM_DIMENSION]]);
    expect(line.service).toBe(serviceName);
  }
  const unitOf = (name: string) =>
    first.lines.flatMap((l) => l._aws.CloudWatchMetrics[0]!.Metrics).find((m) => m.Name === name)?.Unit;
  expect(unitOf(PLATFORM_METRICS.breakerOpen)).toBe('Count');
  expect(unitOf(PLATFORM_METRICS.syncLag)).toBe('Seconds');
  expect([...first.gauges.keys()].sort()).toEqual([...CONNECTED_PLATFORMS].sort());
  for (const [platform, values] of first.gauges) {
    expect([platform, values[PLATFORM_METRICS.breakerOpen]]).toEqual([platform, 0]);
    expect([platform, typeof values[PLATFORM_METRICS.syncLag]]).toEqual([platform, 'number']);
    expect([platform, values[PLATFORM_METRICS.connectionsAwaitingReauth]]).toEqual([platform, 0]);
  }
  await eventually(async () => (await storedReviews('google')) === 5, 'the Google reviews synced', 90_000);
  // Every sync of that run finished (the daily sweep's pages and re-fetches included).
  await eventually(async () => (await stack.queueDepth('Sync')) === 0, 'the Sync queue drained', 90_000);

  // Google goes down. The next run's syncs fail: the SyncWorker opens Google's breaker.
  demo.google.server.fault({
    kind: 'status',
    response: {
      status: 503,
      json: { error: { code: 503, message: 'Backend Error', status: 'UNAVAILABLE' } },
    },
  });
  try {
    const second = await scheduleRun();
    const secondEnded = Date.now();
    const lagBefore = second.gauges.get('google')![PLATFORM_METRICS.syncLag]!;
    const breakers = new DynamoPlatformBreakerStore(stack.doc, stack.tableName('PlatformBreakers'));
    await eventually(
      async () => (await breakers.get('google'))?.state.status === 'open',
      'the Google breaker open',
      60_000,
    );

    // Let the lag visibly grow: on a quiet machine the breaker opens within the same second.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, secondEnded + 2_000 - Date.now())));
    const thirdStarted = Date.now();
    const third = await scheduleRun();
    // At least this long passed between the two runs' readings of the connections.
    const elapsedSeconds = Math.floor((thirdStarted - secondEnded) / 1000);
    expect(third.gauges.get('google')![PLATFORM_METRICS.breakerOpen]).toBe(1);
    for (const platform of ['facebook', 'trustpilot', 'yelp'] as const) {
      expect(third.gauges.get(platform)![PLATFORM_METRICS.breakerOpen]).toBe(0);
    }
    // No Google sync completed since: its lag grew by the time between the runs.
    const lagAfter = third.gauges.get('google')![PLATFORM_METRICS.syncLag]!;
    expect(elapsedSeconds).toBeGreaterThanOrEqual(1);
    expect(lagAfter).toBeGreaterThanOrEqual(lagBefore + elapsedSeconds - 1);
  } finally {
    demo.google.server.clearFaults();
  }
});
