/**
 * A fake Google Business Profile reviews API v4 (../shared/PLATFORMS.md §1) on loopback, built on
 * FakePlatformServer: in-memory locations and reviews that tests add, edit (which moves
 * `updateTime`) and delete; reviews.list, get, updateReply (upsert) and deleteReply with Google's
 * paging (`pageSize` at most 50, `nextPageToken` absent on the last page) and error model
 * (`{error:{code,message,status,details}}`); the per-project quota (300 requests a minute by
 * default, answered with 429 RESOURCE_EXHAUSTED past it), counted so tests can check the rate.
 *
 * Pub/Sub pushes of review notifications (to our inbound route) are built by `pushNotification`.
 *
 * Access tokens come from the server's shared registry (`server.issueToken(GOOGLE_BUSINESS_SCOPE)`,
 * later the OAuth routes): the token's `subject` is the granted scope string. The OAuth token
 * endpoint is not part of this module.
 */
import { randomBytes } from 'node:crypto';
import type { InboundNotification } from '../../src/platforms';
import { FakePlatformServer } from './fake-platform-server';
import type { FakeRequest, FakeResponse } from './fake-platform-server';

export const GOOGLE_BUSINESS_SCOPE = 'https://www.googleapis.com/auth/business.manage';
const LEGACY_SCOPE = 'https://www.googleapis.com/auth/plus.business.manage';
const MAX_PAGE_SIZE = 50;
const MAX_REPLY_BYTES = 4096;
const QUOTA_WINDOW_MS = 60_000;
const ORDERS = ['updateTime desc', 'rating', 'rating desc'] as const;
type Order = (typeof ORDERS)[number];
const STARS = ['STAR_RATING_UNSPECIFIED', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'] as const;

/** A review as Google sends it. */
export interface GoogleReviewJson {
  name: string;
  reviewId: string;
  reviewer: { displayName?: string; profilePhotoUrl?: string; isAnonymous: boolean };
  starRating: (typeof STARS)[number];
  comment?: string;
  createTime: string;
  updateTime: string;
  reviewReply?: { comment: string; updateTime: string };
}

export interface FakeGoogleReviewInput {
  readonly reviewId?: string;
  /** 1..5; absent means STAR_RATING_UNSPECIFIED. */
  readonly rating?: number;
  /** Absent for a rating-only review. */
  readonly comment?: string;
  readonly reviewerName?: string;
  readonly anonymous?: boolean;
  /** Epoch ms of creation (default now); also the first updateTime. */
  readonly createdAtMs?: number;
}

export interface FakeGoogleOptions {
  /** Requests a minute the project may make (sliding 60 s window), default 300. */
  readonly quotaPerMinute?: number;
  readonly now?: () => number;
}

export class FakeGoogleBusinessProfile {
  readonly server = new FakePlatformServer('google');
  quotaPerMinute: number;
  /** False answers 403 SERVICE_DISABLED, as Google does for a project without the API. */
  apiEnabled = true;
  private readonly now: () => number;
  private readonly locations = new Map<string, Map<string, GoogleReviewJson>>();
  /** Times of the requests the quota let through. */
  private readonly admitted: number[] = [];
  private rateLimitedCount = 0;
  private lastStampMs = 0;
  private stampSerial = 0;
  private pushSerial = 0;

  constructor(options: FakeGoogleOptions = {}) {
    this.quotaPerMinute = options.quotaPerMinute ?? 300;
    this.now = options.now ?? Date.now;
    const location = '/v4/accounts/([^/]+)/locations/([^/]+)';
    this.server
      .on('GET', new RegExp(`^${location}/reviews$`), (req, p) => this.guard(req, () => this.list(req, p)))
      .on('GET', new RegExp(`^${location}/reviews/([^/]+)$`), (req, p) => this.guard(req, () => this.get(p)))
      .on('PUT', new RegExp(`^${location}/reviews/([^/]+)/reply$`), (req, p) =>
        this.guard(req, () => this.putReply(req, p)),
      )
      .on('DELETE', new RegExp(`^${location}/reviews/([^/]+)/reply$`), (req, p) =>
        this.guard(req, () => this.deleteReply(p)),
      );
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  /** Adds a (verified) location; returns its name `accounts/{a}/locations/{l}`. */
  addLocation(accountId: string, locationId: string): string {
    const name = `accounts/${accountId}/locations/${locationId}`;
    if (!this.locations.has(name)) this.locations.set(name, new Map());
    return name;
  }

  addReview(locationName: string, input: FakeGoogleReviewInput = {}): GoogleReviewJson {
    const reviews = this.location(locationName);
    const reviewId = input.reviewId ?? `r_${randomBytes(9).toString('base64url')}`;
    const time = this.stamp(input.createdAtMs);
    const review: GoogleReviewJson = {
      name: `${locationName}/reviews/${reviewId}`,
      reviewId,
      reviewer: input.anonymous
        ? { isAnonymous: true }
        : {
            displayName: input.reviewerName ?? 'Alex Guest',
            profilePhotoUrl: 'https://lh3.googleusercontent.com/a/fake',
            isAnonymous: false,
          },
      starRating: STARS[input.rating ?? 0] ?? 'STAR_RATING_UNSPECIFIED',
      ...(input.comment !== undefined ? { comment: input.comment } : {}),
      createTime: time,
      updateTime: time,
    };
    reviews.set(reviewId, review);
    return structuredClone(review);
  }

  /** The reviewer edits: rating and/or comment change (a null comment makes it rating-only), updateTime moves. */
  editReview(
    locationName: string,
    reviewId: string,
    changes: { rating?: number; comment?: string | null },
  ): GoogleReviewJson {
    const review = this.review(locationName, reviewId);
    if (changes.rating !== undefined) review.starRating = STARS[changes.rating] ?? 'STAR_RATING_UNSPECIFIED';
    if (changes.comment === null) delete review.comment;
    else if (changes.comment !== undefined) review.comment = changes.comment;
    review.updateTime = this.stamp();
    return structuredClone(review);
  }

  deleteReview(locationName: string, reviewId: string): void {
    this.review(locationName, reviewId);
    this.location(locationName).delete(reviewId);
  }

  /** The location's reviews as Google holds them, newest edit first. */
  reviews(locationName: string): GoogleReviewJson[] {
    return [...this.location(locationName).values()]
      .sort(byOrder('updateTime desc'))
      .map((r) => structuredClone(r));
  }

  /**
   * The business replies (or deletes its reply, `null`) on Google itself, not through the API.
   * Whether that moves the review's `updateTime` is not documented: here it does not, so only a
   * listing that reaches the review (a full sync) sees it.
   */
  setOwnerReply(locationName: string, reviewId: string, comment: string | null): void {
    const review = this.review(locationName, reviewId);
    if (comment === null) delete review.reviewReply;
    else review.reviewReply = { comment, updateTime: this.stamp() };
  }

  /**
   * A Pub/Sub push of a Business Profile notification about one review, as our inbound route
   * receives it: Pub/Sub's push body (`message.data` is the base64 notification JSON, the id in
   * both spellings) and the push URL's `token`. The same `messageId` again is a redelivery.
   */
  pushNotification(
    token: string,
    locationName: string,
    reviewId: string,
    options: { messageId?: string; type?: 'NEW_REVIEW' | 'UPDATED_REVIEW' } = {},
  ): InboundNotification {
    const messageId = options.messageId ?? String(10_000_000 + (this.pushSerial += 1));
    const data = {
      type: options.type ?? 'NEW_REVIEW',
      locationName,
      reviewName: `${locationName}/reviews/${reviewId}`,
    };
    const body = {
      message: {
        attributes: {},
        data: Buffer.from(JSON.stringify(data), 'utf8').toString('base64'),
        messageId,
        message_id: messageId,
        publishTime: new Date(this.now()).toISOString(),
        publish_time: new Date(this.now()).toISOString(),
      },
      subscription: 'projects/wedsync-local/subscriptions/business-profile-push',
    };
    return {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: { token },
      rawBody: Buffer.from(JSON.stringify(body), 'utf8'),
    };
  }

  /** The published reply of a review, if any. */
  replyOf(locationName: string, reviewId: string): { comment: string; updateTime: string } | undefined {
    const reply = this.review(locationName, reviewId).reviewReply;
    return reply ? { ...reply } : undefined;
  }

  /** Requests the quota let through (every route call after authentication). */
  get admittedCalls(): number {
    return this.admitted.length;
  }

  /** Requests answered 429 RESOURCE_EXHAUSTED by the quota. */
  get rateLimitedCalls(): number {
    return this.rateLimitedCount;
  }

  /**
   * The most requests (all that reached the server, faulted ones included) in any window of
   * `windowMs`: what a client's rate is judged by.
   */
  maxRequestsInWindow(windowMs = QUOTA_WINDOW_MS): number {
    const times = this.server.requests.map((r) => r.at).sort((a, b) => a - b);
    let most = 0;
    let start = 0;
    for (let end = 0; end < times.length; end += 1) {
      while ((times[end] as number) - (times[start] as number) >= windowMs) start += 1;
      most = Math.max(most, end - start + 1);
    }
    return most;
  }

  /**
   * The location a request is an API call for (`accounts/{a}/locations/{l}`), or undefined for the
   * OAuth and account routes: the rates per app and per location are judged by this.
   */
  locationOf(request: FakeRequest): string | undefined {
    const match = /^\/v4\/accounts\/([^/]+)\/locations\/([^/]+)\/reviews/.exec(request.path);
    return match ? locationNameFrom(match.slice(1)) : undefined;
  }

  /** Authentication, the API switch, scope and quota, in Google's order, before the route runs. */
  private guard(request: FakeRequest, route: () => FakeResponse): FakeResponse {
    const bearer = this.server.bearer(request);
    if (!bearer.ok) {
      return googleError(
        401,
        'UNAUTHENTICATED',
        bearer.reason === 'missing'
          ? 'Request is missing required authentication credential. Expected OAuth 2 access token.'
          : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'ACCESS_TOKEN_EXPIRED',
            domain: 'googleapis.com',
          },
        ],
      );
    }
    if (!this.apiEnabled) {
      return googleError(
        403,
        'PERMISSION_DENIED',
        'Google My Business API has not been used in project 123456 before or it is disabled. Enable it by visiting the API console, then retry.',
        [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'SERVICE_DISABLED',
            domain: 'googleapis.com',
          },
        ],
      );
    }
    const scopes = bearer.token.subject.split(/\s+/);
    if (!scopes.includes(GOOGLE_BUSINESS_SCOPE) && !scopes.includes(LEGACY_SCOPE)) {
      return googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
        },
      ]);
    }
    const now = this.now();
    while (this.admitted.length > 0 && now - (this.admitted[0] as number) >= QUOTA_WINDOW_MS)
      this.admitted.shift();
    if (this.admitted.length >= this.quotaPerMinute) {
      this.rateLimitedCount += 1;
      return googleError(
        429,
        'RESOURCE_EXHAUSTED',
        "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service 'mybusiness.googleapis.com' for consumer 'project_number:123456'.",
        [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'RATE_LIMIT_EXCEEDED',
            domain: 'googleapis.com',
          },
        ],
      );
    }
    this.admitted.push(now);
    return route();
  }

  private list(request: FakeRequest, params: readonly string[]): FakeResponse {
    const reviews = this.locations.get(locationNameFrom(params));
    if (!reviews) return notFound('Requested entity was not found.');
    const pageSizeText = request.query.get('pageSize');
    const pageSize = pageSizeText === null ? MAX_PAGE_SIZE : Number(pageSizeText);
    if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
      return googleError(
        400,
        'INVALID_ARGUMENT',
        `Invalid page_size: ${pageSizeText}. The maximum is ${MAX_PAGE_SIZE}.`,
      );
    }
    const orderBy = (request.query.get('orderBy') ?? 'updateTime desc') as Order;
    if (!ORDERS.includes(orderBy))
      return googleError(400, 'INVALID_ARGUMENT', `Invalid order_by: ${orderBy}`);
    const sorted = [...reviews.values()].sort(byOrder(orderBy));
    let start = 0;
    const token = request.query.get('pageToken');
    if (token) {
      const after = readToken(token, orderBy);
      if (!after) return googleError(400, 'INVALID_ARGUMENT', 'Invalid page_token.');
      // Keyset paging: the page continues after the last review handed out, wherever it moved.
      const compare = byOrder(orderBy);
      start = sorted.findIndex((review) => compare(review, after) > 0);
      if (start < 0) start = sorted.length;
    }
    const page = sorted.slice(start, start + (pageSize === 0 ? MAX_PAGE_SIZE : pageSize));
    const last = page[page.length - 1];
    const more = last !== undefined && start + page.length < sorted.length;
    const rated = sorted.filter((r) => r.starRating !== 'STAR_RATING_UNSPECIFIED');
    return {
      status: 200,
      json: {
        // proto3 JSON leaves an empty repeated field out.
        ...(page.length > 0 ? { reviews: page } : {}),
        ...(rated.length > 0
          ? { averageRating: rated.reduce((sum, r) => sum + STARS.indexOf(r.starRating), 0) / rated.length }
          : {}),
        totalReviewCount: sorted.length,
        ...(more ? { nextPageToken: writeToken(orderBy, last) } : {}),
      },
    };
  }

  private get(params: readonly string[]): FakeResponse {
    const review = this.locations.get(locationNameFrom(params))?.get(decode(params[2]));
    return review ? { status: 200, json: review } : notFound('Requested entity was not found.');
  }

  private putReply(request: FakeRequest, params: readonly string[]): FakeResponse {
    const review = this.locations.get(locationNameFrom(params))?.get(decode(params[2]));
    if (!review) return notFound('Requested entity was not found.');
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const comment = (body as { comment?: unknown } | null)?.comment;
    if (typeof comment !== 'string' || comment.trim() === '') {
      return googleError(
        400,
        'INVALID_ARGUMENT',
        'Request contains an invalid argument: comment is required.',
      );
    }
    if (Buffer.byteLength(comment, 'utf8') > MAX_REPLY_BYTES) {
      return googleError(
        400,
        'INVALID_ARGUMENT',
        `Request contains an invalid argument: comment exceeds ${MAX_REPLY_BYTES} bytes.`,
      );
    }
    review.reviewReply = { comment, updateTime: this.stamp() };
    return { status: 200, json: review.reviewReply };
  }

  private deleteReply(params: readonly string[]): FakeResponse {
    const review = this.locations.get(locationNameFrom(params))?.get(decode(params[2]));
    if (!review) return notFound('Requested entity was not found.');
    delete review.reviewReply;
    return { status: 200, json: {} };
  }

  private location(locationName: string): Map<string, GoogleReviewJson> {
    const reviews = this.locations.get(locationName);
    if (!reviews) throw new Error(`no location ${locationName} (addLocation first)`);
    return reviews;
  }

  private review(locationName: string, reviewId: string): GoogleReviewJson {
    const review = this.location(locationName).get(reviewId);
    if (!review) throw new Error(`no review ${reviewId} in ${locationName}`);
    return review;
  }

  /**
   * An RFC 3339 time with nanoseconds, as Google writes them; strictly increasing for edits made
   * now, so two changes never share an updateTime.
   */
  private stamp(atMs?: number): string {
    if (atMs !== undefined) return new Date(atMs).toISOString().replace('Z', '000000Z');
    const ms = Math.max(this.now(), this.lastStampMs);
    this.stampSerial = ms === this.lastStampMs ? this.stampSerial + 1 : 0;
    this.lastStampMs = ms;
    return new Date(ms).toISOString().replace('Z', `${String(this.stampSerial).padStart(6, '0')}Z`);
  }
}

