/**
 * Lambda entry of the replay worker (Replays queue, one job per message, partial batch
 * responses): runs a replay job for up to its time budget, then hands over to a fresh message.
 */
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import {
  deliveryQueue,
  deliveryStore,
  endpointRepository,
  once,
  replayJobStore,
  replayQueue,
  webhookConfig,
} from '../../src/wiring';
import { isReplayMessage } from '../../src/webhooks/domain/replay-job';
import { runReplayJob, type ReplayWorkerDeps } from '../../src/webhooks/use-cases/replay-jobs';

const deps = once((): ReplayWorkerDeps => ({
  endpoints: endpointRepository(),
  deliveries: deliveryStore(),
  deliveryQueue: deliveryQueue(),
  replayJobs: replayJobStore(),
  replayQueue: replayQueue(),
  clock: systemClock,
  policy: webhookConfig().replay,
}));

const tally = new MetricTally(metrics);

const OUTCOME_METRICS = {
  completed: 'ReplayJobsCompleted',
  failed: 'ReplayJobsFailed',
  'handed-over': 'ReplayJobsHandedOver',
  busy: 'ReplayJobsBusy',
  lost: 'ReplayJobsLost',
  skipped: 'ReplayMessagesSkipped',
} as const;

async function replayBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    let message: unknown;
    try {
      message = JSON.parse(record.body);
    } catch {
      message = undefined;
    }
    if (!isReplayMessage(message)) {
      // Can never succeed: dropped, counted and logged.
      tally.add('InvalidReplayMessages', MetricUnit.Count);
      logger.error('dropping a malformed replay message', { messageId: record.messageId });
      continue;
    }
    try {
      const outcome = await runReplayJob(message, deps());
      tally.add(OUTCOME_METRICS[outcome.kind], MetricUnit.Count);
      if (outcome.kind === 'failed') {
        logger.warn('replay job failed', { jobId: message.jobId, error: outcome.job?.error });
      }
    } catch (error) {
      tally.add('ReplayJobErrors', MetricUnit.Count);
      logger.error('replay job interrupted, will be resumed from its cursor', {
        jobId: message.jobId,
        messageId: record.messageId,
        error: error as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

export const handleBatch = correlated(logger, publishingMetrics(tally, metrics, replayBatch));

export const handler = middy(handleBatch).use(withLogging(logger));
