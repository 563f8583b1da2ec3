/** The webhook API's adapters, built from the environment once per process (see wiring.ts). */
import { DynamoBreakerStore } from './adapters/breaker-store';
import { dynamo, sqs } from '../shared/aws-clients';
import { DynamoDeliveryStore } from './adapters/deliveries';
import { SqsDeliveryQueue } from './adapters/delivery-queue';
import { DynamoEndpointRepository } from './adapters/webhook-endpoints';
import { systemClock } from '../reviews/ports';
import type { WebhookApiDeps } from './use-cases/webhook-endpoints';
import { queueUrl, tableName } from '../wiring';
import { webhookConfigFromEnv } from './config';

let deps: WebhookApiDeps | undefined;

export function webhookApiDeps(): WebhookApiDeps {
  deps ??= {
    endpoints: new DynamoEndpointRepository(dynamo(), tableName('WebhookEndpoints')),
    deliveries: new DynamoDeliveryStore(dynamo(), tableName('Deliveries')),
    deliveryQueue: new SqsDeliveryQueue(sqs(), queueUrl('Deliveries')),
    breakers: new DynamoBreakerStore(dynamo(), tableName('WebhookBreakers')),
    webhookConfig: webhookConfigFromEnv(),
    clock: systemClock,
  };
  return deps;
}
