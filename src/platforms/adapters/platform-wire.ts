/**
 * Small pure helpers the platform adapters share for reading HTTP answers: JSON bodies checked
 * with zod (a 200 that is HTML, truncated JSON or an unexpected shape is a transient failure, not
 * a crash), `Retry-After` in both of its forms, timestamps normalised to one ISO form, and
 * constant-time secret comparison and body hashes for inbound notifications.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type * as z from '../../shared/zod';
import { PlatformCallError } from '../domain/platform';
import type { ConnectedPlatform, PlatformOperation } from '../domain/platform';
import type { PlatformHttpRequest, PlatformHttpResponse } from '../ports';

/**
 * The body as `schema` describes it. Anything else (not JSON, or JSON of another shape) throws a
 * `retry-later` PlatformCallError: a proxy's HTML page or a truncated body is usually transient,
 * and a lasting change of shape still ends in the DLQ and its alarm rather than in a crash.
 */
export function parseBody<S extends z.ZodMiniType>(
  platform: ConnectedPlatform,
  operation: PlatformOperation,
  response: PlatformHttpResponse,
  schema: S,
): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw new PlatformCallError(
      platform,
      operation,
      { kind: 'retry-later', reason: `status ${response.status} with a body that is not JSON` },
      response.status,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown';
    throw new PlatformCallError(
      platform,
      operation,
      { kind: 'retry-later', reason: `unexpected response shape (${where})` },
      response.status,
    );
  }
  return parsed.data as z.infer<S>;
}

/** JSON when the body is JSON, undefined otherwise (error bodies are read best-effort). */
export function tryJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent or bad. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form starts with the day's name ("Sun, 06 Nov 1994 08:49:37 GMT").
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * An RFC 3339 / ISO 8601 timestamp with a zone as `Date#toISOString` writes it (UTC, milliseconds),
 * so timestamps from every platform compare as strings. Google sends up to 9 fractional digits; the
 * digits past the millisecond are dropped (comparisons against a watermark include equal times, so
 * nothing is missed). Undefined when the text is not a timestamp with a zone.
 */
export function normaliseTimestamp(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The parsed value, or why the body is not what the platform documents. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Parses a body as JSON and checks it with `schema`; HTML, truncated JSON and wrong shapes all fail. */
export function parseJsonBody<T>(body: string, schema: z.ZodMiniType<T>): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: `body is not JSON (${describeBody(body)})` };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    return { ok: false, reason: `unexpected body shape at '${path}': ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: result.data };
}

/**
 * Compares two secrets in constant time. Both sides are hashed first so different lengths take
 * the same time and never throw (timingSafeEqual needs equal lengths).
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Timestamps as ISO 8601 UTC; Facebook writes `+0000`, which Date parses but we do not store. */
export function toIso(value: string): string | undefined {
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function describeBody(body: string): string {
  const start = body.trimStart().slice(0, 1);
  if (start === '<') return 'HTML';
  if (body.length === 0) return 'empty';
  return `${body.length} bytes`;
}

/**
 * A platform API request with the access token as a Bearer header (never in the URL the audit log
 * records) and, when there is a body, its content type.
 */
export function bearerRequest(
  credentials: { readonly accessToken: string },
  method: PlatformHttpRequest['method'],
  url: string,
  body?: { readonly text: string; readonly contentType: string },
): PlatformHttpRequest {
  return {
    method,
    url,
    headers: {
      authorization: `Bearer ${credentials.accessToken}`,
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': body.contentType } : {}),
    },
    ...(body !== undefined ? { body: body.text } : {}),
  };
}
