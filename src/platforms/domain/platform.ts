/**
 * The contract between the platform connectors and the rest of the product: what a review looks
 * like when it comes from a platform, what a page of changes is, and how a failed call is
 * classified. Every adapter (src/platforms/adapters/<platform>.ts) speaks only these types, so
 * sync, replies, quotas, breakers and the audit log never branch on a platform's wire format.
 */

/** Platforms we connect to with an API (WeddingWire / The Knot come in by import instead). */
export const CONNECTED_PLATFORMS = ['google', 'trustpilot', 'facebook', 'yelp'] as const;
export type ConnectedPlatform = (typeof CONNECTED_PLATFORMS)[number];

/** Facebook's recommendation replaces stars: positive or negative, and no rating at all. */
export type Recommendation = 'positive' | 'negative';

/** One review as a platform reports it, normalised. */
export interface PlatformReview {
  /** The platform's own id (Google: the review `name`'s last segment; stable across edits). */
  readonly externalId: string;
  /** 1..5; absent when the platform gives none (a Facebook recommendation, Google UNSPECIFIED). */
  readonly rating?: number;
  readonly recommendation?: Recommendation;
  readonly title?: string;
  /** May be empty: rating-only reviews are valid. */
  readonly body: string;
  /** Display name; `Anonymous` when the platform hides it. */
  readonly reviewerName: string;
  readonly createdAt: string;
  /** Changes with every edit on the platform (Google `updateTime`); equals createdAt otherwise. */
  readonly updatedAt: string;
  /** Yelp: a truncated excerpt (at most 3 per business), not the whole review. */
  readonly excerpt?: true;
  /** The supplier's published reply, if any. */
  readonly reply?: { readonly comment: string; readonly updatedAt?: string };
  /**
   * The platform's answer says whether there is a reply: without `reply`, there is none (a reply
   * deleted on the platform is cleared on ours). Absent where the listing says nothing of replies.
   */
  readonly replyKnown?: true;
  readonly url?: string;
}

/**
 * Where a listing continues. `pageToken` is the platform's own continuation (Google page token,
 * Trustpilot page number, Facebook `after` cursor); `watermark` is the newest `updatedAt` seen by
 * the last complete sync, so an incremental sync stops once it reaches older reviews.
 */
export interface SyncCursor {
  readonly pageToken?: string;
  readonly watermark?: string;
}

/** What the platform said about its quota on the latest response, when it says anything. */
export interface QuotaReport {
  /** Calls left in the platform's current window (Yelp `RateLimit-Remaining`). */
  readonly remaining?: number;
  readonly limit?: number;
  /** When the window resets (ISO 8601). */
  readonly resetAt?: string;
  /** Share of the window used, 0..1 (Facebook usage headers give percentages). */
  readonly usedRatio?: number;
}

export interface ChangesPage {
  /** Newest first where the platform allows it. */
  readonly reviews: readonly PlatformReview[];
  /** Present when another page follows; absent on the last page (or once past the watermark). */
  readonly next?: SyncCursor;
  /** True when the listing reached reviews older than the watermark (an incremental sync is done). */
  readonly reachedWatermark: boolean;
  readonly quota?: QuotaReport;
}

export interface ReplyResult {
  /** `published`, or `pending` when the platform moderates replies first. */
  readonly state: 'published' | 'pending';
  readonly quota?: QuotaReport;
  /**
   * The platform's id of the published reply, where the reply is an object of its own (Facebook:
   * the comment id). Keep it: deleting the reply later names it.
   */
  readonly replyId?: string;
}

/**
 * How a failed platform call is handled:
 * - retry-later: transient (5xx, timeout, HTML or invalid JSON with 200); back off, breaker counts it.
 * - rate-limited: wait `waitMs` (Retry-After, usage headers, reset time); tightens the bucket, is
 *   not a failure for the breaker and never moves a message towards its DLQ.
 * - auth-expired: the access token was refused (401): refresh once and try again.
 * - reauth-required: the refresh token or page token is dead (invalid_grant, Facebook 190): the
 *   connection waits for the supplier to connect again; no retry.
 * - unsupported: the platform no longer offers this (Facebook error 12 on recommendations):
 *   shown on the connection, never retried.
 * - permanent: the request can never succeed as sent (400, 403 permission, 404 on reply); no retry.
 */
export type PlatformFailure =
  | { readonly kind: 'retry-later'; readonly reason: string; readonly retryAfterMs?: number }
  | {
      readonly kind: 'rate-limited';
      readonly reason: string;
      readonly waitMs: number;
      /** `second`: short throttling; `day`: the daily cap is spent until `quota.resetAt`. */
      readonly window: 'second' | 'minute' | 'hour' | 'day';
      readonly quota?: QuotaReport;
    }
  | { readonly kind: 'auth-expired'; readonly reason: string }
  | { readonly kind: 'reauth-required'; readonly reason: string }
  | { readonly kind: 'unsupported'; readonly reason: string }
  | { readonly kind: 'permanent'; readonly reason: string; readonly status?: number };

export type PlatformFailureKind = PlatformFailure['kind'];

/** Thrown by adapters for every unsuccessful platform call, already classified. */
export class PlatformCallError extends Error {
  constructor(
    readonly platform: ConnectedPlatform,
    readonly operation: PlatformOperation,
    readonly failure: PlatformFailure,
    /** HTTP status, when there was a response. */
    readonly status?: number,
  ) {
    super(`${platform} ${operation}: ${failure.kind}: ${failure.reason}`);
    this.name = 'PlatformCallError';
  }
}

export const isPlatformCallError = (error: unknown): error is PlatformCallError =>
  error instanceof PlatformCallError;

/** Every operation an adapter performs: the audit log and the metrics name calls with these. */
export type PlatformOperation =
  | 'list'
  | 'get'
  | 'reply'
  | 'delete-reply'
  | 'token-exchange'
  | 'token-refresh'
  | 'token-revoke'
  | 'list-locations';

/** What an inbound platform notification asked for, once verified. */
export interface VerifiedNotification {
  /** The location (page, business unit, Google location) the notification is about. */
  readonly locationId: string;
  /** Reviews to re-fetch (never trust a notification's own copy of a review). */
  readonly externalIds: readonly string[];
  /** Reviews the platform says were deleted (re-fetched too, to confirm). */
  readonly deletedExternalIds: readonly string[];
  /** A replay key: the same notification delivered twice yields the same key. */
  readonly dedupKey: string;
}

/** An inbound HTTP request to a platform's notification route, with the body exactly as received. */
export interface InboundNotification {
  readonly method: 'GET' | 'POST';
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly rawBody: Buffer;
}

export type NotificationVerdict =
  /** A subscription handshake (Facebook `hub.challenge`): answer 200 with this text. */
  | { readonly kind: 'challenge'; readonly answer: string }
  | { readonly kind: 'notification'; readonly notifications: readonly VerifiedNotification[] }
  /** Bad signature, wrong verify token, unknown shape: answer 401/400, do nothing. */
  | { readonly kind: 'rejected'; readonly status: 400 | 401 | 403; readonly reason: string };
