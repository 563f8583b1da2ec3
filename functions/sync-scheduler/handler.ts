/**
 * Lambda entry of the SyncScheduler, invoked every 5 minutes by an EventBridge rule (locally by
 * a timer in the local mode, with the same event shape): enqueues the due syncs. A failure throws
 * (EventBridge retries the invocation; the next run starts over anyway).
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { scheduleSyncs, type ScheduleSummary } from '../../src/platforms/use-cases/schedule-syncs';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { once, platformConnectionStore, platformSyncStore, syncQueue } from '../../src/wiring';

const tally = new MetricTally(metrics);

const deps = once(() => ({
  connections: platformConnectionStore(),
  ledger: platformSyncStore(),
  directory: platformSyncStore(),
  queue: syncQueue(),
  clock: systemClock,
  newId: randomUUID,
}));

async function schedule(_event: ScheduledEvent): Promise<ScheduleSummary> {
  const summary = await scheduleSyncs(deps());
  tally.add('SyncsScheduledIncremental', MetricUnit.Count, summary.incremental);
  tally.add('SyncsScheduledFull', MetricUnit.Count, summary.full);
  logger.info('syncs scheduled', { ...summary });
  return summary;
}

export const handleSchedule = publishingMetrics(tally, metrics, schedule);

export const handler = middy(handleSchedule).use(injectLambdaContext(logger));
