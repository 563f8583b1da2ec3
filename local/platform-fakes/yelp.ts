/**
 * A fake Yelp Fusion API (../shared/PLATFORMS.md §3) on loopback, built on FakePlatformServer:
 * in-memory businesses and reviews that tests add, edit and delete; `GET
 * /v3/businesses/{id}/reviews` answering at most three truncated excerpts, newest first; the API
 * key as a Bearer token (`server.issueToken('yelp-api-key')`); a daily limit per key (300 by
 * default, the trial plan; small in tests) reported on every answer in `RateLimit-*` headers and
 * answered with 429 ACCESS_LIMIT_REACHED once spent, and a per-second limit answered with 429
 * TOO_MANY_REQUESTS_PER_SECOND. Errors in Yelp's shape `{error:{code,description}}`.
 */
import { randomBytes } from 'node:crypto';
import { FakePlatformServer } from './fake-platform-server';
import type { FakeRequest, FakeResponse } from './fake-platform-server';

const EXCERPTS = 3;
const EXCERPT_CHARS = 160;

export interface FakeYelpReview {
  readonly id: string;
  rating: number;
  /** The whole review; the API hands out an excerpt of it. */
  text: string;
  readonly userName?: string;
  readonly createdAtMs: number;
}

export interface FakeYelpReviewInput {
  readonly id?: string;
  readonly rating: number;
  readonly text: string;
  /** Absent: the review comes without a `user` (how the adapter copes is what the tests look at). */
  readonly userName?: string;
  readonly createdAtMs?: number;
}

export interface FakeYelpOptions {
  /** Calls per API key per UTC day, default 300 (the Starter trial). */
  readonly dailyLimit?: number;
  /** Calls per API key in any second, default 50. */
  readonly perSecond?: number;
  readonly now?: () => number;
}

export class FakeYelp {
  readonly server = new FakePlatformServer('yelp');
  dailyLimit: number;
  perSecond: number;
  private readonly now: () => number;
  private readonly businesses = new Map<string, Map<string, FakeYelpReview>>();
  /** Per key: the UTC day and the calls counted on it, and the times of recent calls. */
  private readonly usage = new Map<string, { day: number; calls: number; recent: number[] }>();

