/** Lambda entry of the ingest worker (SQS event source with ReportBatchItemFailures). */
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { suggestExpenseCategory } from '../../src/models/inference/expense-category';
import { systemClock } from '../../src/shared/clock';
import { numberEnv } from '../../src/shared/env';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { SERVICE_METRICS } from '../../src/catalog/metrics';
import { logger, metrics } from '../../src/shared/powertools';
import {
  budgetStore,
  eventPublisher,
  modelEngine,
  modelStatsStore,
  once,
  queueSender,
  rejectedStore,
  reviewRepository,
  MAX_REVIEWS_PER_TRANSACTION,
  driftMetrics,
  recordStoredReview,
} from '../../src/wiring';
import { processIngestBatch, type WorkerDeps } from './worker';

const METRIC_NAMES = {
  created: SERVICE_METRICS.reviewsStored,
  duplicate: 'DuplicateReviews',
  updated: 'ReviewsEdited',
  stale: 'StaleReviewVersions',
  parked: SERVICE_METRICS.rejectedMessages,
  failed: 'IngestFailures',
  applied: 'ProducerEventsApplied',
  removed: 'ReviewsRemoved',
  ignored: 'ReviewVersionsAfterRemoval',
} as const;

const drift = driftMetrics();
const tally = new MetricTally(metrics);

const deps = once((): WorkerDeps => ({
  reviews: reviewRepository(),
  events: eventPublisher(),
  rejected: rejectedStore(),
  clock: systemClock,
  queueName: 'Ingest',
  chunkSize: MAX_REVIEWS_PER_TRANSACTION,
  models: modelEngine(),
  modelStats: modelStatsStore(),
  inferenceRetry: queueSender('InferenceRetry'),
  inferenceBudgetMs: numberEnv('INFERENCE_BUDGET_MS', 2000),
  recentWindow: 50,
  onObservations: (observations) => drift.observe(observations),
  onStatsError: (error) => logger.warn('model statistics not saved', { error: error as Error }),
  producerEvents: {
    events: eventPublisher(),
    budgets: budgetStore(),
    clock: systemClock,
    categorize: (description, coupleId) => suggestExpenseCategory(description, coupleId, modelEngine()),
    onCategorizeError: (error) =>
      logger.warn('expense left uncategorised: model unavailable', { error: error as Error }),
  },
  onOutcome: (messageId, outcome) => {
    tally.add(METRIC_NAMES[outcome.kind], MetricUnit.Count, 1);
    // Business KPIs (issue 10): only first stores are new reviews.
    if (outcome.kind === 'created' && outcome.facts) recordStoredReview(tally, outcome.facts);
    if (outcome.kind === 'parked') logger.warn('message parked', { messageId, reason: outcome.reason });
    if (outcome.kind === 'updated') {
      logger.info('review edited', { messageId, reviewId: outcome.reviewId, version: outcome.version });
    }
    if (outcome.kind === 'stale') {
      // Never silent: an older version than the stored one is kept out, and said so.
      logger.warn('review version older than the stored one: the stored version stays', {
        messageId,
        reviewId: outcome.reviewId,
        storedVersion: outcome.version,
      });
    }
    if (outcome.kind === 'removed') {
      logger.info('review removed on its platform', {
        messageId,
        reviewId: outcome.reviewId,
        duplicate: outcome.duplicate,
        beforeItsReview: outcome.tombstone,
      });
    }
    if (outcome.kind === 'ignored') {
      // Platforms allow no edit after removal: a late version of a removed review changes nothing.
      logger.info('version of a removed review ignored', { messageId, reviewId: outcome.reviewId });
    }
    if (outcome.kind === 'failed') {
      logger.error('message failed, will be retried', { messageId, error: outcome.error as Error });
    }
    if ((outcome.kind === 'created' || outcome.kind === 'updated') && outcome.inferencePending) {
      tally.add(SERVICE_METRICS.inferencePending, MetricUnit.Count, 1);
    }
  },
}));

export const handleBatch = correlated(
  logger,
  publishingMetrics(tally, metrics, async (event: SQSEvent): Promise<SQSBatchResponse> => {
    // The active model configuration, at most once per cache period (never per review; ADR 0026).
    await modelEngine().refresh();
    return processIngestBatch(event, deps());
  }),
);

export const handler = middy(handleBatch).use(withLogging(logger));
