/**
 * The Lambda glue every API function shares (the whole `Api` and each area's): one metric tally,
 * correlation ids and logging per invocation, the unexpected error's log line.
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { isStoreThrottle } from '../../src/shared/store-throttle';
import type { AdminAct } from '../../src/audit';

export const tally = new MetricTally(metrics);

/** Both are errors (a 5xx is ours); a store throttle is named so that the runbook's query finds it. */
export const onUnexpectedError = (error: unknown, event: APIGatewayProxyEvent): void =>
  logger.error(isStoreThrottle(error) ? 'store throttled' : 'unexpected error', {
    error: error as Error,
    path: event.path,
    method: event.httpMethod,
  });

/**
 * An admin act the Audit table refused (functions/api/admin-acts.ts): one ERROR log line with the
 * act whole (its durable record) and a metric, for every area whose routes record acts.
 */
export const onActParked = (act: AdminAct, error: unknown): void => {
  logger.error('admin act parked: the Audit table refused it', {
    adminActParked: act,
    error: error as Error,
  });
  tally.add('AuditEntriesParked', MetricUnit.Count);
};

/** The raw handler (for tests and the local mode's direct calls) and the middy-wrapped one for Lambda. */
export function apiHandlers(serve: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>) {
  const handleRequest = correlated(logger, publishingMetrics(tally, metrics, serve));
  return { handleRequest, handler: middy(handleRequest).use(withLogging(logger)) };
}
