/**
 * Lambda entry of the API's `webhooks` area (the `ApiWebhooks` function): endpoints (register, read,
 * change, delete, rotate and read their secrets), the delivery log, retries and replays. It bundles
 * its own operations, request schemas and adapters only (src/catalog/functions.ts `api`).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { WEBHOOKS_REQUESTS } from '../../src/catalog/route-requests/webhooks';
import { systemClock } from '../../src/shared/clock';
import {
  adminAuditTrail,
  breakerStore,
  deliveryQueue,
  deliveryStore,
  endpointRepository,
  eventLog,
  idempotencyStore,
  once,
  replayJobStore,
  replayQueue,
  reviewTokenKeys,
  webhookConfig,
} from '../../src/wiring';
import { areaApp, type AreaAppDeps } from './area-app';
import { apiHandlers, onActParked, onUnexpectedError, tally } from './lambda';
import { webhookOperations, type WebhookDeps } from './operations/webhooks';

type WebhooksAreaDeps = WebhookDeps & AreaAppDeps;

const deps = once((): WebhooksAreaDeps => ({
  // POST /v1/webhook-endpoints honours an Idempotency-Key.
  idempotency: idempotencyStore(),
  endpoints: endpointRepository(),
  deliveries: deliveryStore(),
  eventLog: eventLog(),
  deliveryQueue: deliveryQueue(),
  breakers: breakerStore(),
  webhookConfig: webhookConfig(),
  replayJobs: replayJobStore(),
  replayQueue: replayQueue(),
  onMetric: (name) => tally.add(name, MetricUnit.Count),
  // Cursors are signed with a key derived from the review-token secret (domain-separated).
  cursorKeys: reviewTokenKeys(),
  clock: systemClock,
  adminAudit: adminAuditTrail(),
  onActParked,
  onUnexpectedError,
}));

const app = areaApp<WebhooksAreaDeps>(webhookOperations, WEBHOOKS_REQUESTS);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
