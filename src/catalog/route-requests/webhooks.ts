/**
 * The request schemas (body, query, raw body) of the `webhooks` area's routes, for its function and
 * the route table. Each route's are built the first time they are read (ADR 0022, twelfth round).
 */
import { webhookRoutesSchemas } from '../../webhooks';
import { lazyRecord } from '../../shared/lazy';
import type { AreaRequests } from '../route-table';

export const WEBHOOKS_REQUESTS = /* @__PURE__ */ lazyRecord({
  createWebhookEndpoint: () => ({
    body: webhookRoutesSchemas.createWebhookEndpointBody(),
  }),
  listWebhookEndpoints: () => ({
    query: webhookRoutesSchemas.listEndpointsQuery(),
  }),
  updateWebhookEndpoint: () => ({
    body: webhookRoutesSchemas.updateWebhookEndpointBody(),
  }),
  listWebhookDeliveries: () => ({
    query: webhookRoutesSchemas.listDeliveriesQuery(),
  }),
  replayWebhookEvents: () => ({
    body: webhookRoutesSchemas.replayWebhookEventsBody(),
  }),
}) satisfies AreaRequests;
