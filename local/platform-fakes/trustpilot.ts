/**
 * A fake Trustpilot business API on loopback (PLATFORMS.md §5): business units with private
 * service reviews, listed newest first by page number (`perPage` 1..100, a page past the end is an
 * empty list, `startDateTime` filters), get one, reply as a business user and delete the reply.
 * Calls are counted against Trustpilot's recommended limit (833 per 5 minutes, smaller for tests)
 * and answered 429 with Retry-After once it is spent. A reply must name, as `authorBusinessUserId`,
 * a business user of the review's business unit (`addBusinessUser`), as Trustpilot's reply call
 * requires one; the status of Trustpilot's refusal is not documented (400 here). Webhook requests (unsigned, like
 * Trustpilot's) are built by `notification`. OAuth routes are mounted on `server` by others;
 * tests issue tokens with `server.issueToken(businessUserId)`.
 */
import { randomUUID } from 'node:crypto';
import type { InboundNotification } from '../../src/platforms';
import {
  FakePlatformServer,
  type FakeRequest,
  type FakeResponse,
  type FakeRoute,
} from './fake-platform-server';

export interface FakeTrustpilotReview {
  readonly id: string;
  readonly businessUnitId: string;
  stars: number;
  title: string;
  text: string;
  consumerName: string;
  readonly createdAt: string;
  updatedAt: string | null;
  reply?: { text: string; authorBusinessUserId: string; createdAt: string };
}

export interface FakeTrustpilotOptions {
  /**
   * Call budgets, each over a sliding window, answered 429 once one is spent (default Trustpilot's
   * recommendation: 833 per 5 minutes and 10,000 per hour).
   */
  readonly rateLimits?: readonly { readonly calls: number; readonly windowMs: number }[];
}

export type TrustpilotEventName =
  'service-review-created' | 'service-review-updated' | 'service-review-deleted';

export class FakeTrustpilot {
  readonly server = new FakePlatformServer('trustpilot');
  private readonly units = new Set<string>();
  /** Business users by business unit: the only authors a reply may name. */
  private readonly businessUsers = new Map<string, Set<string>>();
  private readonly reviews = new Map<string, FakeTrustpilotReview>();
  /** Business unit of every review ever added (deleted ones too: a call for one still counts there). */
  private readonly unitOfReview = new Map<string, string>();
  /** Times of every call the limits let through, oldest first. */
  private readonly history: number[] = [];
  private readonly rateLimits: readonly { calls: number; windowMs: number }[];
  private clock = Date.parse('2026-01-01T00:00:00.000Z');

  constructor(options: FakeTrustpilotOptions = {}) {
    this.rateLimits = options.rateLimits ?? [
      { calls: 833, windowMs: 5 * 60_000 },
      { calls: 10_000, windowMs: 60 * 60_000 },
    ];
    this.server
      .on(
        'GET',
        /^\/v1\/private\/business-units\/([^/]+)\/reviews$/,
        this.guard((r, [unit]) => this.list(r, unit as string)),
      )
      .on(
        'GET',
        /^\/v1\/private\/reviews\/([^/]+)$/,
        this.guard((_, [id]) => this.getOne(id as string)),
      )
      .on(
        'POST',
        /^\/v1\/private\/reviews\/([^/]+)\/reply$/,
        this.guard((r, [id]) => this.reply(r, id as string)),
      )
      .on(
        'DELETE',
        /^\/v1\/private\/reviews\/([^/]+)\/reply$/,
        this.guard((_, [id]) => this.deleteReply(id as string)),
      );
  }

