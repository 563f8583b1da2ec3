/**
 * Facebook Pages (Graph API) as the connector reads it (../shared/PLATFORMS.md §2): the ratings
 * edge and its mapping (a recommendation, not stars), error classification by the body's `code`
 * (the HTTP status is not reliable), the usage headers, and Page webhooks (verify-token handshake,
 * `X-Hub-Signature-256` over the raw body). Pure: no network, unit-tested on its own.
 *
 * Its zod schemas are built on first use (`lazy`, ADR 0022, eighth round): a worker that serves
 * every platform builds only the wire formats of the platforms it calls.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import type {
  InboundNotification,
  NotificationVerdict,
  PlatformFailure,
  PlatformReview,
  QuotaReport,
  VerifiedNotification,
} from '../domain/platform';
import { parseJsonBody, secretsEqual, sha256Hex, toIso, tryJson } from './platform-wire';

/** The Recommendation fields (PLATFORMS.md §2, from the Graph SDK); `open_graph_story` gives the id we key on. */
export const FACEBOOK_RATING_FIELDS =
  'created_time,has_rating,has_review,open_graph_story,rating,recommendation_type,review_text,reviewer';

/** When a throttled answer says nothing about when access comes back. */
export const FACEBOOK_DEFAULT_THROTTLE_WAIT_MS = 5 * 60_000;

const graphId = /* @__PURE__ */ lazy(() =>
  z.pipe(z.union([z.string().check(z.minLength(1)), z.number()]), z.transform(String)),
);

export const facebookRatingSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    created_time: z.string().check(z.refine((value) => toIso(value) !== undefined, 'not a timestamp')),
    recommendation_type: z.nullish(z.string()),
    rating: z.nullish(z.number()),
    review_text: z.nullish(z.string()),
    open_graph_story: z.nullish(z.object({ id: graphId() })),
    reviewer: z.nullish(z.object({ name: z.nullish(z.string()) })),
  }),
);
export type FacebookRating = z.infer<ReturnType<typeof facebookRatingSchema>>;

export const facebookRatingsPageSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    data: z.array(facebookRatingSchema()),
    paging: z.nullish(
      z.object({
        cursors: z.nullish(z.object({ after: z.nullish(z.string()) })),
        next: z.nullish(z.string()),
      }),
    ),
  }),
);
export type FacebookRatingsPage = z.infer<ReturnType<typeof facebookRatingsPageSchema>>;

/** The answer to POST /{object}/comments. */
export const facebookCreatedSchema = /* @__PURE__ */ lazy(() => z.object({ id: graphId() }));
export const facebookCommentsSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    data: z.array(z.object({ id: graphId(), from: z.nullish(z.object({ id: graphId() })) })),
  }),
);

/**
 * A rating as a PlatformReview, or undefined when it has no open_graph_story id (nothing stable to
 * key it on, and nothing to reply to). `recommendation_type` replaced the 1..5 rating in 2018: the
 * rating stays empty unless a legacy review still carries one.
 */
export function mapFacebookRating(rating: FacebookRating): PlatformReview | undefined {
  const externalId = rating.open_graph_story?.id;
  if (!externalId) return undefined;
  const createdAt = toIso(rating.created_time) as string;
  const type = rating.recommendation_type;
  const stars = rating.rating;
  return {
    externalId,
    ...(typeof stars === 'number' && Number.isInteger(stars) && stars >= 1 && stars <= 5
      ? { rating: stars }
      : {}),
    ...(type === 'positive' || type === 'negative' ? { recommendation: type } : {}),
    body: rating.review_text ?? '',
    reviewerName: rating.reviewer?.name?.trim() || 'Anonymous',
    createdAt,
    // The ratings edge reports no edit time.
    updatedAt: createdAt,
  };
}

/** The `after` cursor of a ratings page, or undefined on the last page (no `paging.next`). */
export function nextCursor(page: FacebookRatingsPage): string | undefined {
  const next = page.paging?.next;
  if (!next) return undefined;
  const after = page.paging?.cursors?.after;
  if (after) return after;
  try {
    return new URL(next).searchParams.get('after') ?? undefined;
  } catch {
    return undefined;
  }
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613, 80001]);

const graphErrorSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    error: z.object({
      code: z.number(),
      error_subcode: z.nullish(z.number()),
      message: z.nullish(z.string()),
      type: z.nullish(z.string()),
    }),
  }),
);

