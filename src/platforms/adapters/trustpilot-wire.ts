/**
 * Trustpilot's business API as the connector reads it (../shared/PLATFORMS.md §5): the private
 * review shape and its mapping to PlatformReview, how a failed call is classified, the recommended
 * quota, and the (unsigned) review webhooks. Pure: no network, unit-tested on its own.
 *
 * Its zod schemas are built on first use (`lazy`, ADR 0022, eighth round): a worker that serves
 * every platform builds only the wire formats of the platforms it calls.
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import type {
  InboundNotification,
  NotificationVerdict,
  PlatformFailure,
  PlatformReview,
} from '../domain/platform';
import { parseJsonBody, retryAfterMs, secretsEqual, sha256Hex, toIso, type Parsed } from './platform-wire';

/** One window of a platform's documented call budget. */
export interface QuotaWindow {
  readonly calls: number;
  readonly windowMs: number;
}

/**
 * Trustpilot "recommends that you don't exceed 833 calls per 5 minutes or 10K calls per hour"
 * (developers.trustpilot.com/rate-limiting). Both windows apply to our API key, across every
 * connection, so the buckets are per app.
 */
export const TRUSTPILOT_QUOTA_POLICY = {
  scope: 'app',
  windows: [
    { calls: 833, windowMs: 5 * 60_000 },
    { calls: 10_000, windowMs: 60 * 60_000 },
  ] satisfies readonly QuotaWindow[],
} as const;

/** `perPage` is 1..100 (default 20): we always ask for the most, to spend the fewest calls. */
export const TRUSTPILOT_MAX_PER_PAGE = 100;

/** Without Retry-After, a 429 waits this long: a fifth of the 5-minute window. */
export const TRUSTPILOT_DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

const isoTimestamp = /* @__PURE__ */ lazy(() =>
  z.string().check(z.refine((value) => toIso(value) !== undefined, 'not a timestamp')),
);

/** The fields of a private service review we use; everything else (email, order id) is dropped. */
export const trustpilotReviewSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    stars: z.nullish(z.number()),
    title: z.nullish(z.string()),
    text: z.nullish(z.string()),
    consumer: z.nullish(z.object({ displayName: z.nullish(z.string()) })),
    createdAt: isoTimestamp(),
    updatedAt: z.nullish(isoTimestamp()),
    companyReply: z.nullish(
      z.object({
        text: z.string(),
        createdAt: z.nullish(isoTimestamp()),
        updatedAt: z.nullish(isoTimestamp()),
      }),
    ),
    businessUnit: z.nullish(z.object({ id: z.string() })),
  }),
);
export type TrustpilotReview = z.infer<ReturnType<typeof trustpilotReviewSchema>>;

export const trustpilotReviewListSchema = /* @__PURE__ */ lazy(() =>
  z.object({ reviews: z.array(trustpilotReviewSchema()) }),
);

export function mapTrustpilotReview(review: TrustpilotReview): PlatformReview {
  const createdAt = toIso(review.createdAt) as string;
  const updatedAt = review.updatedAt ? (toIso(review.updatedAt) as string) : createdAt;
  const stars = review.stars;
  const reply = review.companyReply;
  const replyAt = reply?.updatedAt ?? reply?.createdAt;
  return {
    externalId: review.id,
    ...(typeof stars === 'number' && Number.isInteger(stars) && stars >= 1 && stars <= 5
      ? { rating: stars }
      : {}),
    ...(review.title ? { title: review.title } : {}),
    body: review.text ?? '',
    reviewerName: review.consumer?.displayName?.trim() || 'Anonymous',
    createdAt,
    // An edit can only move a review forward: never report it older than its creation.
    updatedAt: updatedAt < createdAt ? createdAt : updatedAt,
    ...(reply ? { reply: { comment: reply.text, ...(replyAt ? { updatedAt: toIso(replyAt) } : {}) } } : {}),
    // `companyReply` is not in PLATFORMS.md §5 (its name and shape are unconfirmed): only an answer
    // that carries the field (null: no reply) says whether a reply exists; without it, unknown.
    ...(review.companyReply !== undefined ? { replyKnown: true as const } : {}),
  };
}

