/**
 * Lambda entry of the replay worker (Replays queue, one job per message, partial batch
 * responses): runs a replay job for up to its time budget, then hands over to a fresh message.
 */
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import { systemClock } from '../../src/shared/clock';
import { jobBatchHandler } from '../../src/shared/job-batch';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import {
  deliveryQueue,
  deliveryStore,
  endpointRepository,
  eventLog,
  once,
  replayJobStore,
  replayQueue,
  webhookConfig,
} from '../../src/wiring';
import { isReplayMessage } from '../../src/webhooks/domain/replay-job';
import { runReplayJob, type ReplayWorkerDeps } from '../../src/webhooks/use-cases/replay-jobs';

const deps = once((): ReplayWorkerDeps => ({
  endpoints: endpointRepository(),
  eventLog: eventLog(),
  deliveries: deliveryStore(),
  deliveryQueue: deliveryQueue(),
  replayJobs: replayJobStore(),
  replayQueue: replayQueue(),
  clock: systemClock,
  policy: webhookConfig().replay,
}));

const tally = new MetricTally(metrics);

const replayBatch = jobBatchHandler(tally, {
  noun: 'replay job',
  isMessage: isReplayMessage,
  run: (message) => runReplayJob(message, deps()),
  idsOf: (message) => ({ jobId: message.jobId }),
  failureOf: (outcome) => ('job' in outcome ? outcome.job?.error : undefined),
  metrics: {
    invalid: 'InvalidReplayMessages',
    errors: 'ReplayJobErrors',
    outcomes: {
      completed: 'ReplayJobsCompleted',
      failed: 'ReplayJobsFailed',
      'handed-over': 'ReplayJobsHandedOver',
      busy: 'ReplayJobsBusy',
      lost: 'ReplayJobsLost',
      skipped: 'ReplayMessagesSkipped',
    },
  },
});

export const handleBatch = correlated(logger, publishingMetrics(tally, metrics, replayBatch));

export const handler = middy(handleBatch).use(withLogging(logger));
