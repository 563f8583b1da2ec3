/**
 * Yelp Fusion ("Places API") on the wire (../shared/PLATFORMS.md §3): the reviews response checked
 * with zod (the per-review fields are unconfirmed, so they are read defensively), the `RateLimit-*`
 * headers as a QuotaReport, and the classification of a failed call, with the two kinds of 429
 * told apart. Pure: no network.
 *
 * Its zod schemas are built on first use (`lazy`, ADR 0022, eighth round): a worker that serves
 * every platform builds only the wire formats of the platforms it calls.
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import type { PlatformFailure, PlatformOperation, PlatformReview, QuotaReport } from '../domain/platform';
import type { PlatformHttpResponse } from '../ports';
import { normaliseTimestamp, retryAfterMs, tryJson } from './platform-wire';

/** Per-second throttling without a Retry-After: a short pause is enough. */
export const YELP_DEFAULT_QPS_WAIT_MS = 1_000;

/**
 * `time_created` is "YYYY-MM-DD HH:mm:ss" in Pacific time by a secondary source (Yelp's own page
 * is not stored); an ISO 8601 timestamp with a zone is accepted too. Both become UTC ISO.
 */
export function yelpTimeToIso(value: string): string | undefined {
  const zoned = normaliseTimestamp(value);
  if (zoned !== undefined) return zoned;
  const local = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!local) return undefined;
  const [year, month, day, hour, minute, second] = local.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (Number.isNaN(asUtc) || new Date(asUtc).getUTCDate() !== day) return undefined;
  // The zone's offset at the guessed instant, checked once more around a DST change.
  let utc = asUtc - zoneOffsetMs(asUtc, 'America/Los_Angeles');
  utc = asUtc - zoneOffsetMs(utc, 'America/Los_Angeles');
  return new Date(utc).toISOString();
}

function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

const yelpTime = /* @__PURE__ */ lazy(() =>
  z.pipe(
    z.string(),
    z.transform((value, ctx) => {
      const iso = yelpTimeToIso(value);
      if (iso === undefined) {
        ctx.issues.push({ code: 'custom', input: value, message: `not a Yelp time: ${value.slice(0, 40)}` });
        return z.NEVER;
      }
      return iso;
    }),
  ),
);

export const yelpReviewSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    text: z.nullish(z.string()),
    /** Stars 1..5 (a secondary schema calls it a float; review stars are whole). */
    rating: z.number().check(z.gte(1), z.lte(5)),
    time_created: yelpTime(),
    url: z.nullish(z.string()),
    user: z.nullish(z.object({ name: z.nullish(z.string()) })),
  }),
);
export type YelpReview = z.infer<ReturnType<typeof yelpReviewSchema>>;

export const yelpReviewsSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    reviews: z.optional(z.array(yelpReviewSchema())),
    total: z.optional(z.number()),
  }),
);

/** Every Yelp review we can read is an excerpt of at most three per business. */
export function toPlatformReview(review: YelpReview): PlatformReview {
  const name = review.user?.name?.trim();
  return {
    externalId: review.id,
    rating: Math.round(review.rating),
    body: review.text ?? '',
    reviewerName: name ? name : 'Anonymous',
    createdAt: review.time_created,
    updatedAt: review.time_created,
    excerpt: true,
    ...(review.url ? { url: review.url } : {}),
  };
}

const headerInt = (value: string | undefined): number | undefined =>
  value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;

/** `RateLimit-DailyLimit`, `RateLimit-Remaining`, `RateLimit-ResetTime` (ISO 8601); undefined when none is sent. */
export function readYelpQuota(headers: Readonly<Record<string, string>>): QuotaReport | undefined {
  const limit = headerInt(headers['ratelimit-dailylimit']);
  const remaining = headerInt(headers['ratelimit-remaining']);
  const reset = headers['ratelimit-resettime'];
  const resetAt = reset !== undefined ? normaliseTimestamp(reset.trim()) : undefined;
  if (limit === undefined && remaining === undefined && resetAt === undefined) return undefined;
  return {
    ...(remaining !== undefined ? { remaining } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(resetAt !== undefined ? { resetAt } : {}),
    ...(limit !== undefined && remaining !== undefined && limit > 0
      ? { usedRatio: Math.min(1, Math.max(0, (limit - remaining) / limit)) }
      : {}),
  };
}

const yelpErrorSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    error: z.object({ code: z.optional(z.string()), description: z.optional(z.string()) }),
  }),
);

/** The daily cap resets at midnight UTC [OK (yelp-rl)]: the fallback when no reset time is sent. */
const nextUtcMidnight = (nowMs: number): number => {
  const now = new Date(nowMs);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
};

/**
 * How a non-2xx answer from Yelp is handled: 429 TOO_MANY_REQUESTS_PER_SECOND waits briefly,
 * 429 ACCESS_LIMIT_REACHED waits until the daily reset; 401 lets the token provider re-read the
 * key (it may have been rotated); 5xx retry later; other 4xx permanent.
 */
export function classifyYelpFailure(
  response: PlatformHttpResponse,
  operation: PlatformOperation,
  nowMs: number,
): PlatformFailure {
  const parsed = yelpErrorSchema().safeParse(tryJson(response.body));
  const code = parsed.success ? parsed.data.error.code : undefined;
  const description = parsed.success ? parsed.data.error.description : undefined;
  const said = code ? `${code}${description ? `: ${description}` : ''}` : `HTTP ${response.status}`;
  const quota = readYelpQuota(response.headers);
  const retryAfter = retryAfterMs(response.headers['retry-after'], nowMs);
  const { status } = response;
  if (status === 401) return { kind: 'auth-expired', reason: `API key refused (${said})` };
  if (status === 429) {
    const daily =
      code === 'ACCESS_LIMIT_REACHED' || (code !== 'TOO_MANY_REQUESTS_PER_SECOND' && quota?.remaining === 0);
    if (daily) {
      const resetMs = quota?.resetAt !== undefined ? Date.parse(quota.resetAt) : nextUtcMidnight(nowMs);
      return {
        kind: 'rate-limited',
        reason: `daily limit reached (${said})`,
        waitMs: Math.max(retryAfter ?? 0, resetMs - nowMs, YELP_DEFAULT_QPS_WAIT_MS),
        window: 'day',
        ...(quota ? { quota } : {}),
      };
    }
    return {
      kind: 'rate-limited',
      reason: `too many requests per second (${said})`,
      waitMs: retryAfter ?? YELP_DEFAULT_QPS_WAIT_MS,
      window: 'second',
      ...(quota ? { quota } : {}),
    };
  }
  if (status >= 500 || status === 408) {
    return {
      kind: 'retry-later',
      reason: `${operation} failed (${said})`,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  }
  return { kind: 'permanent', reason: `${operation} refused (${said})`, status };
}
