/** What the review use cases need from the outside world; adapters implement these against AWS. */
import type { Review, ReviewInsights, ReviewView } from './domain/review';
import type { RecentReview } from './domain/review-inference';
import type { ReviewSummary } from './domain/summary';
import type { Platform } from './domain/review-schemas';
import type { StoreOutcome } from './domain/review-versions';

export interface ReviewListFilter {
  readonly rating?: number;
  readonly platform?: Platform;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface ReviewPage {
  readonly items: ReviewView[];
  readonly nextCursor?: string;
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
}

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

export interface ReviewRequestRecord {
  readonly supplierId: string;
  readonly requestId: string;
  readonly coupleName: string;
  readonly email: string;
  readonly weddingDate: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface ReviewRequestRepository {
  put(record: ReviewRequestRecord): Promise<void>;
}