/** The Graph error body's code and message, when the body is one. */
export function graphError(body: string): { code: number; subcode?: number; message: string } | undefined {
  const parsed = graphErrorSchema().safeParse(tryJson(body));
  if (!parsed.success) return undefined;
  const { code, error_subcode: subcode, message } = parsed.data.error;
  return { code, ...(typeof subcode === 'number' ? { subcode } : {}), message: message ?? '' };
}

/**
 * What a failed Graph call means, decided by the error body's `code` (code 4 has arrived with a
 * 403): throttling codes wait for the usage headers' estimate; 190 (Page token dead: there is no
 * refresh) needs the supplier to connect again; 12 (recommendations gone in v22+) is unsupported;
 * 10 and 200-299 are missing permissions; 1, 2 and 5xx are transient.
 */
export function classifyFacebookFailure(
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string,
  nowMs: number,
): PlatformFailure {
  const error = graphError(body);
  if (!error) {
    if (status >= 500) return { kind: 'retry-later', reason: `Facebook answered ${status}` };
    if (status === 429) {
      return rateLimited(`Facebook answered 429`, headers, nowMs);
    }
    return { kind: 'permanent', reason: `Facebook answered ${status} without an error body`, status };
  }
  const what = `Facebook error ${error.code}${error.subcode !== undefined ? `/${error.subcode}` : ''}: ${error.message}`;
  if (RATE_LIMIT_CODES.has(error.code)) return rateLimited(what, headers, nowMs);
  if (error.code === 190) return { kind: 'reauth-required', reason: what };
  if (error.code === 12) return { kind: 'unsupported', reason: what };
  if (error.code === 10 || (error.code >= 200 && error.code <= 299))
    return { kind: 'permanent', reason: what, status };
  if (error.code === 1 || error.code === 2 || status >= 500) return { kind: 'retry-later', reason: what };
  return { kind: 'permanent', reason: what, status };
}

function rateLimited(
  reason: string,
  headers: Readonly<Record<string, string>>,
  nowMs: number,
): PlatformFailure {
  const quota = parseFacebookUsage(headers, nowMs);
  const regainMs = quota?.resetAt ? Date.parse(quota.resetAt) - nowMs : undefined;
  return {
    kind: 'rate-limited',
    reason,
    waitMs: regainMs !== undefined && regainMs > 0 ? regainMs : FACEBOOK_DEFAULT_THROTTLE_WAIT_MS,
    window: 'hour',
    ...(quota ? { quota } : {}),
  };
}

const percentage = /* @__PURE__ */ lazy(() => z.number().check(z.gte(0)));
const appUsageSchema = /* @__PURE__ */ lazy(() => z.record(z.string(), z.unknown()));
const bucUsageSchema = /* @__PURE__ */ lazy(() =>
  z.record(
    z.string(),
    z.array(
      z.object({
        call_count: z.nullish(percentage()),
        total_cputime: z.nullish(percentage()),
        total_time: z.nullish(percentage()),
        estimated_time_to_regain_access: z.nullish(z.number().check(z.gte(0))),
      }),
    ),
  ),
);

/**
 * `X-App-Usage` / `X-Page-Usage` (`{call_count, total_cputime, total_time}` in percent) and
 * `X-Business-Use-Case-Usage` (`{"<object id>":[{type, call_count, ..., estimated_time_to_regain_access}]}`,
 * minutes) as a QuotaReport: usedRatio is the highest percentage / 100, resetAt the longest
 * estimated wait. Unreadable headers are ignored (they are advice, not the contract).
 */
export function parseFacebookUsage(
  headers: Readonly<Record<string, string>>,
  nowMs: number,
): QuotaReport | undefined {
  const percentages: number[] = [];
  let regainMinutes = 0;
  for (const name of ['x-app-usage', 'x-page-usage']) {
    const parsed = appUsageSchema().safeParse(headerJson(headers[name]));
    if (!parsed.success) continue;
    for (const key of ['call_count', 'total_cputime', 'total_time']) {
      const value = parsed.data[key];
      if (typeof value === 'number' && value >= 0) percentages.push(value);
    }
  }
  const buc = bucUsageSchema().safeParse(headerJson(headers['x-business-use-case-usage']));
  if (buc.success) {
    for (const entries of Object.values(buc.data)) {
      for (const entry of entries) {
        for (const value of [entry.call_count, entry.total_cputime, entry.total_time]) {
          if (typeof value === 'number') percentages.push(value);
        }
        regainMinutes = Math.max(regainMinutes, entry.estimated_time_to_regain_access ?? 0);
      }
    }
  }
  if (percentages.length === 0 && regainMinutes === 0) return undefined;
  return {
    ...(percentages.length > 0 ? { usedRatio: Math.max(...percentages) / 100 } : {}),
    ...(regainMinutes > 0 ? { resetAt: new Date(nowMs + regainMinutes * 60_000).toISOString() } : {}),
  };
}

