/**
 * Lambda entry of the inference worker: drains the InferenceRetry queue (reviews stored with
 * inference pending) with partial batch responses, so a review whose models still fail is
 * retried and finally lands in the DLQ, while the others complete.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PermanentMessageError } from '../../src/reviews/domain/review';
import { systemClock } from '../../src/shared/clock';
import { numberEnv } from '../../src/shared/env';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import {
  eventPublisher,
  modelEngine,
  modelStatsStore,
  once,
  reviewRepository,
  driftMetrics,
} from '../../src/wiring';
import { retryInference, type RetryInferenceDeps } from '../../src/reviews/use-cases/retry-inference';

const drift = driftMetrics();
const tally = new MetricTally(metrics);

const deps = once((): RetryInferenceDeps => ({
  reviews: reviewRepository(),
  events: eventPublisher(),
  models: modelEngine(),
  modelStats: modelStatsStore(),
  clock: systemClock,
  recentWindow: 50,
  inferenceBudgetMs: numberEnv('INFERENCE_BUDGET_MS', 2000),
  onObservations: (observations) => drift.observe(observations),
}));

async function handleRecord(record: SQSRecord): Promise<void> {
  try {
    const outcome = await retryInference(record.body, deps());
    if (outcome === 'completed') tally.add('InferenceCompleted', MetricUnit.Count, 1);
  } catch (error) {
    // A malformed retry message can never succeed: log it and let it go.
    if (error instanceof PermanentMessageError) {
      logger.error('dropping malformed inference retry message', { messageId: record.messageId });
      return;
    }
    tally.add('InferenceRetryFailed', MetricUnit.Count, 1);
    throw error;
  }
}

export const handleBatch = correlated(
  logger,
  publishingMetrics(tally, metrics, async (event: SQSEvent): Promise<SQSBatchResponse> => {
    // The active model configuration, at most once per cache period (ADR 0026).
    await modelEngine().refresh();
    return processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
    });
  }),
);

export const handler = middy(handleBatch).use(withLogging(logger));
