/**
 * Lambda entry of ModelRollout, invoked every 15 minutes by an EventBridge rule (locally by the
 * local mode's timer, or `npm run retrain -- --rollout`): promotes a canary model that kept up,
 * rolls back one whose alarms would fire (ADR 0026). Each act is audited and announced
 * (model.promoted / model.rolled_back); a failed run throws, and the next run decides again.
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { reviewCanary, type ReviewCanaryOutcome } from '../../src/models/retraining/review-canary';
import { rolloutPolicy } from '../../src/models/retraining/policy-env';
import { adminAuditTrail, eventPublisher, modelStatsStore, modelStore, once } from '../../src/wiring';

const tally = new MetricTally(metrics);

const deps = once(() => ({
  store: modelStore(),
  stats: modelStatsStore(),
  audit: adminAuditTrail(),
  events: eventPublisher(),
  now: () => new Date(),
}));

const METRIC = { promoted: 'ModelsPromoted', 'rolled-back': 'ModelsRolledBack' } as const;

export async function handleRollout(_event?: ScheduledEvent): Promise<ReviewCanaryOutcome> {
  const outcome = await reviewCanary(deps(), rolloutPolicy());
  logger.info('canary reviewed', { ...outcome });
  if (outcome.outcome === 'promoted' || outcome.outcome === 'rolled-back') {
    tally.add(METRIC[outcome.outcome], MetricUnit.Count, 1);
  }
  return outcome;
}

export const handleSchedule = correlated(logger, publishingMetrics(tally, metrics, handleRollout));

export const handler = middy(handleSchedule).use(withLogging(logger));
