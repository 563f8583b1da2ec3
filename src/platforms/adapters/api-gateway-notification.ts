/**
 * API Gateway (REST, Lambda proxy) <-> an inbound platform notification, for the public
 * notification routes. The signature must be computed over exactly what the platform sent:
 * - a body API Gateway passes base64-encoded (a binary media type) is decoded to its bytes;
 * - otherwise API Gateway passes the body as a string decoded as UTF-8, and encoding it back as
 *   UTF-8 gives the very bytes the platform sent whenever they were valid UTF-8 (JSON always is;
 *   Facebook's `\\u00e9` escapes stay escapes). Limitation: bytes that were not valid UTF-8 come
 *   through altered, so their signature fails and the request is refused (401): it fails closed.
 * Header names are lower-cased; a repeated query parameter keeps its last value.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { problemResponse } from '../../shared/http';
import { problemOf, type ProblemKind } from '../../shared/problem';
import type { InboundNotification } from '../domain/platform';
import { NOTIFICATION_MAX_BODY_BYTES } from '../domain/notification-schemas';
import type { NotificationAnswer } from '../use-cases/receive-notification';

/** Notifications are small (Facebook batches up to ~1,000 updates); anything larger is refused. */
export const NOTIFICATION_BODY_LIMIT_BYTES = NOTIFICATION_MAX_BODY_BYTES;

export type InboundRequest =
  | { readonly ok: true; readonly request: InboundNotification }
  | { readonly ok: false; readonly status: 405 | 413; readonly reason: string };

export function inboundNotificationOf(event: APIGatewayProxyEvent): InboundRequest {
  if (event.httpMethod !== 'GET' && event.httpMethod !== 'POST') {
    return { ok: false, status: 405, reason: `${event.httpMethod} is not allowed here` };
  }
  const raw = event.body ?? '';
  const rawBody = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (rawBody.length > NOTIFICATION_BODY_LIMIT_BYTES) {
    return {
      ok: false,
      status: 413,
      reason: `the body is limited to ${NOTIFICATION_BODY_LIMIT_BYTES} bytes`,
    };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  return { ok: true, request: { method: event.httpMethod, headers, query, rawBody } };
}

const PROBLEM_BY_STATUS: Readonly<Record<400 | 401 | 403 | 404 | 405 | 413, ProblemKind>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
};

/** A refused notification as a problem (RFC 9457), never a 5xx. */
export const refusedResponse = (
  status: keyof typeof PROBLEM_BY_STATUS,
  reason: string,
): APIGatewayProxyResult => problemResponse(problemOf(PROBLEM_BY_STATUS[status], reason));

/** The HTTP answer: the handshake's text, 200 once enqueued, a problem (4xx) when refused. */
export function notificationResponse(answer: NotificationAnswer): APIGatewayProxyResult {
  switch (answer.kind) {
    case 'challenge':
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: answer.answer,
      };
    case 'accepted':
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ received: answer.notifications }),
      };
    case 'rejected':
      return refusedResponse(answer.status, answer.reason);
  }
}
