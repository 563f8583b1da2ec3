/**
 * What the ingest worker emits must match the published outbound schemas (the fan-out delivers
 * unvalidated bodies rather than drop them, so a drift here would reach receivers unnoticed).
 */
import { eventsForStoredReview, type Review } from '../../../src/reviews/domain/review';
import { OUTBOUND_DATA_SCHEMAS, isOutboundEventType } from '../../../src/events/outbound';

const review: Review = {
  reviewId: 'rev_0000000000000000000000000a',
  supplierId: 'sup_a',
  platform: 'google',
  externalId: 'g-1',
  rating: 1,
  title: 'Lovely!',
  body: 'Call 07700 900123',
  reviewerName: 'A',
  verified: false,
  reviewedAt: '2026-06-01T10:00:00.000Z',
  receivedAt: '2026-06-01T10:00:00.000Z',
  versionAt: '2026-06-01T10:00:00.000Z',
  origin: { kind: 'external', platform: 'google', externalId: 'g-1' },
  actor: { kind: 'supplier', id: 'key_1' },
  insights: {
    status: 'done',
    sentiment: { label: 'positive', confidence: 0.91, modelVersion: 'sentiment@1.0.0', variant: 'control' },
    authenticity: {
      reasons: ['unverified', 'contains-phone', 'rating-sentiment-mismatch'],
      score: 0.7,
      duplicateOf: [],
    },
    flags: ['contains-phone', 'rating-sentiment-mismatch'],
  },
};

it('emits review.received, review.negative and review.flagged, each valid against its published schema', () => {
  const events = eventsForStoredReview(review, '2026-06-01T10:00:01.000Z');
  expect(events.map((e) => e.type)).toEqual(['review.received', 'review.negative', 'review.flagged']);
  for (const event of events) {
    expect(isOutboundEventType(event.type)).toBe(true);
    const schema = OUTBOUND_DATA_SCHEMAS[event.type as keyof typeof OUTBOUND_DATA_SCHEMAS];
    const parsed = schema.safeParse(event.data);
    expect(parsed.error?.issues ?? []).toEqual([]);
  }
});

it('emits no review.flagged for a review without flags (or with inference pending)', () => {
  const plain = {
    ...review,
    rating: 5,
    insights: { status: 'pending' as const, pendingReason: 'time-budget' },
  };
  expect(eventsForStoredReview(plain, '2026-06-01T10:00:01.000Z').map((e) => e.type)).toEqual([
    'review.received',
  ]);
});
