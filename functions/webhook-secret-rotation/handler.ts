/**
 * Lambda entry of the WebhookSecretRotation function, invoked hourly by an EventBridge rule in
 * the primary region (locally by the stack's timer, same event shape): rotates the webhook
 * signing secrets whose scheduled rotation is due (src/webhooks/use-cases/scheduled-rotation.ts).
 * A run with a failed endpoint throws at its end (alarm; EventBridge retries, and a retry rotates
 * only what is still due).
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import {
  rotateDueSecrets,
  ScheduledRotationError,
  type ScheduledRotationDeps,
  type ScheduledRotationSummary,
} from '../../src/webhooks';
import { correlated, withLogging } from '../../src/shared/logging';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { adminAuditTrail, endpointRepository, once, webhookConfig } from '../../src/wiring';

const tally = new MetricTally(metrics);

const deps = once((): ScheduledRotationDeps => ({
  endpoints: endpointRepository(),
  audit: adminAuditTrail(),
  clock: systemClock,
  overlapSeconds: webhookConfig().rotationOverlapSeconds,
  log: {
    info: (message, fields) => logger.info(message, fields),
    error: (message, fields) => logger.error(message, fields),
  },
}));

function count(summary: ScheduledRotationSummary): void {
  tally.add('WebhookSecretsRotated', MetricUnit.Count, summary.rotated);
  tally.add('WebhookSecretRotationFailures', MetricUnit.Count, summary.failed);
}

async function rotate(_event: ScheduledEvent): Promise<ScheduledRotationSummary> {
  try {
    const summary = await rotateDueSecrets(deps());
    count(summary);
    return summary;
  } catch (error) {
    if (error instanceof ScheduledRotationError) count(error.summary);
    throw error;
  }
}

export const handleSchedule = correlated(logger, publishingMetrics(tally, metrics, rotate));

export const handler = middy(handleSchedule).use(withLogging(logger));
