/**
 * Google Business Profile reviews API v4 on the wire (../shared/PLATFORMS.md §1): the response
 * shapes checked with zod, the mapping of a Review to a PlatformReview, the classification of a
 * failed call from Google's error model, and the Pub/Sub push message. Pure: no network.
 *
 * Its zod schemas are built on first use (`lazy`, ADR 0022, eighth round): a worker that serves
 * every platform builds only the wire formats of the platforms it calls.
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import type {
  PlatformFailure,
  PlatformOperation,
  PlatformReview,
  VerifiedNotification,
} from '../domain/platform';
import type { PlatformHttpResponse } from '../ports';
import { normaliseTimestamp, retryAfterMs, tryJson } from './platform-wire';
import { REPLY_CAPABILITIES } from '../domain/replies';

/** `comment` of a ReviewReply is at most 4096 bytes (discovery doc). */
export const GOOGLE_MAX_REPLY_BYTES = REPLY_CAPABILITIES.google.maxReplyLength;
/** reviews.list accepts at most 50 per page. */
export const GOOGLE_MAX_PAGE_SIZE = 50;
/** The default quota is 300 requests per minute per project: without a hint, wait out one window. */
export const GOOGLE_DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

const STAR_RATINGS = { ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 } as const;

const timestamp = /* @__PURE__ */ lazy(() =>
  z.pipe(
    z.string(),
    z.transform((value, ctx) => {
      const normalised = normaliseTimestamp(value);
      if (normalised === undefined) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `not an RFC 3339 timestamp: ${value.slice(0, 40)}`,
        });
        return z.NEVER;
      }
      return normalised;
    }),
  ),
);

export const googleReviewSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    name: z.string().check(z.regex(/^accounts\/[^/]+\/locations\/[^/]+\/reviews\/[^/]+$/)),
    reviewId: z.optional(z.string()),
    reviewer: z.optional(
      z.object({
        displayName: z.optional(z.string()),
        profilePhotoUrl: z.optional(z.string()),
        isAnonymous: z.optional(z.boolean()),
      }),
    ),
    starRating: z.optional(z.enum(['STAR_RATING_UNSPECIFIED', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'])),
    /** Missing on rating-only reviews. */
    comment: z.optional(z.string()),
    createTime: timestamp(),
    updateTime: timestamp(),
    reviewReply: z.optional(z.object({ comment: z.string(), updateTime: z.optional(timestamp()) })),
  }),
);
export type GoogleReview = z.infer<ReturnType<typeof googleReviewSchema>>;

/** proto3 JSON leaves out empty repeated fields, so a location without reviews may send no `reviews`. */
export const googleListSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    reviews: z.optional(z.array(googleReviewSchema())),
    averageRating: z.optional(z.number()),
    totalReviewCount: z.optional(z.number()),
    nextPageToken: z.optional(z.string().check(z.minLength(1))),
  }),
);

export const googleReplySchema = /* @__PURE__ */ lazy(() =>
  z.object({
    comment: z.string(),
    updateTime: z.optional(timestamp()),
    /** Named only by a third party [2nd (gmbapi)]: read when present, never required. */
    reviewReplyState: z.optional(z.string()),
  }),
);

/** The last segment of a review `name`: our externalId (stable across edits). */
export const reviewIdOf = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

export function toPlatformReview(review: GoogleReview): PlatformReview {
  const rating =
    review.starRating && review.starRating !== 'STAR_RATING_UNSPECIFIED'
      ? STAR_RATINGS[review.starRating]
      : undefined;
  const anonymous = review.reviewer?.isAnonymous === true || !review.reviewer?.displayName?.trim();
  return {
    externalId: reviewIdOf(review.name),
    ...(rating !== undefined ? { rating } : {}),
    body: review.comment ?? '',
    reviewerName: anonymous ? 'Anonymous' : (review.reviewer?.displayName?.trim() ?? 'Anonymous'),
    createdAt: review.createTime,
    updatedAt: review.updateTime,
    // `reviewReply{comment, updateTime}` is part of every Review (PLATFORMS.md §1): absent, none.
    replyKnown: true,
    ...(review.reviewReply
      ? {
          reply: {
            comment: review.reviewReply.comment,
            ...(review.reviewReply.updateTime ? { updatedAt: review.reviewReply.updateTime } : {}),
          },
        }
      : {}),
  };
}

/**
 * The location's resource name `accounts/{a}/locations/{l}`. A connection may store the full name
 * or the bare location id with the account in its settings (`accountId`).
 */
export function locationNameOf(locationId: string, settings?: Readonly<Record<string, string>>): string {
  if (/^accounts\/[^/]+\/locations\/[^/]+$/.test(locationId)) return locationId;
  const bare = locationId.startsWith('locations/') ? locationId.slice('locations/'.length) : locationId;
  const account = settings?.accountId?.replace(/^accounts\//, '');
  if (account && /^[^/]+$/.test(bare)) return `accounts/${account}/locations/${bare}`;
  throw new Error(
    `Google location "${locationId}" is neither accounts/{a}/locations/{l} nor a bare id with settings.accountId`,
  );
}

const googleErrorSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    error: z.object({
      code: z.optional(z.number()),
      message: z.optional(z.string()),
      status: z.optional(z.string()),
      details: z.optional(z.array(z.record(z.string(), z.unknown()))),
    }),
  }),
);

interface GoogleError {
  readonly status?: string;
  readonly message: string;
  /** `ErrorInfo.reason` values, e.g. SERVICE_DISABLED, ACCESS_TOKEN_SCOPE_INSUFFICIENT. */
  readonly reasons: readonly string[];
  /** `RetryInfo.retryDelay` ("12s", "0.5s") as milliseconds. */
  readonly retryDelayMs?: number;
}

