/**
 * Small pure helpers the Trustpilot and Facebook connectors share: reading a platform's JSON
 * through a zod schema (so malformed data becomes a classified failure, never a crash), constant-
 * time secret comparison, body hashes for replay keys, and `Retry-After`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';

/** The parsed value, or why the body is not what the platform documents. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Parses a body as JSON and checks it with `schema`; HTML, truncated JSON and wrong shapes all fail. */
export function parseJsonBody<T>(body: string, schema: z.ZodType<T>): Parsed<T> {
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

/** JSON.parse that never throws (error bodies are optional extras, not the contract). */
export function tryJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
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

/** `Retry-After` as milliseconds (seconds or an HTTP date), undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

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
