/** Lambda entry of the HTTP API: wires adapters from the environment to `handleApiEvent`. */
import { modelCard } from '../../src/models/inference/model-cards';
import { systemClock } from '../../src/shared/clock';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from '../../src/shared/powertools';
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
  replayJobStore,
  replayQueue,
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
import { handleApiEvent, type ApiDeps } from './app';
import { apiHandlers, onUnexpectedError, tally } from './lambda';
import { reviewsAreaDeps } from './reviews-deps';

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
  // The reviews area's adapters, as ApiReviews wires them.
  ...reviewsAreaDeps(),
  auditReader: dynamoAuditLog(),
  integrationHealth: {
    connections: connectionStore(),
    stats: platformStatsStore(),
    breakers: platformBreakerStates(),
    clock: systemClock,
  },
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
  onUnexpectedError,
}));

export const { handleRequest, handler } = apiHandlers((event) => handleApiEvent(event, deps()));
