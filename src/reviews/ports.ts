/** What the review use cases need from the outside world; adapters implement these against AWS. */
import type { Review, ReviewInsights, ReviewRemoval, ReviewReply, ReviewView } from './domain/review';
import type { RecentReview } from './domain/review-inference';
import type { ReplyObservation } from './domain/review-replies';
import type { ReviewSummary } from './domain/summary';
import type { Platform, Recommendation } from './domain/review-schemas';
import type { StoreKey } from '../shared/cursor';
import type { StoreOutcome } from './domain/review-versions';

export interface ReviewListFilter {
  readonly rating?: number;
  readonly platform?: Platform;
  readonly recommendation?: Recommendation;
  /** Reviews removed on their platform: left out (the default), included, or alone. */
  readonly removed?: 'exclude' | 'include' | 'only';
  /** Inclusive bounds, as UTC ISO instants (the form `reviewedAt` is stored in). */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  /** Where to continue (a page's `next`, from an authenticated cursor). */
  readonly startKey?: StoreKey;
}

export interface ReviewPage {
  readonly items: ReviewView[];
  /** The store key to continue after, when there may be more. */
  readonly next?: StoreKey;
}

export interface ReviewRepository {
  /**
   * Stores reviews of one supplier with their audit records and summary counters atomically.
   * A review whose id already exists is a duplicate (same content: nothing changes), stale (an
   * earlier version than the stored one: nothing changes) or an edit (a later version: stored
   * with version + 1, an audit record and adjusted counters); see domain/review-versions.ts.
   */
  insertMany(
    supplierId: string,
    reviews: readonly Review[],
    storedAt: string,
  ): Promise<Map<string, StoreOutcome>>;
  get(supplierId: string, reviewId: string): Promise<ReviewView | undefined>;
  /** The supplier's latest reviews (text, time, source), for near-duplicate and burst checks. */
  recent(supplierId: string, limit: number): Promise<RecentReview[]>;
  /**
   * Stores the insights of a review whose inference was pending, computed for its stored
   * `version`; false if it no longer is pending or an edit has since replaced that version.
   */
  completeInference(
    supplierId: string,
    reviewId: string,
    insights: ReviewInsights,
    version: number,
  ): Promise<boolean>;
  list(supplierId: string, filter: ReviewListFilter): Promise<ReviewPage>;
  summary(supplierId: string): Promise<ReviewSummary>;
  /** Marks a review removed on its platform (idempotent; see the adapter for the order of things). */
  markRemoved(removal: ReviewRemoval, storedAt: string): Promise<RemovalOutcome>;
  /**
   * Records the state of the supplier's reply on the review: ordered by the request's time, a
   * request's final state (published, failed) never goes back; false when refused or no review.
   */
  recordReply(supplierId: string, reviewId: string, reply: ReviewReply): Promise<boolean>;
  /**
   * Merges the reply the review's source shows (a sync, an import) with the stored one
   * (domain/review-replies.ts); a removed or unknown review is left alone.
   */
  observeReply(
    supplierId: string,
    reviewId: string,
    observation: ReplyObservation,
  ): Promise<ReplyObservationOutcome>;
}

export type ReplyObservationOutcome = 'changed' | 'unchanged' | 'no-review';

/**
 * What marking a review removed did: removed now; removed already (a redelivery); or the review
 * is not stored yet and a tombstone keeps it from ever being stored.
 */
export type RemovalOutcome =
  | { readonly kind: 'removed' | 'duplicate'; readonly review: ReviewView; readonly version: number }
  | { readonly kind: 'tombstone' };

/** The ingest queue (see src/shared/queue.ts). */
export type { MessageQueue as IngestQueue } from '../shared/queue';

export interface RejectedStore {
  park(record: {
    queue: string;
    messageId: string;
    body: string;
    reason: string;
    detail: string;
  }): Promise<void>;
}

/**
 * A review request. `email` delivery: queued for the mailer, then sent (or failed, with why);
 * `link` delivery: a shareable link was issued to the supplier (nothing is e-mailed).
 */
export type ReviewRequestStatus = 'queued' | 'sent' | 'failed' | 'issued';

export interface ReviewRequestRecord {
  readonly supplierId: string;
  readonly requestId: string;
  readonly coupleName: string;
  readonly email?: string;
  readonly weddingDate: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly delivery: 'email' | 'link';
  readonly status: ReviewRequestStatus;
  readonly sentAt?: string;
  readonly failedAt?: string;
  readonly failureReason?: string;
}

export interface ReviewRequestRepository {
  /**
   * Stores a new request. A request made out to an address whose owner had their data erased
   * (src/privacy tombstone) is refused with RecipientErasedError, atomically with the write.
   */
  put(record: ReviewRequestRecord): Promise<void>;
  get(supplierId: string, requestId: string): Promise<ReviewRequestRecord | undefined>;
  /** Records the e-mail as sent; a no-op for a request that no longer exists. */
  markSent(supplierId: string, requestId: string, sentAt: string): Promise<void>;
  /** Records why the e-mail could not be sent; a no-op for a request that no longer exists. */
  markFailed(supplierId: string, requestId: string, reason: string, failedAt: string): Promise<void>;
}

/** A per-supplier daily allowance, counted atomically where every API instance sees it. */
export interface DailyQuota {
  /**
   * Takes one unit from the supplier's allowance for the UTC day of `now`; false (and nothing
   * counted) once `limit` units were taken that day.
   */
  take(supplierId: string, now: Date, limit: number): Promise<boolean>;
}

/** The queue of review requests whose link is to be e-mailed (src/shared/queue.ts). */
export type { MessageQueue as ReviewRequestEmailQueue } from '../shared/queue';

export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Tags for the provider's event stream (never personal data or secrets). */
  readonly tags: Readonly<Record<string, string>>;
}

/** Sends one e-mail; throws EmailRejectedError when the provider refuses this message for good. */
export interface EmailSender {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** The supplier's display name, for the e-mail the couple receives. */
export interface SupplierDirectory {
  supplierName(supplierId: string): Promise<string | undefined>;
}

/** The recipient's data was erased at their request: no review request is made out to them again. */
export class RecipientErasedError extends Error {
  constructor() {
    super('the recipient asked for their data to be erased');
    this.name = 'RecipientErasedError';
  }
}

// Two regions (issue 11, ADR 0020)
/** This region's review summary shard, corrected after a review created in two regions at once. */
export interface SummaryCorrections {
  /**
   * Adds `counters` to this region's shard of the supplier's summary, once for `replaced` (the
   * replaced item's id and storage time): false when that correction was already applied.
   */
  correctShard(supplierId: string, replaced: string, counters: ReadonlyMap<string, number>): Promise<boolean>;
}
