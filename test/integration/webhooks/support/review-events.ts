/** Review events as the ingest worker would publish them, for webhook tests that publish directly. */
import type { DomainEvent } from '../../../../src/events';

export interface ReviewEventFixture {
  /** Prefix of the event id, so each test file's events stay apart. */
  readonly idPrefix: string;
  readonly type: 'review.received' | 'review.negative';
  readonly rating: number;
  readonly title: string;
  readonly extra?: Record<string, unknown>;
}

/** The `i`th event of `fixture` for a supplier: a fixed review id per `i`, a fresh time. */
export function reviewEvent(fixture: ReviewEventFixture, supplierId: string, i: number): DomainEvent {
  const reviewId = `rev_${String(i).padStart(26, '0')}`;
  return {
    id: `${fixture.idPrefix}_${supplierId}_${i}`,
    type: fixture.type,
    time: new Date().toISOString(),
    supplierId,
    subject: reviewId,
    data: {
      reviewId,
      supplierId,
      platform: 'google',
      rating: fixture.rating,
      title: fixture.title,
      verified: false,
      reviewedAt: '2026-01-01T00:00:00.000Z',
      ...fixture.extra,
    },
  };
}
