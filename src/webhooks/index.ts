/** The webhooks capability's public face: endpoints, signing, delivery, fan-out, and their schemas. */
import { lazyRecord } from '../shared/lazy';
import {
  createWebhookEndpointBody,
  listDeliveriesQuery,
  listEndpointsQuery,
  replayWebhookEventsBody,
  updateWebhookEndpointBody,
} from './domain/webhook-schemas';
import {
  deliveryPageResponse,
  deliveryRetryAcceptedResponse,
  replayJobResponse,
  webhookEndpointListResponse,
  webhookEndpointResponse,
  webhookEndpointSecretResponse,
  webhookEndpointWithSecretResponse,
} from './domain/webhook-responses';

export * from './domain/signing';
export * from './domain/retry-schedule';
export * from './domain/circuit-breaker';
export {
  deliveryIdFor,
  endpointSecretView,
  endpointView,
  initialState,
  isDeliveryMessage,
  messageFor,
  subscribes,
  type AttemptRecord,
  type DeliveryMessage,
  type DeliveryState,
  type DeliveryStatus,
  type EndpointSecretView,
  type LoggedEvent,
  type WebhookEndpoint,
  type WebhookEndpointView,
} from './domain/webhook';
export * from './domain/webhook-schemas';
export * from './domain/webhook-responses';
export * from './domain/ssrf';
export * from './domain/replay-job';
export * from './domain/secret-rotation';
export * from './adapters/http-delivery';
export type * from './ports';
export * from './config';
export * from './use-cases/deliver-webhooks';
export * from './use-cases/fan-out';
export * from './use-cases/webhook-endpoints';
export * from './use-cases/replay-jobs';
export * from './use-cases/scheduled-rotation';

/** The request schemas of the webhook routes, for the route table: each built on its first call. */
export const webhookRoutesSchemas = {
  createWebhookEndpointBody,
  updateWebhookEndpointBody,
  replayWebhookEventsBody,
  listDeliveriesQuery,
  listEndpointsQuery,
} as const;

/** The response schemas of the webhook routes (each with an id and an example), for the route table. */
export const webhookRoutesResponses = /* @__PURE__ */ lazyRecord({
  endpoint: webhookEndpointResponse,
  endpointWithSecret: webhookEndpointWithSecretResponse,
  endpointSecret: webhookEndpointSecretResponse,
  endpointList: webhookEndpointListResponse,
  deliveryPage: deliveryPageResponse,
  replayJob: replayJobResponse,
  retryAccepted: deliveryRetryAcceptedResponse,
});
