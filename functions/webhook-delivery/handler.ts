/** Lambda entry of the webhook delivery worker (Deliveries queue, partial batch responses). */
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { SERVICE_METRICS } from '../../src/catalog/metrics';
import { BREAKER_STATE_METRICS } from './metric-names';
import { logger, metrics } from '../../src/shared/powertools';
import {
  breakerStore,
  deliveryQueueWithDlq,
  deliveryStore,
  endpointRepository,
  once,
  webhookConfig,
  webhookEventPublisher,
  deliverWebhook,
} from '../../src/wiring';
import {
  processDeliveryBatch,
  type DeliveryDeps,
  type DeliveryMetric,
} from '../../src/webhooks/use-cases/deliver-webhooks';

// The names alarms and dashboards read come from the catalog (src/catalog/metrics.ts).
const OUTCOME_METRICS = {
  success: SERVICE_METRICS.webhookSucceeded,
  failure: SERVICE_METRICS.webhookFailed,
  'rate-limited': SERVICE_METRICS.webhookRateLimited,
  gone: 'WebhookDeliveriesGone',
} as const;

const tally = new MetricTally(metrics);

/** Counts are summed per invocation; the two latencies stay per sample (their p99 is the point). */
function recordMetric(metric: DeliveryMetric): void {
  switch (metric.name) {
    case 'attempt':
      tally.add(SERVICE_METRICS.webhookAttempts, MetricUnit.Count, 1);
      tally.add(OUTCOME_METRICS[metric.outcome], MetricUnit.Count, 1);
      tally.sample('WebhookAttemptLatency', MetricUnit.Milliseconds, metric.latencyMs);
      return;
    case 'delivered':
      tally.sample('WebhookEndToEndLatency', MetricUnit.Milliseconds, metric.endToEndMs);
      return;
    case 'breaker-state':
      tally.add(BREAKER_STATE_METRICS[metric.to], MetricUnit.Count, 1);
      logger.info('circuit breaker state changed', { from: metric.from, to: metric.to });
      return;
    case 'endpoint-disabled':
      tally.add(SERVICE_METRICS.webhookEndpointsDisabled, MetricUnit.Count, 1);
      logger.warn('webhook endpoint disabled', { reason: metric.reason });
      return;
    case 'exhausted':
      tally.add('WebhookDeliveriesExhausted', MetricUnit.Count, 1);
      return;
    case 'deferred':
      tally.add('WebhookDeliveriesDeferred', MetricUnit.Count, 1);
      return;
    default:
      return;
  }
}

const deps = once((): DeliveryDeps => ({
  endpoints: endpointRepository(),
  deliveries: deliveryStore(),
  queue: deliveryQueueWithDlq(),
  breakers: breakerStore(),
  events: webhookEventPublisher(),
  clock: systemClock,
  random: Math.random,
  config: webhookConfig(),
  send: deliverWebhook,
  onMetric: recordMetric,
  onError: (error, context) =>
    logger.error('delivery failed, will be retried', { ...context, error: error as Error }),
}));

async function deliverBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  const failed = await processDeliveryBatch(
    event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
    deps(),
  );
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handleBatch = correlated(logger, publishingMetrics(tally, metrics, deliverBatch));

export const handler = middy(handleBatch).use(withLogging(logger));