const decode = (value: string | undefined): string => decodeURIComponent(value ?? '');
const locationNameFrom = (params: readonly string[]): string =>
  `accounts/${decode(params[0])}/locations/${decode(params[1])}`;

function googleError(
  code: number,
  status: string,
  message: string,
  details?: readonly Record<string, string>[],
): FakeResponse {
  return { status: code, json: { error: { code, message, status, ...(details ? { details } : {}) } } };
}

const notFound = (message: string): FakeResponse => googleError(404, 'NOT_FOUND', message);

/** Sort order of reviews.list; ties broken by name so the order (and keyset paging) is total. */
function byOrder(order: Order): (a: GoogleReviewJson, b: GoogleReviewJson) => number {
  const byTimeDesc = (a: GoogleReviewJson, b: GoogleReviewJson): number =>
    a.updateTime === b.updateTime ? a.name.localeCompare(b.name) : a.updateTime < b.updateTime ? 1 : -1;
  if (order === 'updateTime desc') return byTimeDesc;
  const sign = order === 'rating' ? 1 : -1;
  return (a, b) => sign * (STARS.indexOf(a.starRating) - STARS.indexOf(b.starRating)) || byTimeDesc(a, b);
}

/** The page token holds the sort key of the last review handed out (opaque to clients). */
function writeToken(order: Order, last: GoogleReviewJson): string {
  return Buffer.from(
    JSON.stringify({ o: order, t: last.updateTime, n: last.name, s: last.starRating }),
  ).toString('base64url');
}

function readToken(token: string, order: Order): GoogleReviewJson | undefined {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (key.o !== order || typeof key.t !== 'string' || typeof key.n !== 'string') return undefined;
    if (!STARS.includes(key.s as (typeof STARS)[number])) return undefined;
    return {
      name: key.n,
      reviewId: '',
      reviewer: { isAnonymous: true },
      starRating: key.s as (typeof STARS)[number],
      createTime: key.t,
      updateTime: key.t,
    };
  } catch {
    return undefined;
  }
}
