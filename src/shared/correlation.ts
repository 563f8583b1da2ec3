/**
 * The correlation id: one id per API request, carried by every message the request causes (the
 * ingest message, the inference retry, the domain event, each webhook delivery) and stored on the
 * records they write, so logs and `npm run cli -- trace <reviewId>` can follow one review.
 *
 * It comes from the client's `X-Correlation-Id` header when that is a valid id, else from API
 * Gateway's request id. An invalid header is ignored (never a 4xx: it is a tracing aid), so a
 * client can never put arbitrary text into our logs, message attributes or tables.
 */
import type { APIGatewayProxyEvent, SQSRecord } from 'aws-lambda';

/** The request and response header (echoed on every API answer). */
export const CORRELATION_HEADER = 'x-correlation-id';
/** The SQS message attribute every pipeline message carries. */
export const CORRELATION_ATTRIBUTE = 'correlationId';
/** The CloudEvents extension attribute on the Events queue (1..20 lower-case letters). */
export const CORRELATION_EXTENSION = 'correlationid';

export const CORRELATION_ID_MAX = 128;
/** What a valid id looks like (also published in the API description). */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** A correlation id is 1..128 characters of letters, digits, `.`, `_`, `:`, `-` (starting alphanumeric). */
export function isCorrelationId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= CORRELATION_ID_MAX &&
    CORRELATION_ID_PATTERN.test(value)
  );
}

/** The request's correlation id: a valid `X-Correlation-Id`, else API Gateway's request id. */
export function correlationIdOfRequest(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'requestContext'>,
): string | undefined {
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (name.toLowerCase() === CORRELATION_HEADER && isCorrelationId(value)) return value;
  }
  const requestId: unknown = event.requestContext?.requestId;
  return isCorrelationId(requestId) ? requestId : undefined;
}

/** The message attributes that carry an id (none when there is no valid id). */
export function correlationAttributes(correlationId: string | undefined): Record<string, string> {
  return isCorrelationId(correlationId) ? { [CORRELATION_ATTRIBUTE]: correlationId } : {};
}

/** `{ correlationId }` to spread into a message or a record, or nothing. */
export function withCorrelationId(correlationId: unknown): { correlationId?: string } {
  return isCorrelationId(correlationId) ? { correlationId } : {};
}

/**
 * The correlation id of one SQS record: its message attribute, else the body's `correlationId`
 * field or `correlationid` CloudEvents extension (messages sent before attributes were added,
 * or redriven without them).
 */
export function correlationIdOfRecord(
  record: Pick<SQSRecord, 'body'> & { messageAttributes?: SQSRecord['messageAttributes'] },
): string | undefined {
  const attribute = record.messageAttributes?.[CORRELATION_ATTRIBUTE]?.stringValue;
  if (isCorrelationId(attribute)) return attribute;
  try {
    const body = JSON.parse(record.body) as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null) return undefined;
    const found = body.correlationId ?? body[CORRELATION_EXTENSION];
    return isCorrelationId(found) ? found : undefined;
  } catch {
    return undefined;
  }
}
