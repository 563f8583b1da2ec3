/**
 * The one logging middleware every Lambda handler uses (`middy(fn).use(withLogging(logger))`):
 * Powertools' Lambda context, plus the correlation id (src/shared/correlation.ts) on every log
 * line of the invocation as Powertools' `correlation_id` key, reset after each invocation.
 * - API requests: the request's id; the answer echoes it in `X-Correlation-Id`.
 * - SQS batches: the records' id when they share one; several ids are listed in
 *   `correlation_ids` (per-record lines name their own `correlationId`).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, SQSRecord } from 'aws-lambda';
import { CORRELATION_HEADER, correlationIdOfRecord, correlationIdOfRequest } from './correlation';

/** Batches larger than this list only this many distinct ids (log lines stay small). */
const MAX_LISTED_IDS = 10;

const isApiEvent = (event: unknown): event is APIGatewayProxyEvent =>
  typeof event === 'object' && event !== null && 'httpMethod' in event && 'requestContext' in event;

const sqsRecordsOf = (event: unknown): SQSRecord[] | undefined => {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.every((r) => (r as SQSRecord)?.eventSource === 'aws:sqs')
    ? (records as SQSRecord[])
    : undefined;
};

/** The correlation ids of an SQS batch, distinct, in record order. */
export function batchCorrelationIds(records: readonly SQSRecord[]): string[] {
  return [...new Set(records.map(correlationIdOfRecord).filter((id) => id !== undefined))];
}

export function correlationLogging(logger: Logger): MiddlewareObj<unknown, unknown> {
  return {
    before: (request) => {
      if (isApiEvent(request.event)) {
        const id = correlationIdOfRequest(request.event);
        if (id) logger.setCorrelationId(id);
        // At DEBUG, one line per invocation that already carries the id (follow a request in the logs).
        logger.debug('request', { method: request.event.httpMethod, resource: request.event.resource });
        return;
      }
      const records = sqsRecordsOf(request.event);
      if (!records) return;
      const ids = batchCorrelationIds(records);
      if (ids.length === 1) logger.setCorrelationId(ids[0]);
      else if (ids.length > 1) logger.appendKeys({ correlation_ids: ids.slice(0, MAX_LISTED_IDS) });
      logger.debug('batch', { records: records.length });
    },
    after: (request) => {
      if (!isApiEvent(request.event)) return;
      const id = correlationIdOfRequest(request.event);
      const response = request.response as APIGatewayProxyResult | undefined;
      // Only HTTP answers (the authorizer's event looks alike but answers with a policy).
      if (id && typeof response?.statusCode === 'number') {
        response.headers = { ...response.headers, [CORRELATION_HEADER]: id };
      }
    },
  };
}

/** Powertools' context injection (keys reset per invocation) followed by the correlation id. */
export function withLogging(logger: Logger): MiddlewareObj<unknown, unknown>[] {
  return [
    injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj<unknown, unknown>,
    correlationLogging(logger),
  ];
}
