/**
 * The Facebook Pages connector: a Page's ratings (recommendations) through a pinned Graph API
 * version with the Page access token, cursor paging, replies as comments on the review's
 * open_graph_story (PLATFORMS.md marks replying this way as unconfirmed), usage headers as quota
 * reports. Every failure is thrown as a PlatformCallError classified by the Graph error code.
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
import { PAGE_TOKEN_SETTING } from '../domain/connection';
import type { CallContext, Credentials, PlatformAdapter, PlatformHttp, PlatformHttpResponse } from '../ports';
import {
  FACEBOOK_RATING_FIELDS,
  classifyFacebookFailure,
  facebookCommentsSchema,
  facebookCreatedSchema,
  facebookRatingsPageSchema,
  graphError,
  mapFacebookRating,
  nextCursor,
  parseFacebookUsage,
  verifyFacebookNotification,
  type FacebookRatingsPage,
} from './facebook-wire';
import { parseJsonBody } from './platform-wire';
import { apiRoot, callPlatform, isSuccessStatus, pageSizeWithin } from './platform-call';

export interface FacebookAdapterOptions {
  readonly http: PlatformHttp;
  /**
   * The Graph API version every call names, e.g. `v21.0`. Required: an unpinned call runs on the
   * app's default version, and recommendations are refused (error 12) from v22.0 on.
   */
  readonly graphVersion: string;
  /** Default `https://graph.facebook.com`; the local mode and tests point it at the fake. */
  readonly baseUrl?: string;
  /** Ratings per page (`limit`), 1..100, default 100. */
  readonly pageSize?: number;
  /** Most ratings pages `get` reads looking for one review (there is no documented get by id), default 10. */
  readonly maxGetPages?: number;
  readonly now?: () => number;
}

export const FACEBOOK_GRAPH_BASE_URL = 'https://graph.facebook.com';

export class FacebookAdapter implements PlatformAdapter {
  readonly platform = 'facebook' as const;
  readonly supportsReplies = REPLY_CAPABILITIES.facebook.supportsReplies;
  private readonly http: PlatformHttp;
  private readonly root: string;
  private readonly pageSize: number;
  private readonly maxGetPages: number;
  private readonly now: () => number;

  constructor(options: FacebookAdapterOptions) {
    if (!/^v\d+\.\d+$/.test(options.graphVersion)) {
      throw new Error(`graphVersion must look like v21.0, got '${options.graphVersion}'`);
    }
    this.http = options.http;
    this.root = `${apiRoot(options.baseUrl, FACEBOOK_GRAPH_BASE_URL)}/${options.graphVersion}`;
    this.pageSize = pageSizeWithin(options.pageSize, 100);
    this.maxGetPages = Math.max(1, Math.floor(options.maxGetPages ?? 10));
    this.now = options.now ?? Date.now;
  }

  async listChanges(
    credentials: Credentials,
    locationId: string,
    cursor: SyncCursor | undefined,
    context: CallContext,
  ): Promise<ChangesPage> {
    credentials = forPage(credentials, locationId);
    const { page, response } = await this.ratingsPage(credentials, locationId, cursor?.pageToken, context);
    const watermark = cursor?.watermark;
    const reviews: PlatformReview[] = [];
    let reachedWatermark = false;
    for (const rating of page.data) {
      const review = mapFacebookRating(rating);
      if (!review) continue;
      if (watermark && review.updatedAt < watermark) {
        reachedWatermark = true;
        continue;
      }
      reviews.push(review);
    }
    const after = reachedWatermark ? undefined : nextCursor(page);
    const quota = parseFacebookUsage(response.headers, this.now());
    return {
      reviews,
      reachedWatermark: watermark !== undefined && (reachedWatermark || after === undefined),
      ...(after ? { next: { pageToken: after, ...(watermark ? { watermark } : {}) } } : {}),
      ...(quota ? { quota } : {}),
    };
  }

  /** The ratings edge has no documented get by id: read pages until the story turns up. */
  async get(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    context: CallContext,
  ): Promise<PlatformReview | undefined> {
    credentials = forPage(credentials, locationId);
    let after: string | undefined;
    for (let read = 0; read < this.maxGetPages; read += 1) {
      // Every page is a call against the Page's quota, like the first (the caller paid for that one).
      if (read > 0) await context.beforeFurtherCall?.();
      const { page } = await this.ratingsPage(credentials, locationId, after, context);
      const found = page.data.map(mapFacebookRating).find((review) => review?.externalId === externalId);
      if (found) return found;
      after = nextCursor(page);
      if (!after) return undefined;
    }
    throw this.failure(context, {
      kind: 'permanent',
      reason: `review ${externalId} not in the newest ${this.maxGetPages} pages of ratings`,
    });
  }

