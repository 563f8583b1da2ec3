/**
 * The Google Business Profile connector (reviews API v4, ../shared/PLATFORMS.md §1).
 * - list: newest edits first (`orderBy=updateTime desc`), at most 50 a page, page tokens; an
 *   incremental sync stops at the first review older than the cursor's watermark.
 * - get, reply (PUT: an upsert, at most 4096 bytes), delete reply.
 * - failures classified from Google's error model (google-wire.ts); Google reports no quota in
 *   its headers, so no QuotaReport: the rate limiter runs on the documented 300 requests/minute.
 * - notifications: Pub/Sub push to our route, authenticated by a shared token in the push URL.
 */
import { REPLY_CAPABILITIES } from '../domain/replies';
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from '../../shared/zod';
import { PlatformCallError } from '../domain/platform';
import type {
  ChangesPage,
  InboundNotification,
  NotificationVerdict,
  PlatformOperation,
  PlatformReview,
  ReplyResult,
  SyncCursor,
} from '../domain/platform';
import type { CallContext, Credentials, PlatformAdapter, PlatformHttp, PlatformHttpResponse } from '../ports';
import {
  GOOGLE_MAX_PAGE_SIZE,
  GOOGLE_MAX_REPLY_BYTES,
  classifyGoogleFailure,
  googleListSchema,
  googleReplySchema,
  googleReviewSchema,
  locationNameOf,
  readPubSubPush,
  toPlatformReview,
} from './google-wire';
import { normaliseTimestamp, parseBody } from './platform-wire';
import { apiRoot, callPlatform, pageSizeWithin } from './platform-call';

export const GOOGLE_API_BASE_URL = 'https://mybusiness.googleapis.com';

export interface GoogleAdapterOptions {
  readonly http: PlatformHttp;
  /** Scheme and host (no path): production by default; the local mode and tests point at the fake. */
  readonly baseUrl?: string;
  /** Reviews per page, 1..50 (default 50, Google's maximum). */
  readonly pageSize?: number;
  readonly now?: () => number;
}

/** The key of the push token in `verifyNotification`'s secrets (the `token` query of the push URL). */
export const GOOGLE_PUSH_TOKEN_SECRET = 'pushToken';

export function createGoogleAdapter(options: GoogleAdapterOptions): PlatformAdapter {
  return new GoogleAdapter(options);
}

class GoogleAdapter implements PlatformAdapter {
  readonly platform = 'google' as const;
  readonly supportsReplies = REPLY_CAPABILITIES.google.supportsReplies;
  /** Characters are at least one byte each; `reply` checks the byte length itself. */
  readonly maxReplyLength = GOOGLE_MAX_REPLY_BYTES;
  private readonly http: PlatformHttp;
  private readonly baseUrl: string;
  private readonly pageSize: number;
  private readonly now: () => number;

  constructor(options: GoogleAdapterOptions) {
    this.http = options.http;
    this.baseUrl = apiRoot(options.baseUrl, GOOGLE_API_BASE_URL);
    this.pageSize = pageSizeWithin(options.pageSize, GOOGLE_MAX_PAGE_SIZE);
    this.now = options.now ?? Date.now;
  }

  async listChanges(
    credentials: Credentials,
    locationId: string,
    cursor: SyncCursor | undefined,
    context: CallContext,
  ): Promise<ChangesPage> {
    const operation = 'list';
    const query = new URLSearchParams({ pageSize: String(this.pageSize), orderBy: 'updateTime desc' });
    if (cursor?.pageToken) query.set('pageToken', cursor.pageToken);
    const url = `${this.locationUrl(credentials, locationId, operation)}/reviews?${query.toString()}`;
    const response = await this.call(operation, credentials, context, 'GET', url);
    const page = parseBody('google', operation, response, googleListSchema());
    // An unreadable watermark lists everything: more work, nothing missed.
    const watermark = cursor?.watermark !== undefined ? normaliseTimestamp(cursor.watermark) : undefined;
    const all = (page.reviews ?? []).map(toPlatformReview);
    // Equal times are kept: two edits in one millisecond must not hide the second one.
    const fresh = watermark === undefined ? all : all.filter((review) => review.updatedAt >= watermark);
    const reachedWatermark = fresh.length < all.length;
    const next: SyncCursor | undefined =
      !reachedWatermark && page.nextPageToken
        ? {
            pageToken: page.nextPageToken,
            ...(cursor?.watermark !== undefined ? { watermark: cursor.watermark } : {}),
          }
        : undefined;
    return { reviews: fresh, reachedWatermark, ...(next ? { next } : {}) };
  }

