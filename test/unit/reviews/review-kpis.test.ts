/**
 * Business KPIs of a stored review (issue 10): the facts taken from the review, and the metrics
 * they become: one EMF line per invocation with the sums, plus one line per platform seen (the
 * `platform` dimension). A real Powertools Metrics instance writes to a captured stdout.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { KPI_METRICS } from '../../../src/catalog/metrics';
import { recordStoredReview } from '../../../src/reviews/adapters/review-kpi-metrics';
import { reviewFromMessage, type ReviewSubmittedMessage } from '../../../src/reviews';
import { storedReviewFacts } from '../../../src/reviews/domain/review-kpis';
import { reviewIdFor } from '../../../src/reviews/domain/review-ids';
import { MetricTally, publishingMetrics } from '../../../src/shared/metric-tally';

type Origin = ReviewSubmittedMessage['origin'];

const reviewWith = (origin: Origin, review: Partial<ReviewSubmittedMessage['review']> = {}) =>
  reviewFromMessage({
    type: 'review.submitted',
    version: 1,
    supplierId: 'sup_a',
    reviewId: reviewIdFor('sup_a', origin),
    origin,
    actor: { kind: 'couple', id: 'rrq_1' },
    receivedAt: '2026-06-01T10:00:00Z',
    review: {
      rating: 5,
      title: 't',
      body: 'b',
      reviewerName: 'n',
      platform: 'wedsync',
      submittedAt: '2026-06-01T10:00:00Z',
      ...review,
    },
  } as ReviewSubmittedMessage);

describe('storedReviewFacts', () => {
  it('counts a review made with an e-mailed request link as completing that request', () => {
    expect(storedReviewFacts(reviewWith({ kind: 'review-request', requestId: 'rrq_1' }))).toEqual({
      platform: 'wedsync',
      rating: 5,
      negative: false,
      completesEmailedRequest: true,
    });
  });

  it('does not count a shareable link (nothing was e-mailed) or a platform review as a completed request', () => {
    expect(
      storedReviewFacts(reviewWith({ kind: 'review-link', requestId: 'rrq_2' }, { rating: 2 })),
    ).toMatchObject({ completesEmailedRequest: false, negative: true, rating: 2 });
    expect(
      storedReviewFacts(
        reviewWith(
          { kind: 'external', platform: 'google', externalId: 'g1' },
          { rating: undefined, recommendation: 'negative' },
        ),
      ),
    ).toEqual({ platform: 'google', rating: null, negative: true, completesEmailedRequest: false });
  });
});

describe('recordStoredReview', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('publishes the sums in one line and reviews per platform in one line each', async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    delete process.env.POWERTOOLS_DEV;
    const metrics = new Metrics({ namespace: 'Test', serviceName: 'kpis' });
    const tally = new MetricTally(metrics);
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    try {
      await publishingMetrics(tally, metrics, async () => {
        recordStoredReview(
          tally,
          storedReviewFacts(reviewWith({ kind: 'review-request', requestId: 'rrq_1' })),
        );
        recordStoredReview(
          tally,
          storedReviewFacts(reviewWith({ kind: 'review-link', requestId: 'rrq_2' }, { rating: 1 })),
        );
        recordStoredReview(
          tally,
          storedReviewFacts(
            reviewWith(
              { kind: 'external', platform: 'google', externalId: 'g1' },
              { rating: undefined, recommendation: 'positive' },
            ),
          ),
        );
      })();
    } finally {
      spy.mockRestore();
    }
    const lines = chunks
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const sums = lines.find((l) => KPI_METRICS.ratingSum in l);
    expect(sums).toMatchObject({
      service: 'kpis',
      [KPI_METRICS.ratingSum]: 6,
      [KPI_METRICS.rated]: 2,
      [KPI_METRICS.negative]: 1,
      [KPI_METRICS.requestsCompleted]: 1,
    });
    const perPlatform = lines
      .filter((l) => KPI_METRICS.reviewsByPlatform in l)
      .map((l) => ({ platform: l.platform, service: l.service, count: l[KPI_METRICS.reviewsByPlatform] }));
    expect(perPlatform).toEqual(
      expect.arrayContaining([
        { platform: 'wedsync', service: 'kpis', count: 2 },
        { platform: 'google', service: 'kpis', count: 1 },
      ]),
    );
    expect(perPlatform).toHaveLength(2);
    expect(lines).toHaveLength(3);
  });
});
