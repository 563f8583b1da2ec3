/**
 * A supplier's connection to one platform account, and the messages that drive sync and replies.
 * Tokens are never part of a Connection: the refresh token is stored envelope-encrypted beside it
 * (TokenVault) and access tokens live in memory only (TokenProvider).
 */
import type { ConnectedPlatform, PlatformFailureKind, SyncCursor } from './platform';

/**
 * Facebook Page tokens travel in the credentials' settings under this prefix + the Page id: the
 * user token cannot act for a Page (Graph error 200), each Page needs its own token.
 */
export const PAGE_TOKEN_SETTING = 'pageToken:';

export type ConnectionStatus =
  /** OAuth started, callback not yet received. */
  | 'pending'
  | 'active'
  /** The refresh token died: the supplier must connect again. */
  | 'reauth-required'
  /** The platform refuses this kind of access (Facebook error 12). */
  | 'unsupported'
  | 'disconnected';

/** A location (Google location, Facebook Page, Trustpilot business unit, Yelp business) chosen for sync. */
export interface ConnectedLocation {
  readonly locationId: string;
  readonly name?: string;
  /** Per-location sync position: a continuation while a sync runs, the watermark between syncs. */
  readonly cursor?: SyncCursor;
  readonly lastSyncAt?: string;
}

export interface Connection {
  readonly connectionId: string;
  readonly supplierId: string;
  readonly platform: ConnectedPlatform;
  readonly status: ConnectionStatus;
  /** The platform account (Google account, Facebook user, Trustpilot business user, Yelp key owner). */
  readonly accountId?: string;
  readonly locations: readonly ConnectedLocation[];
  /** Platform-specific settings that calls need (Trustpilot `authorBusinessUserId`, ...). */
  readonly settings?: Readonly<Record<string, string>>;
  /** Why the connection is not active, for the supplier to read. */
  readonly statusReason?: string;
  readonly lastFailureKind?: PlatformFailureKind;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One Sync queue message: fetch one page for one location of one connection. */
export interface SyncMessage {
  readonly kind: 'sync';
  readonly connectionId: string;
  readonly supplierId: string;
  readonly locationId: string;
  /**
   * incremental: newest first down to the watermark; full: every page, then reviews no longer
   * listed are marked removed; targeted: re-fetch `externalIds` (an inbound notification).
   */
  readonly mode: 'incremental' | 'full' | 'targeted';
  readonly cursor?: SyncCursor;
  readonly externalIds?: readonly string[];
  /** Correlation id carried through every call this sync makes (the audit log groups by it). */
  readonly correlationId: string;
  /** Times this message was deferred (quota, open breaker); deferrals are not failures. */
  readonly deferrals?: number;
  /**
   * When this sync (its whole chain of pages) started: a full sweep treats the location's reviews
   * not seen since as candidates for removal. Set by whoever starts a sync.
   */
  readonly startedAt?: string;
  /** The newest `updatedAt` this sync has seen so far: the next watermark once it completes. */
  readonly highWatermark?: string;
}

/** One Replies queue message: publish (or delete) the supplier's reply to one review. */
export interface ReplyMessage {
  readonly kind: 'reply' | 'delete-reply';
  readonly connectionId: string;
  readonly supplierId: string;
  readonly locationId: string;
  readonly reviewId: string;
  readonly externalId: string;
  /** The review's platform (said in the events even when the connection is gone). */
  readonly platform?: ConnectedPlatform;
  /** The reply text (kind `reply`). */
  readonly comment?: string;
  readonly requestedAt: string;
  readonly correlationId: string;
  readonly deferrals?: number;
}
