/** Lambda entry of the reply worker (Replies queue, partial batch responses). */
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { processReplyBatch, type PublishReplyDeps } from '../../src/platforms';
import {
  eventPublisher,
  once,
  platformAdapters,
  platformBreakerStore,
  platformConnectionStore,
  rateLimiter,
  replyQueue,
  reviewReplies,
  tokenProvider,
} from '../../src/wiring';

const tally = new MetricTally(metrics);

const OUTCOME_METRICS = {
  published: 'RepliesPublished',
  pending: 'RepliesPendingModeration',
  failed: 'RepliesFailed',
  deferred: 'RepliesDeferred',
  superseded: 'RepliesSuperseded',
  invalid: 'ReplyMessagesInvalid',
  error: 'ReplyErrors',
} as const;

const deps = once((): PublishReplyDeps => ({
  connections: platformConnectionStore(),
  // Token rotations and re-authorizations go into this invocation's tally (one value per name).
  tokens: tokenProvider((name) => tally.add(name, MetricUnit.Count)),
  adapters: platformAdapters().all,
  replies: reviewReplies(),
  events: eventPublisher(),
  queue: replyQueue(),
  // The platform breakers and token buckets the SyncWorker uses: replies wait with syncs.
  limiter: rateLimiter(),
  breakers: platformBreakerStore(),
  clock: systemClock,
}));

/** The batch handler over given dependencies (the integration test hands in its own fakes for others' ports). */
export const batchHandler =
  (dependencies: () => PublishReplyDeps) =>
  (event: SQSEvent): Promise<SQSBatchResponse> =>
    handleReplies(event, dependencies);

async function handleReplies(
  event: SQSEvent,
  dependencies: () => PublishReplyDeps = deps,
): Promise<SQSBatchResponse> {
  const failed = await processReplyBatch(
    event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
    {
      ...dependencies(),
      onOutcome: (messageId, outcome) => {
        tally.add(OUTCOME_METRICS[outcome.kind], MetricUnit.Count, 1);
        if (outcome.kind === 'failed') {
          logger.warn('reply failed for good', {
            messageId,
            failure: outcome.failure,
            reason: outcome.reason,
          });
        } else if (outcome.kind === 'deferred') {
          logger.info('reply deferred', {
            messageId,
            delaySeconds: outcome.delaySeconds,
            reason: outcome.reason,
          });
        } else if (outcome.kind === 'invalid') {
          logger.error('reply message invalid: it will reach the DLQ', { messageId, reason: outcome.reason });
        } else if (outcome.kind === 'error') {
          logger.error('reply failed, will be retried', { messageId, error: outcome.error as Error });
        }
      },
    },
  );
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handleBatch = correlated(
  logger,
  publishingMetrics(tally, metrics, (event: SQSEvent) => handleReplies(event)),
);

export const handler = middy(handleBatch).use(withLogging(logger));
