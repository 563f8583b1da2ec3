/**
 * Lambda entry of the SyncWorker (Sync queue, partial batch responses through Powertools batch):
 * each message fetches one page for one location (src/platforms/use-cases/sync-page.ts). A
 * deferral (quota, open breaker, platform throttling) is a new delayed message and a success for
 * this one; only errors outside the platform (a store or queue down) fail the record for SQS to
 * retry. A malformed message is dropped (logged, counted): it can never succeed.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseSyncMessage } from '../../src/platforms/domain/sync-message';
import { syncPage, type SyncPageDeps } from '../../src/platforms/use-cases/sync-page';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import {
  once,
  platformAdapters,
  platformBreakerStore,
  platformConnectionStore,
  platformReviewSink,
  platformSyncStore,
  rateLimiter,
  syncQueue,
  tokenProvider,
} from '../../src/wiring';

const tally = new MetricTally(metrics);

const deps = once((): SyncPageDeps => ({
  connections: platformConnectionStore(),
  adapters: platformAdapters(),
  // Token rotations and re-authorizations go into this invocation's tally (one value per name).
  tokens: tokenProvider((name) => tally.add(name, MetricUnit.Count)),
  sink: platformReviewSink(),
  limiter: rateLimiter(),
  breakers: platformBreakerStore(),
  ledger: platformSyncStore(),
  queue: syncQueue(),
  clock: systemClock,
}));

/** The record handler over given dependencies (the integration test hands in its own fakes for others' ports). */
export const recordHandler =
  (deps: () => SyncPageDeps) =>
  async (record: SQSRecord): Promise<void> => {
    const message = parseSyncMessage(record.body);
    if (!message) {
      tally.add('SyncMessagesInvalid', MetricUnit.Count, 1);
      logger.error('dropping a malformed sync message', { messageId: record.messageId });
      return;
    }
    const context = { messageId: record.messageId, correlationId: message.correlationId, mode: message.mode };
    try {
      const outcome = await syncPage(message, deps());
      switch (outcome.kind) {
        case 'synced':
          tally.add('SyncPages', MetricUnit.Count, 1);
          tally.add('SyncReviews', MetricUnit.Count, outcome.reviews);
          if (outcome.removed > 0) tally.add('SyncReviewsRemoved', MetricUnit.Count, outcome.removed);
          return;
        case 'deferred':
          tally.add('SyncDeferred', MetricUnit.Count, 1);
          logger.debug('sync deferred', {
            ...context,
            reason: outcome.reason,
            delaySeconds: outcome.delaySeconds,
          });
          return;
        case 'stopped':
          tally.add(`SyncStopped_${outcome.failure.kind}`, MetricUnit.Count, 1);
          logger.warn('sync stopped', {
            ...context,
            failure: outcome.failure.kind,
            reason: outcome.failure.reason,
          });
          return;
        case 'skipped':
          tally.add('SyncSkipped', MetricUnit.Count, 1);
          logger.info('sync skipped', { ...context, reason: outcome.reason });
          return;
      }
    } catch (error) {
      tally.add('SyncErrors', MetricUnit.Count, 1);
      logger.error('sync page failed, will be retried', { ...context, error: error as Error });
      throw error;
    }
  };

/** A batch handler with partial batch responses (Powertools batch) over given dependencies. */
export const batchHandler =
  (dependencies: () => SyncPageDeps) =>
  (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler(dependencies), new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
    });

export const handleBatch = correlated(logger, publishingMetrics(tally, metrics, batchHandler(deps)));

export const handler = middy(handleBatch).use(withLogging(logger));
