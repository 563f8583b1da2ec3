/**
 * The Trustpilot connector: private service reviews of one business unit (the location), newest
 * first by page number, incremental from the watermark with `startDateTime`; replies as the
 * connection's business user (`settings.authorBusinessUserId`). Every call goes through
 * PlatformHttp; every failure is thrown as a classified PlatformCallError.
 */
import { REPLY_CAPABILITIES } from '../domain/replies';
import {
  PlatformCallError,
  type ChangesPage,
  type InboundNotification,
  type NotificationVerdict,
  type PlatformFailure,
  type PlatformReview,
  type ReplyResult,
  type SyncCursor,
} from '../domain/platform';
import type { CallContext, Credentials, PlatformAdapter, PlatformHttp, PlatformHttpResponse } from '../ports';
import {
  TRUSTPILOT_MAX_PER_PAGE,
  classifyTrustpilotFailure,
  malformedTrustpilotBody,
  mapTrustpilotReview,
  trustpilotReviewListSchema,
  trustpilotReviewSchema,
  verifyTrustpilotNotification,
} from './trustpilot-wire';
import { parseJsonBody } from './platform-wire';
import { apiRoot, callPlatform, pageSizeWithin } from './platform-call';

export interface TrustpilotAdapterOptions {
  readonly http: PlatformHttp;
  /** Default `https://api.trustpilot.com`; the local mode and tests point it at the fake. */
  readonly baseUrl?: string;
  /** 1..100, default 100. */
  readonly perPage?: number;
  readonly now?: () => number;
}

export const TRUSTPILOT_BASE_URL = 'https://api.trustpilot.com';

export class TrustpilotAdapter implements PlatformAdapter {
  readonly platform = 'trustpilot' as const;
  readonly supportsReplies = REPLY_CAPABILITIES.trustpilot.supportsReplies;
  private readonly http: PlatformHttp;
  private readonly baseUrl: string;
  private readonly perPage: number;
  private readonly now: () => number;

  constructor(options: TrustpilotAdapterOptions) {
    this.http = options.http;
    this.baseUrl = apiRoot(options.baseUrl, TRUSTPILOT_BASE_URL);
    this.perPage = pageSizeWithin(options.perPage, TRUSTPILOT_MAX_PER_PAGE);
    this.now = options.now ?? Date.now;
  }

  async listChanges(
    credentials: Credentials,
    locationId: string,
    cursor: SyncCursor | undefined,
    context: CallContext,
  ): Promise<ChangesPage> {
    const page = cursor?.pageToken === undefined ? 1 : Number(cursor.pageToken);
    if (!Number.isSafeInteger(page) || page < 1) {
      throw this.failure(context, {
        kind: 'permanent',
        reason: `cursor page '${cursor?.pageToken}' is not a page number`,
      });
    }
    // Trustpilot orders and filters by creation time only: an edit to an older review is not in an
    // incremental listing. The `service-review-updated` webhook and full syncs bring edits in.
    const watermark = cursor?.watermark;
    const query = new URLSearchParams({
      perPage: String(this.perPage),
      page: String(page),
      orderBy: 'createdat.desc',
    });
    if (watermark) query.set('startDateTime', watermark);
    const response = await this.call(
      credentials,
      'GET',
      `/v1/private/business-units/${encodeURIComponent(locationId)}/reviews?${query}`,
      undefined,
      context,
    );
    const parsed = parseJsonBody(response.body, trustpilotReviewListSchema());
    if (!parsed.ok) throw this.failure(context, malformedTrustpilotBody(parsed.reason), response.status);

    const reviews: PlatformReview[] = [];
    let reachedWatermark = false;
    for (const review of parsed.value.reviews.map(mapTrustpilotReview)) {
      // startDateTime already filters; this guards against a platform that ignores it.
      if (watermark && review.createdAt < watermark) {
        reachedWatermark = true;
        continue;
      }
      reviews.push(review);
    }
    // Trustpilot answers a page past the end with an empty list: that, and only that, ends the listing.
    const ended = parsed.value.reviews.length === 0 || reachedWatermark;
    return {
      reviews,
      reachedWatermark: ended && watermark !== undefined,
      ...(ended ? {} : { next: { pageToken: String(page + 1), ...(watermark ? { watermark } : {}) } }),
    };
  }

  async get(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    context: CallContext,
  ): Promise<PlatformReview | undefined> {
    const response = await this.call(
      credentials,
      'GET',
      `/v1/private/reviews/${encodeURIComponent(externalId)}`,
      undefined,
      context,
      { notFoundIsAnswer: true },
    );
    if (response.status === 404) return undefined;
    const parsed = parseJsonBody(response.body, trustpilotReviewSchema());
    if (!parsed.ok) throw this.failure(context, malformedTrustpilotBody(parsed.reason), response.status);
    const unit = parsed.value.businessUnit?.id;
    if (unit !== undefined && unit !== locationId) {
      // A review of another business unit is never handed to this connection.
      throw this.failure(context, { kind: 'permanent', reason: 'review belongs to another business unit' });
    }
    return mapTrustpilotReview(parsed.value);
  }

  async reply(
    credentials: Credentials,
    _locationId: string,
    externalId: string,
    comment: string,
    context: CallContext,
  ): Promise<ReplyResult> {
    const author = credentials.settings?.authorBusinessUserId;
    if (!author) {
      // No call: Trustpilot refuses a reply without its author. The reason tells the supplier the fix.
      throw this.failure(context, {
        kind: 'permanent',
        reason:
          'the Trustpilot connection has no authorBusinessUserId (the business user replies are written as): ' +
          `set it with PATCH /v1/connections/${context.connectionId ?? '{connectionId}'}, then reply again`,
      });
    }
    await this.call(
      credentials,
      'POST',
      `/v1/private/reviews/${encodeURIComponent(externalId)}/reply`,
      JSON.stringify({ authorBusinessUserId: author, message: comment }),
      context,
    );
    return { state: 'published' };
  }

  async deleteReply(
    credentials: Credentials,
    _locationId: string,
    externalId: string,
    context: CallContext,
  ): Promise<void> {
    await this.call(
      credentials,
      'DELETE',
      `/v1/private/reviews/${encodeURIComponent(externalId)}/reply`,
      undefined,
      context,
    );
  }

  verifyNotification(
    request: InboundNotification,
    secrets: Readonly<Record<string, string>>,
  ): NotificationVerdict {
    return verifyTrustpilotNotification(request, secrets);
  }

  /** One call; a non-2xx answer becomes a classified PlatformCallError (404 optionally returned). */
  private call(
    credentials: Credentials,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body: string | undefined,
    context: CallContext,
    options: { notFoundIsAnswer?: boolean } = {},
  ): Promise<PlatformHttpResponse> {
    return callPlatform(this.http, {
      platform: 'trustpilot',
      operation: context.operation,
      credentials,
      method,
      url: `${this.baseUrl}${path}`,
      ...(body !== undefined ? { body: { text: body, contentType: 'application/json' } } : {}),
      context,
      answers: (response) => response.status === 404 && options.notFoundIsAnswer === true,
      classify: (response) => classifyTrustpilotFailure(response.status, response.headers, this.now()),
    });
  }

  private failure(context: CallContext, failure: PlatformFailure, status?: number): PlatformCallError {
    return new PlatformCallError('trustpilot', context.operation, failure, status);
  }
}

/** Built by the platform registry (adapters/platform-registry.ts). */
export const createTrustpilotAdapter = (options: TrustpilotAdapterOptions): PlatformAdapter =>
  new TrustpilotAdapter(options);
