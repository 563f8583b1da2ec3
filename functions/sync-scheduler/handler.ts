/**
 * Lambda entry of the SyncScheduler, invoked every 5 minutes by an EventBridge rule (locally by
 * a timer in the local mode, with the same event shape): enqueues the due syncs, then publishes
 * the platforms' health gauges (breaker open, sync lag, quota headroom, connections awaiting
 * re-authorisation) as EMF metrics, which the platform alarms watch. A failure to schedule throws
 * (EventBridge retries the invocation; the next run starts over anyway); a failure to read the
 * health figures is logged and counted, and never undoes the scheduling.
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { platformHealthGauges, type HealthGaugeDeps } from '../../src/platforms';
import { scheduleSyncs, type ScheduleSummary } from '../../src/platforms/use-cases/schedule-syncs';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import {
  once,
  platformBreakerStates,
  platformConnectionStore,
  platformMetrics,
  platformStatsStore,
  platformSyncStore,
  syncQueue,
} from '../../src/wiring';

const tally = new MetricTally(metrics);

const deps = once(() => ({
  connections: platformConnectionStore(),
  ledger: platformSyncStore(),
  directory: platformSyncStore(),
  queue: syncQueue(),
  clock: systemClock,
  newId: randomUUID,
}));

const healthDeps = once((): HealthGaugeDeps => ({
  connections: platformConnectionStore(),
  stats: platformStatsStore(),
  breakers: platformBreakerStates(),
  statusCounts: platformConnectionStore(),
  clock: systemClock,
}));

async function schedule(_event: ScheduledEvent): Promise<ScheduleSummary> {
  const summary = await scheduleSyncs(deps());
  tally.add('SyncsScheduledIncremental', MetricUnit.Count, summary.incremental);
  tally.add('SyncsScheduledFull', MetricUnit.Count, summary.full);
  logger.info('syncs scheduled', { ...summary });
  try {
    platformMetrics().publishHealth(await platformHealthGauges(healthDeps()));
  } catch (error) {
    tally.add('PlatformHealthGaugeErrors', MetricUnit.Count, 1);
    logger.error('platform health gauges not published', { error: error as Error });
  }
  return summary;
}

export const handleSchedule = correlated(logger, publishingMetrics(tally, metrics, schedule));

export const handler = middy(handleSchedule).use(withLogging(logger));
