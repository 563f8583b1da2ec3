/** Lambda entry of the HTTP API: wires adapters from the environment to `handleApiEvent`. */
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { modelCard } from '../../src/models/inference/model-cards';
import { systemClock } from '../../src/shared/clock';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import {
  breakerStore,
  connectionDeps,
  deliveryQueue,
  deliveryStore,
  endpointRepository,
  eventLog,
  dynamoAuditLog,
  connectionStore,
  idempotencyStore,
  platformBreakerStates,
  platformStatsStore,
  importFiles,
  importJobStore,
  importQueue,
  modelEngine,
  modelStatsStore,
  once,
  queueSender,
  replayJobStore,
  replayQueue,
  replyCapability,
  replyQueue,
  reviewRepository,
  reviewRequestQuota,
  reviewRequestRepository,
  reviewRequestsPerDay,
  reviewTokenKeys,
  webhookConfig,
  receiveNotificationDeps,
  adminAuditReader,
  adminAuditTrail,
  apiKeyStore,
  privacyRequestDeps,
  healthProbes,
} from '../../src/wiring';
import { currentRegion } from '../../src/shared/env';
import { SERVICE_METRICS } from '../../src/catalog/metrics';
import { isStoreThrottle } from '../../src/shared/store-throttle';
import { handleApiEvent, type ApiDeps } from './app';

const tally = new MetricTally(metrics);

const deps = once((): ApiDeps => ({
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
  reviews: reviewRepository(),
  requests: reviewRequestRepository(),
  quota: reviewRequestQuota(),
  emailQueue: queueSender('ReviewRequestEmails'),
  reviewRequestsPerDay: reviewRequestsPerDay(),
  queue: queueSender('Ingest'),
  keys: reviewTokenKeys(),
  // Cursors are signed with a key derived from the same secret (domain-separated).
  cursorKeys: reviewTokenKeys(),
  clock: systemClock,
  auditReader: dynamoAuditLog(),
  integrationHealth: {
    connections: connectionStore(),
    stats: platformStatsStore(),
    breakers: platformBreakerStates(),
    clock: systemClock,
  },
  replyQueue: replyQueue(),
  replyCapability,
  models: modelEngine(),
  modelStats: modelStatsStore(),
  // Retrained models' cards come from the model store (ADR 0026), shipped ones from the layer.
  modelCard: (task, version) => modelEngine().storeCard(task, version) ?? modelCard(task, version),
  refreshModels: () => modelEngine().refresh(),
  onStatsError: (error) => logger.warn('model statistics not saved', { error: error as Error }),
  platformConnections: connectionDeps,
  importJobs: importJobStore(),
  importFiles: importFiles(),
  importQueue: importQueue(),
  notifications: receiveNotificationDeps,
  // API keys and the admin audit trail (issue 9)
  apiKeyDeps: { apiKeys: apiKeyStore(), now: () => new Date() },
  adminAudit: adminAuditTrail(),
  adminAuditReader: adminAuditReader(),
  onActParked: (act, error) => {
    logger.error('admin act parked: the Audit table refused it', {
      adminActParked: act,
      error: error as Error,
    });
    tally.add('AuditEntriesParked', MetricUnit.Count);
  },
  // Connection tokens are signed with a key derived from the review-token secret (domain-separated).
  realtimeTokens: { keys: reviewTokenKeys(), clock: systemClock },
  privacy: privacyRequestDeps(),
  // Deep health (issue 11)
  health: {
    probes: healthProbes(),
    region: currentRegion(),
    onFailed: () => tally.add(SERVICE_METRICS.healthChecksFailed, MetricUnit.Count),
  },
  // Both are errors (a 5xx is ours); a store throttle is named so that the runbook's query finds it.
  onUnexpectedError: (error, event) =>
    logger.error(isStoreThrottle(error) ? 'store throttled' : 'unexpected error', {
      error: error as Error,
      path: event.path,
      method: event.httpMethod,
    }),
}));

export const handleRequest = correlated(
  logger,
  publishingMetrics(tally, metrics, (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
    handleApiEvent(event, deps()),
  ),
);

export const handler = middy(handleRequest).use(withLogging(logger));
