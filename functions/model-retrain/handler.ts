/**
 * Lambda entry of ModelRetrain, invoked weekly by an EventBridge rule; `npm run retrain` runs
 * `handleRetrain` against the local tables and the local model store (ADR 0026). Retrains
 * sentiment from stored reviews' star ratings and the original data, stores the candidate with
 * its card, and starts it as a canary when it beats the current model by the policy's margin.
 * Progress goes to the log; a failed run throws (the serving models are untouched) and the next
 * week's run starts over.
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { defaultModelDir } from '../../src/models/ml/load';
import { readRetrainingData, retrainingDataDir } from '../../src/models/retraining/training-data';
import { retrainSentiment, type RetrainOutcome } from '../../src/models/retraining/retrain';
import { retrainingSettings, rolloutPolicy } from '../../src/models/retraining/policy-env';
import { modelStore, once, reviewSamples } from '../../src/wiring';

const tally = new MetricTally(metrics);

const deps = once(() => ({
  store: modelStore(),
  reviews: reviewSamples(),
  layerDir: defaultModelDir(),
  data: readRetrainingData(retrainingDataDir(defaultModelDir())),
  now: () => new Date(),
  progress: (message: string, detail?: Record<string, unknown>) => logger.info(message, { ...detail }),
}));

export async function handleRetrain(_event?: ScheduledEvent): Promise<RetrainOutcome> {
  const outcome = await retrainSentiment(deps(), retrainingSettings(), rolloutPolicy());
  logger.info('retraining finished', { ...outcome });
  tally.add(
    outcome.outcome === 'canary-started' ? 'ModelCanariesStarted' : 'ModelCandidatesNotStarted',
    MetricUnit.Count,
    1,
  );
  return outcome;
}

export const handleSchedule = correlated(logger, publishingMetrics(tally, metrics, handleRetrain));

export const handler = middy(handleSchedule).use(withLogging(logger));
