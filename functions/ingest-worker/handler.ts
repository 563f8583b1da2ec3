/** Lambda entry of the ingest worker (SQS event source with ReportBatchItemFailures). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { dynamo, sqs } from '../../src/adapters/clients';
import { DynamoRejectedStore } from '../../src/adapters/dynamo-records';
import { DynamoReviewRepository, MAX_REVIEWS_PER_TRANSACTION } from '../../src/adapters/review-repository';
import { SqsEventPublisher } from '../../src/adapters/sqs-queues';
import { queueDefinition } from '../../src/catalog/queues';
import { tableDefinition } from '../../src/catalog/tables';
import { systemClock } from '../../src/ports';
import { currentRegion, requireEnv } from '../../src/runtime/env';
import { logger, metrics } from '../../src/runtime/powertools';
import { processIngestBatch, type WorkerDeps } from './worker';

const METRIC_NAMES = {
  created: 'ReviewsStored',
  duplicate: 'DuplicateReviews',
  parked: 'RejectedMessages',
  failed: 'IngestFailures',
} as const;

let deps: WorkerDeps | undefined;

function depsFromEnv(): WorkerDeps {
  deps ??= {
    reviews: new DynamoReviewRepository(
      dynamo(),
      requireEnv(tableDefinition('Reviews').envVar),
      currentRegion(),
    ),
    events: new SqsEventPublisher(
      sqs(),
      requireEnv(queueDefinition('Events').envVar),
      `wedsync/${currentRegion()}/ingest`,
    ),
    rejected: new DynamoRejectedStore(dynamo(), requireEnv(tableDefinition('Rejected').envVar)),
    clock: systemClock,
    queueName: 'Ingest',
    chunkSize: MAX_REVIEWS_PER_TRANSACTION,
    onOutcome: (messageId, outcome) => {
      metrics.addMetric(METRIC_NAMES[outcome.kind], MetricUnit.Count, 1);
      if (outcome.kind === 'parked') logger.warn('message parked', { messageId, reason: outcome.reason });
      if (outcome.kind === 'failed') {
        logger.error('message failed, will be retried', { messageId, error: outcome.error as Error });
      }
    },
  };
  return deps;
}

export const handleBatch = (event: SQSEvent): Promise<SQSBatchResponse> =>
  processIngestBatch(event, depsFromEnv());

export const handler = middy(handleBatch).use(injectLambdaContext(logger)).use(logMetrics(metrics));