  async get(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    context: CallContext,
  ): Promise<PlatformReview | undefined> {
    const operation = 'get';
    const url = this.reviewUrl(credentials, locationId, externalId, operation);
    const response = await this.call(operation, credentials, context, 'GET', url, undefined, true);
    if (response.status === 404) return undefined;
    return toPlatformReview(parseBody('google', operation, response, googleReviewSchema()));
  }

  async reply(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    comment: string,
    context: CallContext,
  ): Promise<ReplyResult> {
    const operation = 'reply';
    if (comment.trim() === '') throw this.refuse(operation, 'a reply needs text');
    const bytes = Buffer.byteLength(comment, 'utf8');
    if (bytes > GOOGLE_MAX_REPLY_BYTES) {
      throw this.refuse(
        operation,
        `reply is ${bytes} bytes; Google accepts at most ${GOOGLE_MAX_REPLY_BYTES}`,
      );
    }
    const url = `${this.reviewUrl(credentials, locationId, externalId, operation)}/reply`;
    const response = await this.call(
      operation,
      credentials,
      context,
      'PUT',
      url,
      JSON.stringify({ comment }),
    );
    const reply = parseBody('google', operation, response, googleReplySchema());
    // Google moderates replies; a PENDING state (field name from a third party) means not yet public.
    return { state: reply.reviewReplyState?.toUpperCase() === 'PENDING' ? 'pending' : 'published' };
  }

  async deleteReply(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    context: CallContext,
  ): Promise<void> {
    const operation = 'delete-reply';
    const url = `${this.reviewUrl(credentials, locationId, externalId, operation)}/reply`;
    const response = await this.call(operation, credentials, context, 'DELETE', url);
    // The answer is an empty JSON object; an HTML page with 200 says nothing was deleted.
    parseBody('google', operation, response, z.object({}));
  }

  verifyNotification(
    request: InboundNotification,
    secrets: Readonly<Record<string, string>>,
  ): NotificationVerdict {
    if (request.method !== 'POST')
      return { kind: 'rejected', status: 400, reason: 'Pub/Sub pushes with POST' };
    const expected = secrets[GOOGLE_PUSH_TOKEN_SECRET];
    if (!expected) return { kind: 'rejected', status: 401, reason: 'no push token configured' };
    const given = request.query.token;
    if (!given || !sameSecret(given, expected)) {
      return { kind: 'rejected', status: 401, reason: 'push token missing or wrong' };
    }
    const read = readPubSubPush(request.rawBody);
    if (!read.ok) return { kind: 'rejected', status: 400, reason: read.reason };
    return { kind: 'notification', notifications: read.notifications };
  }

  /** One call; any non-2xx becomes a classified PlatformCallError (404 returned when `gone404`). */
  private call(
    operation: PlatformOperation,
    credentials: Credentials,
    context: CallContext,
    method: 'GET' | 'PUT' | 'DELETE',
    url: string,
    body?: string,
    gone404 = false,
  ): Promise<PlatformHttpResponse> {
    return callPlatform(this.http, {
      platform: 'google',
      operation,
      credentials,
      method,
      url,
      ...(body !== undefined ? { body: { text: body, contentType: 'application/json; charset=utf-8' } } : {}),
      context: { ...context, platform: 'google', operation },
      answers: (response) => gone404 && response.status === 404,
      classify: (response) => classifyGoogleFailure(response, operation, this.now()),
    });
  }

  private locationUrl(credentials: Credentials, locationId: string, operation: PlatformOperation): string {
    let name: string;
    try {
      name = locationNameOf(locationId, credentials.settings);
    } catch (error) {
      throw this.refuse(operation, (error as Error).message);
    }
    return `${this.baseUrl}/v4/${name.split('/').map(encodeURIComponent).join('/')}`;
  }

  private reviewUrl(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    operation: PlatformOperation,
  ): string {
    if (!/^[^/]+$/.test(externalId)) throw this.refuse(operation, `"${externalId}" is not a review id`);
    return `${this.locationUrl(credentials, locationId, operation)}/reviews/${encodeURIComponent(externalId)}`;
  }

  private refuse(operation: PlatformOperation, reason: string): PlatformCallError {
    return new PlatformCallError('google', operation, { kind: 'permanent', reason });
  }
}

/** Constant time whatever the lengths: both sides are hashed first. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
