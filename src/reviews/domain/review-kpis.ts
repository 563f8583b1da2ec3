/**
 * What a newly stored review tells the business KPIs (issue 10): its platform, its stars, whether
 * it is negative, and whether it completes a review request made by e-mail. Pure: the ingest
 * worker turns these facts into metrics.
 */
import type { Platform } from './review-message-schemas';
import { isNegative, type Review } from './review';

export interface StoredReviewFacts {
  readonly platform: Platform;
  /** Stars 1-5, or null (a recommendation instead of stars). */
  readonly rating: number | null;
  readonly negative: boolean;
  /**
   * Made with the link we e-mailed for a review request (a `verified` review), so the request is
   * completed. Shareable links are not counted: no e-mail was sent for them, and the KPI is the
   * conversion of e-mailed requests.
   */
  readonly completesEmailedRequest: boolean;
}

export const storedReviewFacts = (review: Review): StoredReviewFacts => ({
  platform: review.platform,
  rating: review.rating,
  negative: isNegative(review),
  completesEmailedRequest: review.verified && review.requestId !== undefined,
});
