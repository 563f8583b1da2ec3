/** The request schemas (body, query, raw body) of the `webhooks` area's routes, for its function and the route table. */
import { webhookRoutesSchemas } from '../../webhooks';
import type { AreaRequests } from '../route-table';

export const WEBHOOKS_REQUESTS = {
  createWebhookEndpoint: {
    body: webhookRoutesSchemas.createWebhookEndpointBody,
  },
  listWebhookEndpoints: {
    query: webhookRoutesSchemas.listEndpointsQuery,
  },
  updateWebhookEndpoint: {
    body: webhookRoutesSchemas.updateWebhookEndpointBody,
  },
  listWebhookDeliveries: {
    query: webhookRoutesSchemas.listDeliveriesQuery,
  },
  replayWebhookEvents: {
    body: webhookRoutesSchemas.replayWebhookEventsBody,
  },
} as const satisfies AreaRequests;