  constructor(options: FakeYelpOptions = {}) {
    this.dailyLimit = options.dailyLimit ?? 300;
    this.perSecond = options.perSecond ?? 50;
    this.now = options.now ?? Date.now;
    this.server.on('GET', /^\/v3\/businesses\/([^/]+)\/reviews$/, (req, p) => this.reviewsRoute(req, p));
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

  /** An API key (valid ten years, as a Yelp key does not expire; tests revoke or expire it by hand). */
  issueApiKey(): string {
    return this.server.issueToken('yelp-api-key', 10 * 365 * 86_400_000).token;
  }

  addBusiness(businessId: string): string {
    if (!this.businesses.has(businessId)) this.businesses.set(businessId, new Map());
    return businessId;
  }

  addReview(businessId: string, input: FakeYelpReviewInput): FakeYelpReview {
    const review: FakeYelpReview = {
      id: input.id ?? randomBytes(16).toString('base64url').slice(0, 22),
      rating: input.rating,
      text: input.text,
      ...(input.userName !== undefined ? { userName: input.userName } : {}),
      createdAtMs: input.createdAtMs ?? this.now(),
    };
    this.business(businessId).set(review.id, review);
    return { ...review };
  }

  editReview(businessId: string, reviewId: string, changes: { rating?: number; text?: string }): void {
    const review = this.business(businessId).get(reviewId);
    if (!review) throw new Error(`no review ${reviewId} for ${businessId}`);
    if (changes.rating !== undefined) review.rating = changes.rating;
    if (changes.text !== undefined) review.text = changes.text;
  }

  deleteReview(businessId: string, reviewId: string): void {
    if (!this.business(businessId).delete(reviewId))
      throw new Error(`no review ${reviewId} for ${businessId}`);
  }

  /** Calls counted against `apiKey`'s daily limit today. */
  callsToday(apiKey: string): number {
    const usage = this.usage.get(apiKey);
    return usage && usage.day === utcDay(this.now()) ? usage.calls : 0;
  }

  /** The most requests (all that reached the server) in any window of `windowMs`. */
  maxRequestsInWindow(windowMs: number): number {
    const times = this.server.requests.map((r) => r.at).sort((a, b) => a - b);
    let most = 0;
    let start = 0;
    for (let end = 0; end < times.length; end += 1) {
      while ((times[end] as number) - (times[start] as number) >= windowMs) start += 1;
      most = Math.max(most, end - start + 1);
    }
    return most;
  }

  /** The business a request is an API call for (every Yelp route is one business's reviews). */
  locationOf(request: FakeRequest): string | undefined {
    const match = /^\/v3\/businesses\/([^/]+)\/reviews$/.exec(request.path);
    return match ? decodeURIComponent(match[1] as string) : undefined;
  }

  private reviewsRoute(request: FakeRequest, params: readonly string[]): FakeResponse {
    const bearer = this.server.bearer(request);
    if (!bearer.ok) {
      return bearer.reason === 'missing'
        ? yelpError(401, 'TOKEN_MISSING', 'An access token must be supplied in order to use this endpoint.')
        : yelpError(401, 'TOKEN_INVALID', 'Invalid access token or authorization header.');
    }
    const now = this.now();
    const key = bearer.token.token;
    const day = utcDay(now);
    const stored = this.usage.get(key);
    const usage = stored && stored.day === day ? stored : { day, calls: 0, recent: [] as number[] };
    this.usage.set(key, usage);
    usage.recent = usage.recent.filter((at) => now - at < 1000);
    const headers = (): Record<string, string> => quotaHeaders(this.dailyLimit, usage.calls, day);
    if (usage.calls >= this.dailyLimit) {
      return yelpError(
        429,
        'ACCESS_LIMIT_REACHED',
        "You've reached the access limit for this client. Please contact api@yelp.com for assistance",
        headers(),
      );
    }
    if (usage.recent.length >= this.perSecond) {
      return yelpError(
        429,
        'TOO_MANY_REQUESTS_PER_SECOND',
        'You have exceeded the queries-per-second limit for this endpoint. Try reducing the rate at which you make queries.',
        headers(),
      );
    }
    usage.calls += 1;
    usage.recent.push(now);
    const businessId = decodeURIComponent(params[0] ?? '');
    const reviews = this.businesses.get(businessId);
    if (!reviews) {
      return yelpError(404, 'BUSINESS_NOT_FOUND', 'The requested business could not be found.', headers());
    }
    const newest = [...reviews.values()].sort((a, b) => b.createdAtMs - a.createdAtMs).slice(0, EXCERPTS);
    return {
      status: 200,
      headers: headers(),
      json: {
        reviews: newest.map((review) => ({
          id: review.id,
          url: `https://www.yelp.com/biz/${encodeURIComponent(businessId)}?hrid=${review.id}`,
          text:
            review.text.length > EXCERPT_CHARS ? `${review.text.slice(0, EXCERPT_CHARS)}...` : review.text,
          rating: review.rating,
          time_created: pacificTime(review.createdAtMs),
          ...(review.userName !== undefined
            ? {
                user: {
                  id: `u_${review.id}`,
                  profile_url: `https://www.yelp.com/user_details?userid=u_${review.id}`,
                  image_url: null,
                  name: review.userName,
                },
              }
            : {}),
        })),
        total: reviews.size,
        possible_languages: ['en'],
      },
    };
  }

  private business(businessId: string): Map<string, FakeYelpReview> {
    const reviews = this.businesses.get(businessId);
    if (!reviews) throw new Error(`no business ${businessId} (addBusiness first)`);
    return reviews;
  }
}

const utcDay = (ms: number): number => Math.floor(ms / 86_400_000);

/** The daily window resets at midnight UTC; the reset time is ISO 8601. */
function quotaHeaders(limit: number, used: number, day: number): Record<string, string> {
  const remaining = String(Math.max(0, limit - used));
  return {
    'RateLimit-DailyLimit': String(limit),
    'RateLimit-Remaining': remaining,
    'RateLimit-ResourceDailyLimit': String(limit),
    'RateLimit-ResourceRemaining': remaining,
    'RateLimit-ResetTime': new Date((day + 1) * 86_400_000).toISOString().replace('.000Z', '+00:00'),
  };
}

function yelpError(
  status: number,
  code: string,
  description: string,
  headers?: Record<string, string>,
): FakeResponse {
  return { status, json: { error: { code, description } }, ...(headers ? { headers } : {}) };
}

/** "YYYY-MM-DD HH:mm:ss" in Pacific time, as `time_created` is described. */
function pacificTime(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}