/**
 * What a non-2xx answer means. 401: the access token was refused (refresh once); 429: wait for
 * Retry-After; 5xx: transient; anything else (400, 403, 404 on a reply) cannot succeed as sent.
 */
export function classifyTrustpilotFailure(
  status: number,
  headers: Readonly<Record<string, string>>,
  nowMs: number,
): PlatformFailure {
  const wait = retryAfterMs(headers['retry-after'], nowMs);
  if (status === 401) return { kind: 'auth-expired', reason: 'access token refused (401)' };
  if (status === 429) {
    return {
      kind: 'rate-limited',
      reason: 'Trustpilot answered 429',
      waitMs: wait ?? TRUSTPILOT_DEFAULT_RATE_LIMIT_WAIT_MS,
      window: 'minute',
    };
  }
  if (status >= 500) {
    return {
      kind: 'retry-later',
      reason: `Trustpilot answered ${status}`,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    };
  }
  return { kind: 'permanent', reason: `Trustpilot answered ${status}`, status };
}

/** A 2xx whose body is not the documented shape (HTML from a proxy, truncated JSON): try again later. */
export const malformedTrustpilotBody = (reason: string): PlatformFailure => ({
  kind: 'retry-later',
  reason: `Trustpilot sent a malformed body: ${reason}`,
});

export const TRUSTPILOT_EVENTS = [
  'service-review-created',
  'service-review-updated',
  'service-review-deleted',
] as const;

/** The documented webhook payload; only the ids are used (the body's copy of a review is never trusted). */
export const trustpilotWebhookSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    events: z
      .array(
        z.object({
          eventName: z.enum(TRUSTPILOT_EVENTS),
          version: z.union([z.string(), z.number()]),
          eventData: z.object({
            id: z.string().check(z.minLength(1), z.maxLength(200)),
            locationId: z.nullish(z.string()),
          }),
        }),
      )
      .check(z.minLength(1), z.maxLength(1000)),
  }),
);

/**
 * Checks an inbound Trustpilot webhook. Trustpilot signs nothing, so the only proof of origin is
 * the unguessable per-connection token in the URL path (the route passes it as `query.token`),
 * compared in constant time with `secrets.notificationToken`. The business unit comes from
 * `secrets.businessUnitId` (the connection the token belongs to); without it, from the event's
 * `locationId`.
 */
export function verifyTrustpilotNotification(
  request: InboundNotification,
  secrets: Readonly<Record<string, string>>,
): NotificationVerdict {
  const expected = secrets.notificationToken;
  if (!expected) return { kind: 'rejected', status: 401, reason: 'no notification token configured' };
  const given = request.query.token;
  if (given === undefined || !secretsEqual(given, expected)) {
    return { kind: 'rejected', status: 401, reason: 'wrong or missing notification token' };
  }
  if (request.method !== 'POST') return { kind: 'rejected', status: 400, reason: 'notifications are POSTed' };
  const parsed: Parsed<z.infer<ReturnType<typeof trustpilotWebhookSchema>>> = parseJsonBody(
    request.rawBody.toString('utf8'),
    trustpilotWebhookSchema(),
  );
  if (!parsed.ok) return { kind: 'rejected', status: 400, reason: parsed.reason };

  const dedupKey = `trustpilot:${sha256Hex(request.rawBody)}`;
  const byUnit = new Map<string, { externalIds: Set<string>; deleted: Set<string> }>();
  for (const event of parsed.value.events) {
    const unit = secrets.businessUnitId || event.eventData.locationId;
    if (!unit) return { kind: 'rejected', status: 400, reason: 'event names no business unit' };
    const entry = byUnit.get(unit) ?? { externalIds: new Set<string>(), deleted: new Set<string>() };
    byUnit.set(unit, entry);
    (event.eventName === 'service-review-deleted' ? entry.deleted : entry.externalIds).add(
      event.eventData.id,
    );
  }
  return {
    kind: 'notification',
    notifications: [...byUnit].map(([locationId, entry]) => ({
      locationId,
      externalIds: [...entry.externalIds],
      deletedExternalIds: [...entry.deleted],
      dedupKey: byUnit.size === 1 ? dedupKey : `${dedupKey}:${locationId}`,
    })),
  };
}