/** Google's error body `{error:{code,message,status,details}}`, best effort (it may be HTML). */
export function readGoogleError(body: string): GoogleError | undefined {
  const parsed = googleErrorSchema().safeParse(tryJson(body));
  if (!parsed.success) return undefined;
  const { status, message, details = [] } = parsed.data.error;
  const reasons: string[] = [];
  let retryDelayMs: number | undefined;
  for (const detail of details) {
    const type = typeof detail['@type'] === 'string' ? detail['@type'] : '';
    if (type.endsWith('google.rpc.ErrorInfo') && typeof detail.reason === 'string')
      reasons.push(detail.reason);
    if (type.endsWith('google.rpc.RetryInfo') && typeof detail.retryDelay === 'string') {
      const seconds = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay);
      if (seconds) retryDelayMs = Math.ceil(Number(seconds[1]) * 1000);
    }
  }
  return {
    ...(status ? { status } : {}),
    message: message ?? '',
    reasons,
    ...(retryDelayMs !== undefined ? { retryDelayMs } : {}),
  };
}

/**
 * How a non-2xx answer from Google is handled (the caller has already turned 404 on `get` into
 * "gone"): 401 refresh, 403 never retried (API disabled, missing role or scope), 429 wait
 * (Retry-After, then RetryInfo, then one quota window), 408/409/5xx retry later, other 4xx permanent.
 */
export function classifyGoogleFailure(
  response: PlatformHttpResponse,
  operation: PlatformOperation,
  nowMs: number,
): PlatformFailure {
  const error = readGoogleError(response.body);
  const said = error
    ? `${error.status ?? response.status}${error.message ? `: ${error.message}` : ''}`
    : `HTTP ${response.status}`;
  const retryAfter = retryAfterMs(response.headers['retry-after'], nowMs);
  const { status } = response;
  if (status === 401) return { kind: 'auth-expired', reason: `access token refused (${said})` };
  if (status === 403) {
    const why = error?.reasons.includes('SERVICE_DISABLED')
      ? 'the API is disabled for the Cloud project'
      : /insufficient authentication scopes/i.test(error?.message ?? '') ||
          error?.reasons.includes('ACCESS_TOKEN_SCOPE_INSUFFICIENT')
        ? 'the token lacks the business.manage scope'
        : 'permission denied';
    return { kind: 'permanent', reason: `${why} (${said})`, status };
  }
  if (status === 429) {
    return {
      kind: 'rate-limited',
      reason: `quota exhausted (${said})`,
      waitMs: retryAfter ?? error?.retryDelayMs ?? GOOGLE_DEFAULT_RATE_LIMIT_WAIT_MS,
      window: 'minute',
    };
  }
  if (status >= 500 || status === 408 || status === 409) {
    return {
      kind: 'retry-later',
      reason: `${operation} failed (${said})`,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  }
  return { kind: 'permanent', reason: `${operation} refused (${said})`, status };
}

/** Pub/Sub push body: the message's `data` is base64 JSON; Pub/Sub writes the id in both spellings. */
const pushSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    message: z
      .object({
        data: z.optional(z.string()),
        messageId: z.optional(z.string().check(z.minLength(1))),
        message_id: z.optional(z.string().check(z.minLength(1))),
      })
      .check(z.refine((m) => m.messageId !== undefined || m.message_id !== undefined, 'message id missing')),
    subscription: z.optional(z.string()),
  }),
);

/** The notification JSON; key names are unconfirmed (v4 camelCase, v1 snake_case): both accepted. */
const notificationDataSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    reviewName: z.optional(z.string()),
    review_name: z.optional(z.string()),
    locationName: z.optional(z.string()),
    location_name: z.optional(z.string()),
  }),
);

const REVIEW_NAME = /^(accounts\/[^/]+\/locations\/[^/]+)\/reviews\/([^/]+)$/;
const LOCATION_NAME = /^accounts\/[^/]+\/locations\/[^/]+$/;

/**
 * The notifications a Pub/Sub push body asks for, or why it is refused. A message about anything
 * but a review (a question, a Google update) is acknowledged with no notification, so Pub/Sub does
 * not redeliver it.
 */
export function readPubSubPush(
  rawBody: Buffer,
): { ok: true; notifications: VerifiedNotification[] } | { ok: false; reason: string } {
  const push = pushSchema().safeParse(tryJson(rawBody.toString('utf8')));
  if (!push.success) return { ok: false, reason: 'not a Pub/Sub push body' };
  const messageId = (push.data.message.messageId ?? push.data.message.message_id) as string;
  const decoded = push.data.message.data
    ? tryJson(Buffer.from(push.data.message.data, 'base64').toString('utf8'))
    : undefined;
  const data = notificationDataSchema().safeParse(decoded);
  if (!data.success) return { ok: false, reason: 'message data is not the notification JSON' };
  const reviewName = data.data.reviewName ?? data.data.review_name;
  const locationName = data.data.locationName ?? data.data.location_name;
  if (reviewName === undefined) return { ok: true, notifications: [] };
  const review = REVIEW_NAME.exec(reviewName);
  if (!review) return { ok: false, reason: 'review name is not accounts/*/locations/*/reviews/*' };
  const [, reviewLocation, reviewId] = review as unknown as [string, string, string];
  if (locationName !== undefined && (!LOCATION_NAME.test(locationName) || locationName !== reviewLocation)) {
    return { ok: false, reason: 'location name does not match the review name' };
  }
  return {
    ok: true,
    notifications: [
      {
        locationId: reviewLocation,
        externalIds: [reviewId],
        deletedExternalIds: [],
        dedupKey: `google:${messageId}`,
      },
    ],
  };
}