const headerJson = (value: string | undefined): unknown => (value === undefined ? undefined : tryJson(value));

/** Only the Page `ratings` field is read; its value shape is unconfirmed, so only the ids are taken. */
export const facebookWebhookSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    object: z.literal('page'),
    entry: z
      .array(
        z.object({
          id: graphId(),
          time: z.number(),
          changes: z.nullish(
            z.array(
              z.object({
                field: z.string(),
                value: z.unknown(),
              }),
            ),
          ),
        }),
      )
      .check(z.maxLength(1000)),
  }),
);

const ratingValueSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    open_graph_story_id: z.nullish(graphId()),
    review_id: z.nullish(graphId()),
  }),
);

/** A challenge is echoed back as text: only the plain tokens Facebook sends, never arbitrary markup. */
const CHALLENGE = /^[A-Za-z0-9_.-]{1,256}$/;

/**
 * Checks an inbound Facebook Page webhook request:
 * - GET: the subscription handshake; `hub.verify_token` must equal `secrets.verifyToken` and the
 *   answer is `hub.challenge`.
 * - POST: `X-Hub-Signature-256` must be the HMAC-SHA256 of the raw bytes with `secrets.appSecret`
 *   (re-serialised JSON would not match: the payload escapes unicode); then one
 *   VerifiedNotification per Page with the reviews to re-fetch.
 */
export function verifyFacebookNotification(
  request: InboundNotification,
  secrets: Readonly<Record<string, string>>,
): NotificationVerdict {
  if (request.method === 'GET') return verifyChallenge(request, secrets);
  const appSecret = secrets.appSecret;
  if (!appSecret) return { kind: 'rejected', status: 401, reason: 'no app secret configured' };
  const header = request.headers['x-hub-signature-256'];
  const match = header === undefined ? null : /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return { kind: 'rejected', status: 401, reason: 'missing or malformed X-Hub-Signature-256' };
  const expected = createHmac('sha256', appSecret).update(request.rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(match[1] as string, 'hex'))) {
    return { kind: 'rejected', status: 401, reason: 'signature does not match the body' };
  }
  const parsed = parseJsonBody(request.rawBody.toString('utf8'), facebookWebhookSchema());
  if (!parsed.ok) return { kind: 'rejected', status: 400, reason: parsed.reason };

  const hash = sha256Hex(request.rawBody);
  const byPage = new Map<string, Set<string>>();
  for (const entry of parsed.value.entry) {
    for (const change of entry.changes ?? []) {
      if (change.field !== 'ratings') continue;
      const value = ratingValueSchema().safeParse(change.value);
      const id = value.success ? (value.data.open_graph_story_id ?? value.data.review_id) : undefined;
      if (!id)
        return {
          kind: 'rejected',
          status: 400,
          reason: `ratings change of page ${entry.id} names no review`,
        };
      const ids = byPage.get(entry.id) ?? new Set<string>();
      byPage.set(entry.id, ids);
      ids.add(id);
    }
  }
  const notifications: VerifiedNotification[] = [...byPage].map(([locationId, ids]) => ({
    locationId,
    externalIds: [...ids],
    // Whether a value says "removed" is unconfirmed: every id is re-fetched, and get() tells.
    deletedExternalIds: [],
    dedupKey: `facebook:${hash}:${locationId}`,
  }));
  return { kind: 'notification', notifications };
}

function verifyChallenge(
  request: InboundNotification,
  secrets: Readonly<Record<string, string>>,
): NotificationVerdict {
  const verifyToken = secrets.verifyToken;
  if (!verifyToken) return { kind: 'rejected', status: 401, reason: 'no verify token configured' };
  if (request.query['hub.mode'] !== 'subscribe') {
    return { kind: 'rejected', status: 400, reason: 'hub.mode is not subscribe' };
  }
  const given = request.query['hub.verify_token'];
  if (given === undefined || !secretsEqual(given, verifyToken)) {
    return { kind: 'rejected', status: 403, reason: 'wrong hub.verify_token' };
  }
  const challenge = request.query['hub.challenge'];
  if (challenge === undefined || !CHALLENGE.test(challenge)) {
    return { kind: 'rejected', status: 400, reason: 'missing or malformed hub.challenge' };
  }
  return { kind: 'challenge', answer: challenge };
}
