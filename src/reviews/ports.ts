/** What the use cases need from the outside world; adapters implement these against AWS. */
import type { Review, ReviewInsights, ReviewView, DomainEvent } from './domain/review';
import type { RecentReview } from '../models/inference/review-inference';
import type { Counters } from '../models/inference/window-stats';
import type { ReviewSummary } from './domain/summary';
import type { Platform } from './domain/review-schemas';

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
   * Inserts reviews of one supplier with their audit records and summary counters atomically;
   * a review whose id already exists is reported as a duplicate and changes nothing.
   */
  insertMany(
    supplierId: string,
    reviews: readonly Review[],
    storedAt: string,
  ): Promise<Map<string, 'created' | 'duplicate'>>;
  get(supplierId: string, reviewId: string): Promise<ReviewView | undefined>;
  /** The supplier's latest reviews (text, time, source), for near-duplicate and burst checks. */
  recent(supplierId: string, limit: number): Promise<RecentReview[]>;
  /** Stores the insights of a review whose inference was pending; false if it no longer is. */
  completeInference(supplierId: string, reviewId: string, insights: ReviewInsights): Promise<boolean>;
  list(supplierId: string, filter: ReviewListFilter): Promise<ReviewPage>;
  summary(supplierId: string): Promise<ReviewSummary>;
}

/** Prediction counters per model variant in hourly buckets, shared by every instance. */
export interface ModelStatsStore {
  add(task: string, variant: string, counters: Counters, at: Date): Promise<void>;
  window(task: string, variant: string, since: Date): Promise<Counters>;
}

export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}

export interface IngestQueue {
  /** Resolves only once the queue has durably accepted the message. */
  send(body: string, attributes?: Record<string, string>): Promise<void>;
}

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

export interface KeyRingSource {
  /** Current key first, then the previous one (if any). */
  keyRing(options?: { forceFetch?: boolean }): Promise<readonly string[]>;
}

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
