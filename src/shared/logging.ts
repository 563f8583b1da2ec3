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
 *
 * The keys are per invocation, not per logger: `correlated` runs the invocation in an
 * AsyncLocalStorage holding its keys, and `InvocationLogFormatter` (the shared logger's formatter,
 * src/shared/powertools.ts) adds them to each line. The local mode overlaps up to 16 invocations
 * of a function in one thread with one logger; each line still carries its own invocation's id,
 * as in Lambda, which runs one invocation per environment.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LogFormatter, LogItem, type Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
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

/** The log keys of the invocation running now (empty outside `correlated`). */
const invocationKeys = new AsyncLocalStorage<LogAttributes>();

export function currentInvocationKeys(): LogAttributes {
  return invocationKeys.getStore() ?? {};
}

/**
 * Powertools' standard line (the same keys as its default formatter) plus the keys of the
 * invocation that logs it, so overlapping invocations never lend each other their ids.
 */
export class InvocationLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: attributes.lambdaContext?.coldStart,
        function_arn: attributes.lambdaContext?.invokedFunctionArn,
        function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
        function_name: attributes.lambdaContext?.functionName,
        function_request_id: attributes.lambdaContext?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
      },
    })
      .addAttributes(additionalLogAttributes)
      .addAttributes(currentInvocationKeys());
  }
}

/** The event's correlation keys: `correlation_id`, or `correlation_ids` for a mixed SQS batch. */
function correlationKeysOf(event: unknown): LogAttributes {
  if (isApiEvent(event)) {
    const id = correlationIdOfRequest(event);
    return id ? { correlation_id: id } : {};
  }
  const records = sqsRecordsOf(event);
  if (!records) return {};
  const ids = batchCorrelationIds(records);
  return ids.length === 1
    ? { correlation_id: ids[0] }
    : ids.length > 1
      ? { correlation_ids: ids.slice(0, MAX_LISTED_IDS) }
      : {};
}

/** At DEBUG, one line per invocation that already carries the id (follow a request in the logs). */
function logInvocationStart(logger: Logger, event: unknown): void {
  if (isApiEvent(event)) {
    logger.debug('request', { method: event.httpMethod, resource: event.resource });
    return;
  }
  const records = sqsRecordsOf(event);
  // The queue's name is the last part of the source ARN.
  if (records) {
    logger.debug('batch', { records: records.length, queue: records[0]?.eventSourceARN?.split(':').pop() });
  }
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
 * The handler with the correlation keys on its log lines during each invocation, kept per
 * invocation (overlapping invocations each log their own id; needs `InvocationLogFormatter`).
 */
export function correlated<E, R>(logger: Logger, fn: (event: E) => Promise<R>): (event: E) => Promise<R> {
  return (event: E) =>
    invocationKeys.run(correlationKeysOf(event), async () => {
      logInvocationStart(logger, event);
      return echoCorrelation(event, await fn(event));
    });
}

/**
 * The Lambda middleware (one invocation per environment): the keys on the logger, which
 * `injectLambdaContext({ resetKeys: true })` clears after the invocation. For handlers without
 * `correlated`; with it, both give the same keys.
 */
export function correlationLogging(logger: Logger): MiddlewareObj<unknown, unknown> {
  return {
    before: (request) => {
      logger.appendKeys(correlationKeysOf(request.event));
      logInvocationStart(logger, request.event);
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