  start(): Promise<string> {
    return this.server.start();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** API calls the rate limit counted (answered, not refused with 429). */
  get countedCalls(): number {
    return this.history.length;
  }

  /** Most calls seen in any window of `windowMs` (for "the rate was never exceeded" checks). */
  peakCalls(windowMs: number): number {
    let peak = 0;
    let start = 0;
    for (let end = 0; end < this.history.length; end += 1) {
      while ((this.history[end] as number) - (this.history[start] as number) >= windowMs) start += 1;
      peak = Math.max(peak, end - start + 1);
    }
    return peak;
  }

  /**
   * The business unit an API call is for (a listing names it; a review's get or reply counts for its
   * unit), or undefined for OAuth routes and unknown reviews: rates per unit are judged by this.
   */
  locationOf(request: FakeRequest): string | undefined {
    const listing = /^\/v1\/private\/business-units\/([^/]+)\/reviews$/.exec(request.path);
    if (listing) return decodeURIComponent(listing[1] as string);
    const review = /^\/v1\/private\/reviews\/([^/]+)/.exec(request.path);
    return review ? this.unitOfReview.get(decodeURIComponent(review[1] as string)) : undefined;
  }

  addBusinessUnit(id: string): void {
    this.units.add(id);
  }

  /** A business user of the unit: replies to the unit's reviews may be written as this user. */
  addBusinessUser(businessUnitId: string, businessUserId: string): void {
    this.units.add(businessUnitId);
    const users = this.businessUsers.get(businessUnitId) ?? new Set<string>();
    users.add(businessUserId);
    this.businessUsers.set(businessUnitId, users);
  }

  /** Adds a review; each one is a second newer than the last unless `createdAt` is given. */
  addReview(
    businessUnitId: string,
    fields: Partial<Omit<FakeTrustpilotReview, 'businessUnitId'>> = {},
  ): FakeTrustpilotReview {
    this.units.add(businessUnitId);
    this.clock += 1000;
    const review: FakeTrustpilotReview = {
      id: fields.id ?? randomUUID().replace(/-/g, '').slice(0, 24),
      businessUnitId,
      stars: fields.stars ?? 5,
      title: fields.title ?? 'Lovely day',
      text: fields.text ?? 'They made our wedding day.',
      consumerName: fields.consumerName ?? 'Alex Doe',
      createdAt: fields.createdAt ?? new Date(this.clock).toISOString(),
      updatedAt: fields.updatedAt ?? null,
      ...(fields.reply ? { reply: fields.reply } : {}),
    };
    this.reviews.set(review.id, review);
    this.unitOfReview.set(review.id, businessUnitId);
    return review;
  }

  /** The consumer edits a review: `updatedAt` moves on. */
  editReview(
    id: string,
    changes: Partial<Pick<FakeTrustpilotReview, 'stars' | 'title' | 'text'>>,
  ): FakeTrustpilotReview {
    const review = this.mustFind(id);
    Object.assign(review, changes);
    this.clock += 1000;
    review.updatedAt = new Date(Math.max(this.clock, Date.parse(review.createdAt) + 1000)).toISOString();
    return review;
  }

  deleteReview(id: string): void {
    this.reviews.delete(id);
  }

  review(id: string): FakeTrustpilotReview | undefined {
    return this.reviews.get(id);
  }

  replyOf(id: string): FakeTrustpilotReview['reply'] {
    return this.reviews.get(id)?.reply;
  }

  /**
   * A webhook delivery as our inbound route receives it: Trustpilot's documented body, and the
   * path token (the route hands it on as `query.token`).
   */
  notification(
    token: string,
    events: readonly { name: TrustpilotEventName; reviewId: string }[],
    /** The business unit the webhook URL names (our route's `businessUnitId` query). */
    businessUnitId?: string,
  ): InboundNotification {
    const body = {
      events: events.map(({ name, reviewId }) => {
        const review = this.reviews.get(reviewId);
        return {
          eventName: name,
          version: '1',
          eventData: {
            id: reviewId,
            language: 'en',
            title: review?.title ?? '',
            text: review?.text ?? '',
            stars: review?.stars ?? 0,
            createdAt: review?.createdAt ?? new Date(this.clock).toISOString(),
            isVerified: false,
            link: `https://www.trustpilot.com/reviews/${reviewId}`,
            consumer: {
              id: 'c1',
              name: review?.consumerName ?? 'Someone',
              link: 'https://www.trustpilot.com/users/c1',
            },
            tags: [],
          },
        };
      }),
    };
    return {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: businessUnitId === undefined ? { token } : { token, businessUnitId },
      rawBody: Buffer.from(JSON.stringify(body), 'utf8'),
    };
  }

  private guard(route: FakeRoute): FakeRoute {
    return (request, params) => {
      const auth = this.server.bearer(request);
      if (!auth.ok) {
        return { status: 401, json: { fault: { faultstring: `Invalid access token (${auth.reason})` } } };
      }
      const now = Date.now();
      const waitMs = Math.max(0, ...this.rateLimits.map((limit) => this.waitFor(limit, now)));
      if (waitMs > 0) {
        return {
          status: 429,
          headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
          json: { message: 'Too Many Requests' },
        };
      }
      this.history.push(now);
      return route(request, params);
    };
  }

  /** How long until `limit` has room for one more call (0: it has room now). */
  private waitFor(limit: { calls: number; windowMs: number }, now: number): number {
    let inWindow = 0;
    for (let i = this.history.length - 1; i >= 0; i -= 1) {
      const at = this.history[i] as number;
      if (at <= now - limit.windowMs) break;
      inWindow += 1;
      // The oldest call that must leave the window before another fits.
      if (inWindow === limit.calls) return at + limit.windowMs - now;
    }
    return 0;
  }

  private list(request: FakeRequest, unit: string): FakeResponse {
    if (!this.units.has(unit)) return { status: 404, json: { message: 'Business unit not found' } };
    const perPage = Number(request.query.get('perPage') ?? '20');
    const page = Number(request.query.get('page') ?? '1');
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      return { status: 400, json: { message: 'perPage must be between 1 and 100' } };
    }
    if (!Number.isInteger(page) || page < 1)
      return { status: 400, json: { message: 'page must be 1 or more' } };
    const orderBy = request.query.get('orderBy') ?? 'createdat.desc';
    if (orderBy !== 'createdat.desc' && orderBy !== 'createdat.asc') {
      return { status: 400, json: { message: `orderBy ${orderBy} not supported by the fake` } };
    }
    const start = request.query.get('startDateTime');
    const startMs = start === null ? undefined : Date.parse(start);
    if (startMs !== undefined && Number.isNaN(startMs))
      return { status: 400, json: { message: 'bad startDateTime' } };
    const sorted = [...this.reviews.values()]
      .filter(
        (r) => r.businessUnitId === unit && (startMs === undefined || Date.parse(r.createdAt) >= startMs),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    if (orderBy === 'createdat.asc') sorted.reverse();
    const slice = sorted.slice((page - 1) * perPage, page * perPage);
    return { status: 200, json: { reviews: slice.map(toWire), links: [] } };
  }

  private getOne(id: string): FakeResponse {
    const review = this.reviews.get(id);
    return review
      ? { status: 200, json: toWire(review) }
      : { status: 404, json: { message: 'Review not found' } };
  }

  private reply(request: FakeRequest, id: string): FakeResponse {
    const review = this.reviews.get(id);
    if (!review) return { status: 404, json: { message: 'Review not found' } };
    let body: { authorBusinessUserId?: unknown; message?: unknown };
    try {
      body = JSON.parse(request.rawBody.toString('utf8')) as typeof body;
    } catch {
      return { status: 400, json: { message: 'body is not JSON' } };
    }
    if (typeof body.authorBusinessUserId !== 'string' || body.authorBusinessUserId === '') {
      return { status: 400, json: { message: 'authorBusinessUserId is required' } };
    }
    if (!this.businessUsers.get(review.businessUnitId)?.has(body.authorBusinessUserId)) {
      return {
        status: 400,
        json: { message: 'authorBusinessUserId is not a business user of this business unit' },
      };
    }
    if (typeof body.message !== 'string' || body.message.trim() === '') {
      return { status: 400, json: { message: 'message is required' } };
    }
    review.reply = {
      text: body.message,
      authorBusinessUserId: body.authorBusinessUserId,
      createdAt: new Date().toISOString(),
    };
    return { status: 201, text: '' };
  }

  private deleteReply(id: string): FakeResponse {
    const review = this.reviews.get(id);
    if (!review?.reply) return { status: 404, json: { message: 'Reply not found' } };
    delete review.reply;
    return { status: 204, text: '' };
  }

  private mustFind(id: string): FakeTrustpilotReview {
    const review = this.reviews.get(id);
    if (!review) throw new Error(`no review ${id}`);
    return review;
  }
}

/** The private review shape (the consumer's email and order id stand in for what we drop). */
function toWire(review: FakeTrustpilotReview): unknown {
  return {
    id: review.id,
    consumer: { id: `c-${review.id}`, displayName: review.consumerName, email: 'couple@example.com' },
    businessUnit: { id: review.businessUnitId },
    stars: review.stars,
    title: review.title,
    text: review.text,
    language: 'en',
    referenceId: `order-${review.id}`,
    createdAt: review.createdAt,
    updatedAt: review.updatedAt,
    companyReply: review.reply
      ? {
          text: review.reply.text,
          authorBusinessUserId: review.reply.authorBusinessUserId,
          createdAt: review.reply.createdAt,
          updatedAt: null,
        }
      : null,
  };
}
