/**
 * Platform sync throughput (issue 8 benchmark): every bench connection's reviews, from the fake
 * platforms into the Reviews table through the real local pipeline (SyncScheduler -> Sync queue
 * -> SyncWorker: rate limiter, breaker, one page per message, audit -> Ingest queue -> ingest
 * worker -> table), timed from the first schedule run until every review is stored, as a ratio to
 * the raw DynamoDB Local write rate measured at the start of the same run (the baseline of the
 * pipeline/raw ratio). As in the pipeline phase, the webhook fan-out is paused meanwhile (on AWS it
 * writes its own table; here it would share the one DynamoDB Local process) and catches up after.
 *
 * The platforms' documented quotas stay on (they are part of the pipeline): the least time they
 * allow for the calls the sync made is printed beside the rate, so a reader sees which one bound it.
 */
import { QUOTA_POLICIES } from '../src/platforms/domain/quota-policy';
import { queueDepth } from '../local/inspect';
import { apiCallsSince, listingCallsPerLocation, type PlatformBench } from './platforms';
import { quotaFloorSeconds } from './support';

export interface PlatformSyncResult {
  readonly connections: number;
  readonly locations: number;
  readonly reviews: number;
  readonly stored: number;
  readonly lost: number;
  readonly seconds: number;
  readonly reviewsPerSecond: number;
  /** The run's first baseline (bench/run.ts, step 1). */
  readonly rawWritesPerSecond: number;
  /** Raw writes right before and right after the sync (half each), when the caller measures them. */
  readonly rawWritesBesidePerSecond?: number;
  /** Against the raw writes beside the sync when measured, else against the first baseline. */
  readonly syncToRawRatio: number;
  readonly syncToFirstBaselineRatio: number;
  /** What the first schedule run enqueued (a location's daily full sweep may come with its first sync). */
  readonly scheduled: unknown;
  readonly platformCalls: Record<string, number>;
  /** The least time the documented quotas allow for the listing calls made, per platform. */
  readonly quotaFloorSeconds: Record<string, number>;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Raw writes of the baseline's items: how many it wrote, in how many seconds. */
export type RawWrites = () => Promise<{ readonly writes: number; readonly seconds: number }>;

export async function benchPlatformSync(
  bench: PlatformBench,
  rawWritesPerSecond: number,
  log: (line: string) => void,
  /**
   * Raw writes to run right before and right after the sync (the fan-out still paused), so that
   * the ratio is against the same minutes as the sync: the run's first baseline moved by a factor
   * of 2.5 between whole runs (ADR 0022, "The pipeline's CPU per review").
   */
  rawWritesBeside?: RawWrites,
): Promise<PlatformSyncResult> {
  const { stack, platforms, connections } = bench;
  const expected = connections.reduce((sum, c) => sum + bench.expected(c), 0);
  const platformNames = ['google', 'trustpilot', 'facebook'] as const;
  const logStart = Object.fromEntries(platformNames.map((p) => [p, platforms.server(p).requests.length]));
  const locations = connections.reduce((sum, c) => sum + c.locationIds.length, 0);
  log(
    `platform sync: ${expected} reviews on ${connections.length} connections (${locations} locations), from the first schedule run until stored...`,
  );

  await stack.workers.pause('Events');
  const rawBefore = await rawWritesBeside?.();
  const started = performance.now();
  let stored = 0;
  let scheduled: unknown;
  let seconds = 0;
  let rawAfter: Awaited<ReturnType<RawWrites>> | undefined;
  try {
    scheduled = await bench.schedule.runOnce();
    const deadline = Date.now() + 600_000;
    let lastLog = Date.now();
    const countStored = async () =>
      (await Promise.all(connections.map((c) => bench.stored(c)))).reduce((a, b) => a + b, 0);
    for (;;) {
      // The queue depths (visible, in flight and delayed) say which side holds the rate: pages
      // still to fetch, or reviews to store. The table is counted only when both are empty (or for
      // a progress line): a count reads every item of each supplier's partition, and counting
      // every 100 ms took DynamoDB Local's time from the path being measured (ADR 0022, "Bench run
      // time", third round). A page's message leaves the Sync queue only after it sent the next
      // page and the page's reviews, so both are empty only once every review is written (or a
      // message went to a dead-letter queue: the count then stays short until the deadline).
      const [sync, ingest] = await Promise.all([
        queueDepth(stack.sqsClient, stack.queues.Sync.url),
        queueDepth(stack.sqsClient, stack.queues.Ingest.url),
      ]);
      const progress = Date.now() - lastLog >= 10_000;
      if (sync + ingest === 0 || progress || Date.now() > deadline) {
        stored = await countStored();
        if (stored >= expected || Date.now() > deadline) break;
      }
      if (progress) {
        lastLog = Date.now();
        log(
          `platform sync: ${stored} / ${expected} stored after ${((performance.now() - started) / 1000).toFixed(0)} s (Sync queue ${sync}, Ingest queue ${ingest})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    seconds = (performance.now() - started) / 1000;
    rawAfter = await rawWritesBeside?.();
  } finally {
    await stack.workers.resume('Events');
  }
  const reviewsPerSecond = stored / seconds;
  const besideRate =
    rawBefore && rawAfter
      ? (rawBefore.writes + rawAfter.writes) / (rawBefore.seconds + rawAfter.seconds)
      : undefined;

  const platformCalls: Record<string, number> = {};
  const floors: Record<string, number> = {};
  for (const platform of platformNames) {
    platformCalls[platform] = apiCallsSince(platforms.server(platform), logStart[platform]!);
    const calls = listingCallsPerLocation(
      platform,
      platforms.server(platform),
      logStart[platform]!,
      platforms.locations[platform],
    );
    floors[platform] = round(
      quotaFloorSeconds(QUOTA_POLICIES[platform].app, QUOTA_POLICIES[platform].location, calls),
    );
  }
  log(
    `platform sync: ${stored} stored in ${seconds.toFixed(1)} s (${reviewsPerSecond.toFixed(0)} reviews/s); schedule run: ${JSON.stringify(scheduled)}`,
  );
  return {
    connections: connections.length,
    locations,
    reviews: expected,
    stored,
    lost: expected - stored,
    seconds: round(seconds),
    reviewsPerSecond: round(reviewsPerSecond),
    rawWritesPerSecond: round(rawWritesPerSecond),
    ...(besideRate !== undefined ? { rawWritesBesidePerSecond: round(besideRate) } : {}),
    syncToRawRatio: round(reviewsPerSecond / (besideRate ?? rawWritesPerSecond), 3),
    syncToFirstBaselineRatio: round(reviewsPerSecond / rawWritesPerSecond, 3),
    scheduled,
    platformCalls,
    quotaFloorSeconds: floors,
  };
}
