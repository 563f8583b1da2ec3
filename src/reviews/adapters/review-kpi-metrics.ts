/**
 * The business KPIs of a newly stored review as metrics (issue 10), added to the invocation's
 * tally so that a batch of 25 reviews still prints one EMF line (plus one per platform seen):
 * reviews per platform, the stars' sum and count (average rating), negative reviews, and review
 * requests completed (conversion against `ReviewRequestEmail_sent`).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { KPI_METRICS, PLATFORM_DIMENSION } from '../../catalog/metrics';
import type { MetricTally } from '../../shared/metric-tally';
import type { StoredReviewFacts } from '../domain/review-kpis';

export function recordStoredReview(tally: MetricTally, facts: StoredReviewFacts): void {
  tally.addDimensioned(KPI_METRICS.reviewsByPlatform, PLATFORM_DIMENSION, facts.platform, MetricUnit.Count);
  if (facts.rating !== null) {
    tally.add(KPI_METRICS.ratingSum, MetricUnit.Count, facts.rating);
    tally.add(KPI_METRICS.rated, MetricUnit.Count);
  }
  if (facts.negative) tally.add(KPI_METRICS.negative, MetricUnit.Count);
  if (facts.completesEmailedRequest) tally.add(KPI_METRICS.requestsCompleted, MetricUnit.Count);
}
