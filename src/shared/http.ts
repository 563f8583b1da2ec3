/**
 * HTTP plumbing shared by the API handler (and therefore by the local gateway, which calls the
 * same handler): body reading with the contract's limits, and problem+json responses.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ProblemError, type ProblemDetails } from './problem';

const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { ...BASE_HEADERS, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function problemResponse(
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: problem.status,
    headers: { ...BASE_HEADERS, 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(problem),
  };
}

export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** The largest JSON body the API accepts (the contract's limit; API Gateway's own is 10 MB). */
export const BODY_LIMIT_BYTES = 64 * 1024;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Reads a JSON object body: 415 wrong type, 413 too big, 400 empty/malformed/not an object. */
export function readJsonObject(event: APIGatewayProxyEvent): Record<string, unknown> {
  const contentType = header(event, 'content-type');
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json' && !mediaType?.match(/^application\/[\w.+-]*\+json$/)) {
    throw new ProblemError('unsupported-media-type', 'send the body as application/json');
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > BODY_LIMIT_BYTES) {
    throw new ProblemError('payload-too-large', `the body is limited to ${BODY_LIMIT_BYTES} bytes`);
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new ProblemError('bad-request', 'the request body is empty');
  let forbidden: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden = key;
      return v;
    });
  } catch (error) {
    throw new ProblemError(
      'invalid-json',
      `the body is not valid JSON: ${(error as Error).message}`.slice(0, 300),
    );
  }
  if (forbidden !== undefined) {
    throw new ProblemError('bad-request', `the key "${forbidden}" is not allowed`, [
      { path: forbidden, message: 'forbidden key' },
    ]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProblemError('bad-request', 'the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
