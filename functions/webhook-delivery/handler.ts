/** Lambda entry of the webhook delivery worker (Deliveries queue, partial batch responses). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoBreakerStore } from '../../src/webhooks/adapters/breaker-store';
import { dynamo, sqs } from '../../src/shared/aws-clients';
import { DynamoDeliveryStore } from '../../src/webhooks/adapters/deliveries';
import { SqsDeliveryQueue } from '../../src/webhooks/adapters/delivery-queue';
import { SqsEventPublisher } from '../../src/shared/sqs-queues';
import { DynamoEndpointRepository } from '../../src/webhooks/adapters/webhook-endpoints';
import { dlqEnvVar, queueDefinition } from '../../src/catalog/queues';
import { tableDefinition } from '../../src/catalog/tables';
import { systemClock } from '../../src/reviews/ports';
import { currentRegion, requireEnv } from '../../src/shared/env';
import { logger, metrics } from '../../src/shared/powertools';
import { webhookConfigFromEnv } from '../../src/webhooks/config';
import {
  processDeliveryBatch,
  type DeliveryDeps,
  type DeliveryMetric,
} from '../../src/webhooks/use-cases/deliver-webhooks';
import { deliverWebhook } from '../../src/webhooks/adapters/http-delivery';

const OUTCOME_METRICS = {
  success: 'WebhookDeliveriesSucceeded',
  failure: 'WebhookDeliveriesFailed',
  'rate-limited': 'WebhookDeliveriesRateLimited',
  gone: 'WebhookDeliveriesGone',
} as const;

function recordMetric(metric: DeliveryMetric): void {
  switch (metric.name) {
    case 'attempt':
      metrics.addMetric('WebhookDeliveriesAttempted', MetricUnit.Count, 1);
      metrics.addMetric(OUTCOME_METRICS[metric.outcome], MetricUnit.Count, 1);
      metrics.addMetric('WebhookAttemptLatency', MetricUnit.Milliseconds, metric.latencyMs);
      return;
    case 'delivered':
      metrics.addMetric('WebhookEndToEndLatency', MetricUnit.Milliseconds, metric.endToEndMs);
      return;
    case 'breaker-state':
      metrics.addMetric(
        `WebhookBreaker${metric.to === 'half-open' ? 'HalfOpen' : metric.to[0]!.toUpperCase() + metric.to.slice(1)}`,
        MetricUnit.Count,
        1,
      );
      logger.info('circuit breaker state changed', { from: metric.from, to: metric.to });
      return;
    case 'endpoint-disabled':
      metrics.addMetric('WebhookEndpointsDisabled', MetricUnit.Count, 1);
      logger.warn('webhook endpoint disabled', { reason: metric.reason });
      return;
    case 'exhausted':
      metrics.addMetric('WebhookDeliveriesExhausted', MetricUnit.Count, 1);
      return;
    case 'deferred':
      metrics.addMetric('WebhookDeliveriesDeferred', MetricUnit.Count, 1);
      return;
    default:
      return;
  }
}

let deps: DeliveryDeps | undefined;

function depsFromEnv(): DeliveryDeps {
  const deliveries = queueDefinition('Deliveries');
  deps ??= {
    endpoints: new DynamoEndpointRepository(dynamo(), requireEnv(tableDefinition('WebhookEndpoints').envVar)),
    deliveries: new DynamoDeliveryStore(dynamo(), requireEnv(tableDefinition('Deliveries').envVar)),
    queue: new SqsDeliveryQueue(sqs(), requireEnv(deliveries.envVar), requireEnv(dlqEnvVar(deliveries))),
    breakers: new DynamoBreakerStore(dynamo(), requireEnv(tableDefinition('WebhookBreakers').envVar)),
    events: new SqsEventPublisher(
      sqs(),
      requireEnv(queueDefinition('Events').envVar),
      `wedsync/${currentRegion()}/webhooks`,
    ),
    clock: systemClock,
    random: Math.random,
    config: webhookConfigFromEnv(),
    send: deliverWebhook,
    onMetric: recordMetric,
    onError: (error, context) =>
      logger.error('delivery failed, will be retried', { ...context, error: error as Error }),
  };
  return deps;
}

export async function handleBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  const failed = await processDeliveryBatch(
    event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
    depsFromEnv(),
  );
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = middy(handleBatch).use(injectLambdaContext(logger)).use(logMetrics(metrics));