  async reply(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    comment: string,
    context: CallContext,
  ): Promise<ReplyResult> {
    credentials = forPage(credentials, locationId);
    const response = await this.call(
      credentials,
      'POST',
      `/${encodeURIComponent(externalId)}/comments`,
      new URLSearchParams({ message: comment }).toString(),
      context,
    );
    const created = parseJsonBody(response.body, facebookCreatedSchema());
    if (!created.ok) throw this.malformed(context, created.reason, response.status);
    const quota = parseFacebookUsage(response.headers, this.now());
    return { state: 'published', replyId: created.value.id, ...(quota ? { quota } : {}) };
  }

  /**
   * Deletes the Page's comment on the review: the one `replyId` names, or, without it, every
   * comment on the story written by the Page itself.
   */
  async deleteReply(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    context: CallContext,
    replyId?: string,
  ): Promise<void> {
    credentials = forPage(credentials, locationId);
    let ids: string[];
    if (replyId) {
      ids = [replyId];
    } else {
      const response = await this.call(
        credentials,
        'GET',
        `/${encodeURIComponent(externalId)}/comments?${new URLSearchParams({ fields: 'id,from', limit: '100' })}`,
        undefined,
        context,
      );
      const comments = parseJsonBody(response.body, facebookCommentsSchema());
      if (!comments.ok) throw this.malformed(context, comments.reason, response.status);
      ids = comments.value.data.filter((c) => c.from?.id === locationId).map((c) => c.id);
    }
    for (const id of ids) {
      await this.call(credentials, 'DELETE', `/${encodeURIComponent(id)}`, undefined, context, {
        goneIsDone: true,
      });
    }
  }

  verifyNotification(
    request: InboundNotification,
    secrets: Readonly<Record<string, string>>,
  ): NotificationVerdict {
    return verifyFacebookNotification(request, secrets);
  }

  private async ratingsPage(
    credentials: Credentials,
    pageId: string,
    after: string | undefined,
    context: CallContext,
  ): Promise<{ page: FacebookRatingsPage; response: PlatformHttpResponse }> {
    const query = new URLSearchParams({ fields: FACEBOOK_RATING_FIELDS, limit: String(this.pageSize) });
    if (after) query.set('after', after);
    const response = await this.call(
      credentials,
      'GET',
      `/${encodeURIComponent(pageId)}/ratings?${query}`,
      undefined,
      context,
    );
    const parsed = parseJsonBody(response.body, facebookRatingsPageSchema());
    if (!parsed.ok) throw this.malformed(context, parsed.reason, response.status);
    return { page: parsed.value, response };
  }

  /** One call with the Page token (in a header, never in the URL the audit log records). */
  private call(
    credentials: Credentials,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body: string | undefined,
    context: CallContext,
    options: { goneIsDone?: boolean } = {},
  ): Promise<PlatformHttpResponse> {
    return callPlatform(this.http, {
      platform: 'facebook',
      operation: context.operation,
      credentials,
      method,
      url: `${this.root}${path}`,
      ...(body !== undefined
        ? { body: { text: body, contentType: 'application/x-www-form-urlencoded' } }
        : {}),
      context,
      // Graph can answer an error inside a 200.
      succeeded: (response) => isSuccessStatus(response) && !graphError(response.body),
      // Graph's "object does not exist" (100/33): a deleted comment is what deleteReply wants.
      answers: (response) => {
        const gone = options.goneIsDone ? graphError(response.body) : undefined;
        return gone?.code === 100 && gone.subcode === 33;
      },
      classify: (response) =>
        classifyFacebookFailure(response.status, response.headers, response.body, this.now()),
    });
  }

  private malformed(context: CallContext, reason: string, status: number): PlatformCallError {
    return this.failure(
      context,
      { kind: 'retry-later', reason: `Facebook sent a malformed body: ${reason}` },
      status,
    );
  }

  private failure(context: CallContext, failure: PlatformFailure, status?: number): PlatformCallError {
    return new PlatformCallError('facebook', context.operation, failure, status);
  }
}

/** Built by the platform registry (adapters/platform-registry.ts). */
export const createFacebookAdapter = (options: FacebookAdapterOptions): PlatformAdapter =>
  new FacebookAdapter(options);

/** The Page's own token (from the connection's settings) when there is one; the user token cannot act for a Page. */
function forPage(credentials: Credentials, pageId: string): Credentials {
  const pageToken = credentials.settings?.[`${PAGE_TOKEN_SETTING}${pageId}`];
  return pageToken ? { ...credentials, accessToken: pageToken } : credentials;
}
