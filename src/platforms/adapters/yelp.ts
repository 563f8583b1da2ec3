/**
 * The Yelp Fusion connector (../shared/PLATFORMS.md §3): the API key as a Bearer token, and
 * `/v3/businesses/{id}/reviews`, which returns at most three truncated excerpts in Yelp's own
 * order: one page, every review marked `excerpt`. The listing is not the business's whole set of
 * reviews, so a review missing from it is not a deleted review. The `RateLimit-*` headers of every
 * answer (errors included) are read into a QuotaReport and handed to `onQuota`. No replies and no
 * notifications without Yelp partner access.
 */
import { REPLY_CAPABILITIES } from '../domain/replies';
import { PlatformCallError } from '../domain/platform';
import type {
  ChangesPage,
  NotificationVerdict,
  PlatformOperation,
  PlatformReview,
  QuotaReport,
  ReplyResult,
  SyncCursor,
} from '../domain/platform';
import type { CallContext, Credentials, PlatformAdapter, PlatformHttp } from '../ports';
import { parseBody } from './platform-wire';
import { apiRoot, callPlatform } from './platform-call';
import { classifyYelpFailure, readYelpQuota, toPlatformReview, yelpReviewsSchema } from './yelp-wire';

export const YELP_API_BASE_URL = 'https://api.yelp.com';

export interface YelpAdapterOptions {
  readonly http: PlatformHttp;
  /** Scheme and host (no path): production by default; the local mode and tests point at the fake. */
  readonly baseUrl?: string;
  /**
   * Called with the quota Yelp reported on every answer that carried `RateLimit-*` headers, errors
   * included (the rate limiter and the health view listen here; `get` has no other way to tell).
   */
  readonly onQuota?: (quota: QuotaReport, context: CallContext) => void;
  readonly now?: () => number;
}

export function createYelpAdapter(options: YelpAdapterOptions): PlatformAdapter {
  return new YelpAdapter(options);
}

class YelpAdapter implements PlatformAdapter {
  readonly platform = 'yelp' as const;
  readonly supportsReplies = REPLY_CAPABILITIES.yelp.supportsReplies;
  private readonly http: PlatformHttp;
  private readonly baseUrl: string;
  private readonly onQuota: (quota: QuotaReport, context: CallContext) => void;
  private readonly now: () => number;

  constructor(options: YelpAdapterOptions) {
    this.http = options.http;
    this.baseUrl = apiRoot(options.baseUrl, YELP_API_BASE_URL);
    this.onQuota = options.onQuota ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  /**
   * The three excerpts, always (re-submitting them is an idempotent upsert). The single page is the
   * whole listing, so with a watermark the incremental sync is done (`reachedWatermark`).
   */
  async listChanges(
    credentials: Credentials,
    locationId: string,
    cursor: SyncCursor | undefined,
    context: CallContext,
  ): Promise<ChangesPage> {
    const { reviews, quota } = await this.excerpts(credentials, locationId, context, 'list');
    return {
      reviews: reviews ?? [],
      reachedWatermark: cursor?.watermark !== undefined,
      ...(quota ? { quota } : {}),
    };
  }

  /**
   * Yelp has no endpoint for one review: the excerpts are read and searched. A business Yelp no
   * longer knows means the review is gone; a review outside the three excerpts is unknown, not gone.
   */
  async get(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    context: CallContext,
  ): Promise<PlatformReview | undefined> {
    const { reviews } = await this.excerpts(credentials, locationId, context, 'get');
    if (reviews === undefined) return undefined;
    const found = reviews.find((review) => review.externalId === externalId);
    if (found) return found;
    throw new PlatformCallError('yelp', 'get', {
      kind: 'permanent',
      reason: `review ${externalId} is not among the business's three excerpts (Yelp cannot fetch one review)`,
    });
  }

  reply(): Promise<ReplyResult> {
    return Promise.reject(this.notSupported('reply'));
  }

  deleteReply(): Promise<void> {
    return Promise.reject(this.notSupported('delete-reply'));
  }

  verifyNotification(): NotificationVerdict {
    return { kind: 'rejected', status: 400, reason: 'Yelp sends no notifications to this service' };
  }

  /** The excerpts, or undefined reviews when Yelp says the business does not exist (404). */
  private async excerpts(
    credentials: Credentials,
    locationId: string,
    context: CallContext,
    operation: PlatformOperation,
  ): Promise<{ reviews?: PlatformReview[]; quota?: QuotaReport }> {
    if (!/^[^/?#]+$/.test(locationId)) {
      throw new PlatformCallError('yelp', operation, {
        kind: 'permanent',
        reason: `"${locationId}" is not a Yelp business id`,
      });
    }
    const callContext: CallContext = { ...context, platform: 'yelp', operation };
    let quota: QuotaReport | undefined;
    const response = await callPlatform(this.http, {
      platform: 'yelp',
      operation,
      credentials,
      method: 'GET',
      url: `${this.baseUrl}/v3/businesses/${encodeURIComponent(locationId)}/reviews`,
      context: callContext,
      // Every answer, errors included, reports the quota.
      onAnswer: (answer) => {
        quota = readYelpQuota(answer.headers);
        if (quota) this.onQuota(quota, callContext);
      },
      answers: (answer) => operation === 'get' && answer.status === 404,
      classify: (answer) => classifyYelpFailure(answer, operation, this.now()),
    });
    if (response.status === 404) return quota ? { quota } : {};
    const page = parseBody('yelp', operation, response, yelpReviewsSchema());
    return { reviews: (page.reviews ?? []).map(toPlatformReview), ...(quota ? { quota } : {}) };
  }

  private notSupported(operation: PlatformOperation): PlatformCallError {
    return new PlatformCallError('yelp', operation, {
      kind: 'permanent',
      reason: 'replying is not supported by the platform (Yelp offers it only to partners)',
    });
  }
}
