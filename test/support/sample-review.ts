/** One stored review, every field set, for tests of what is done with reviews (not of their input). */
import type { Review } from '../../src/reviews';

/**
 * A Google review as the platform sync stores it; `over` replaces any field, and an `externalId`
 * given there is also the origin's (as it is for every synced review).
 */
export function sampleReview(over: Partial<Review> = {}): Review {
  const externalId = over.externalId ?? 'g-1';
  return {
    reviewId: 'rev_0000000000000000000000000a',
    supplierId: 'sup_a',
    platform: 'google',
    externalId,
    rating: 5,
    title: 'Lovely',
    body: 'Beautiful flowers.',
    reviewerName: 'Jo',
    verified: false,
    reviewedAt: '2026-06-01T10:00:00.000Z',
    receivedAt: '2026-06-02T10:00:00.000Z',
    versionAt: '2026-06-02T10:00:00.000Z',
    origin: { kind: 'external', platform: 'google', externalId },
    actor: { kind: 'producer', id: 'platform-sync' },
    ...over,
  };
}
