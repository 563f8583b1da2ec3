/**
 * The correlation id (src/shared/correlation.ts) on every log line of an invocation, as
 * Powertools' `correlation_id` key, in one place used by every handler:
 * - `correlated(logger, fn)` wraps a handler's raw export (what the local mode invokes, and what
 *   the Lambda `handler` wraps), so the local mode logs exactly what Lambda logs;
 * - `withLogging(logger)` is the middy middleware of the Lambda `handler`: Powertools' Lambda
 *   context with the keys reset after each invocation, and the same correlation keys.
 * API requests: the request's id; the answer echoes it in `X-Correlation-Id`. SQS batches: the
 * records' id when they share one; several ids are listed in `correlation_ids` (per-record lines
 * name their own `correlationId`).
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

/** Appends the event's correlation keys to the logger; returns their names (to remove them). */
function appendCorrelation(logger: Logger, event: unknown): string[] {
  if (isApiEvent(event)) {
    const id = correlationIdOfRequest(event);
    if (id) logger.appendKeys({ correlation_id: id });
    // At DEBUG, one line per invocation that already carries the id (follow a request in the logs).
    logger.debug('request', { method: event.httpMethod, resource: event.resource });
    return id ? ['correlation_id'] : [];
  }
  const records = sqsRecordsOf(event);
  if (!records) return [];
  const ids = batchCorrelationIds(records);
  const keys =
    ids.length === 1
      ? { correlation_id: ids[0] }
      : ids.length > 1
        ? { correlation_ids: ids.slice(0, MAX_LISTED_IDS) }
        : {};
  logger.appendKeys(keys);
  // The queue's name is the last part of the source ARN.
  logger.debug('batch', { records: records.length, queue: records[0]?.eventSourceARN?.split(':').pop() });
  return Object.keys(keys);
}

/** Echoes the request's id on an HTTP answer (not on an authorizer's policy, which has no status). */
function echoCorrelation<R>(event: unknown, response: R): R {
  if (!isApiEvent(event)) return response;
  const id = correlationIdOfRequest(event);
  const answer = response as APIGatewayProxyResult | undefined;
  if (!id || typeof answer?.statusCode !== 'number') return response;
  return { ...answer, headers: { ...answer.headers, [CORRELATION_HEADER]: id } } as R;
}

/**
 * The handler with the correlation keys on its log lines during each invocation. (Lambda runs one
 * invocation per environment at a time; the local mode may overlap several in one thread, whose
 * lines can then carry a neighbour's id.)
 */
export function correlated<E, R>(logger: Logger, fn: (event: E) => Promise<R>): (event: E) => Promise<R> {
  return async (event: E) => {
    const keys = appendCorrelation(logger, event);
    try {
      return echoCorrelation(event, await fn(event));
    } finally {
      logger.removeKeys(keys);
    }
  };
}

export function correlationLogging(logger: Logger): MiddlewareObj<unknown, unknown> {
  return {
    before: (request) => {
      appendCorrelation(logger, request.event);
    },
    after: (request) => {
      request.response = echoCorrelation(request.event, request.response);
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
