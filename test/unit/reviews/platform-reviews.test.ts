/**
 * Reviews from connected platforms: a recommendation instead of stars, excerpts, removals, and
 * the ingest messages that carry them (review-schemas.ts, review.ts, review-versions.ts).
 */
import { createHash } from 'node:crypto';
import {
  eventsForEditedReview,
  eventsForStoredReview,
  isNegative,
  removalFromMessage,
  removedEvent,
  reviewFromMessage,
  type Review,
} from '../../../src/reviews/domain/review';
import { reviewIdFor } from '../../../src/reviews/domain/review-ids';
import {
  reviewRemovedMessage,
  reviewSubmittedMessage,
  type ReviewSubmittedMessage,
} from '../../../src/reviews/domain/review-schemas';
import { changedFields, contentHash } from '../../../src/reviews/domain/review-versions';
import { buildOutboundEvent, type OutboundEventType } from '../../../src/events/outbound';

const supplierId = 'sup_1';
const external = { kind: 'external' as const, platform: 'facebook' as const, externalId: 'fb-1' };

function message(
  review: Partial<ReviewSubmittedMessage['review']>,
  overrides: Partial<ReviewSubmittedMessage> = {},
): Record<string, unknown> {
  const origin = overrides.origin ?? external;
  return {
    type: 'review.submitted',
    version: 1,
    supplierId,
    reviewId: reviewIdFor(supplierId, origin),
    origin,
    actor: { kind: 'producer', id: 'platform-sync' },
    receivedAt: '2026-06-01T10:00:00.000Z',
    ...overrides,
    review: {
      title: 'Lovely',
      body: 'Great day',
      reviewerName: 'Sam',
      platform: 'facebook',
      submittedAt: '2026-05-30T10:00:00.000Z',
      ...review,
    },
  };
}

/** Every event must be a valid outbound envelope of its type (the webhook contract). */
const asEnvelope = (event: ReturnType<typeof eventsForStoredReview>[number]) =>
  buildOutboundEvent({
    id: event.id,
    type: event.type as OutboundEventType,
    time: event.time,
    subject: event.subject,
    data: event.data as never,
  });

describe('review.submitted messages from platforms', () => {
  it('accepts an external review with a recommendation and no rating, and an empty body', () => {
    const parsed = reviewSubmittedMessage().safeParse(message({ recommendation: 'positive', body: '' }));
    expect(parsed.success).toBe(true);
  });

  it('refuses an external review with neither rating nor recommendation', () => {
    const parsed = reviewSubmittedMessage().safeParse(message({}));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['review', 'rating']);
  });

  it('still requires stars and a body for reviews through our own API and links', () => {
    const origin = { kind: 'idempotency-key' as const, key: 'k-1' };
    const noStars = reviewSubmittedMessage().safeParse(
      message({ recommendation: 'positive', platform: 'wedsync' }, { origin }),
    );
    expect(noStars.success).toBe(false);
    expect(noStars.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'review.rating',
      'review.recommendation',
    ]);
    const empty = reviewSubmittedMessage().safeParse(
      message({ rating: 4, body: '', platform: 'wedsync' }, { origin }),
    );
    expect(empty.success).toBe(false);
    expect(
      reviewSubmittedMessage().safeParse(message({ rating: 4, platform: 'wedsync' }, { origin })).success,
    ).toBe(true);
  });

  it('stores the recommendation with an empty rating, the excerpt mark, the connection and the version time', () => {
    const parsed = reviewSubmittedMessage().parse(
      message(
        { recommendation: 'negative', excerpt: true },
        {
          versionAt: '2026-05-31T08:00:00+02:00',
          connection: { connectionId: 'con_1', locationId: 'page-1' },
        },
      ),
    );
    const review = reviewFromMessage(parsed);
    expect(review).toMatchObject({
      rating: null,
      recommendation: 'negative',
      excerpt: true,
      connection: { connectionId: 'con_1', locationId: 'page-1' },
      versionAt: '2026-05-31T06:00:00.000Z',
    });
  });
});

describe('negative reviews and events without stars', () => {
  const review = (fields: Partial<Review>): Review =>
    reviewFromMessage(reviewSubmittedMessage().parse(message({ recommendation: 'positive' })), {}) && {
      ...reviewFromMessage(reviewSubmittedMessage().parse(message({ recommendation: 'positive' }))),
      ...fields,
    };

  it('counts a negative recommendation as negative, a positive one not', () => {
    expect(isNegative({ rating: null, recommendation: 'negative' })).toBe(true);
    expect(isNegative({ rating: null, recommendation: 'positive' })).toBe(false);
    expect(isNegative({ rating: 2 })).toBe(true);
    expect(isNegative({ rating: 3 })).toBe(false);
  });

  it('announces review.received and review.negative with rating null and the recommendation', () => {
    const events = eventsForStoredReview(review({ recommendation: 'negative' }), '2026-06-01T10:00:01.000Z');
    expect(events.map((e) => e.type)).toEqual(['review.received', 'review.negative']);
    for (const event of events) {
      expect(event.data).toMatchObject({ rating: null, recommendation: 'negative' });
      expect(() => asEnvelope(event)).not.toThrow();
    }
    expect(eventsForStoredReview(review({}), '2026-06-01T10:00:01.000Z').map((e) => e.type)).toEqual([
      'review.received',
    ]);
  });

  it('raises review.negative when an edit turns a recommendation negative, with the previous one', () => {
    const edit = {
      version: 2,
      changedFields: ['recommendation' as const],
      previousRating: null,
      previousRecommendation: 'positive' as const,
      previousPlatform: 'facebook' as const,
      editedAt: '2026-06-02T10:00:00.000Z',
    };
    const events = eventsForEditedReview(review({ recommendation: 'negative' }), edit, edit.editedAt);
    expect(events.map((e) => e.type)).toEqual(['review.updated', 'review.negative']);
    expect(events[0]!.data).toMatchObject({ previousRating: null, previousRecommendation: 'positive' });
    for (const event of events) expect(() => asEnvelope(event)).not.toThrow();
  });

  it('announces review.removed once per review with a valid envelope', () => {
    const event = removedEvent(review({}), '2026-06-03T00:00:00.000Z', 2, '2026-06-03T00:00:01.000Z');
    expect(event.type).toBe('review.removed');
    expect(removedEvent(review({}), '2026-06-04T00:00:00.000Z', 3, '2026-06-04T00:00:01.000Z').id).toBe(
      event.id,
    );
    expect(() => asEnvelope(event)).not.toThrow();
  });
});

describe('content versions of platform reviews', () => {
  const base = {
    rating: 5,
    title: 'Lovely',
    body: 'Great day',
    reviewerName: 'Sam',
    platform: 'google' as const,
    reviewedAt: '2026-05-30T10:00:00.000Z',
  };

  it('keeps the hash of reviews without the new fields (stored reviews stay duplicates of themselves)', () => {
    const before = createHash('sha256')
      .update(
        JSON.stringify([
          base.rating,
          base.title,
          base.body,
          base.reviewerName,
          base.platform,
          base.reviewedAt,
        ]),
      )
      .digest('hex');
    expect(contentHash(base)).toBe(before);
  });

  it('sees a changed recommendation or excerpt as an edit', () => {
    const fb = { ...base, rating: null, recommendation: 'positive' as const };
    expect(contentHash({ ...fb, recommendation: 'negative' })).not.toBe(contentHash(fb));
    expect(changedFields(fb, { ...fb, recommendation: 'negative' })).toEqual(['recommendation']);
    expect(changedFields(base, { ...base, excerpt: true })).toEqual(['excerpt']);
  });
});

describe('review.removed messages', () => {
  const removal = {
    type: 'review.removed',
    version: 1,
    supplierId,
    reviewId: reviewIdFor(supplierId, external),
    origin: external,
    actor: { kind: 'producer', id: 'platform-sync' },
    receivedAt: '2026-06-03T00:00:00.000Z',
    removedAt: '2026-06-03T01:00:00+01:00',
  };

  it('parses a removal of an external review, normalising its time', () => {
    expect(removalFromMessage(reviewRemovedMessage().parse(removal))).toMatchObject({
      reviewId: removal.reviewId,
      removedAt: '2026-06-03T00:00:00.000Z',
    });
  });

  it('refuses removals of reviews that did not come from a platform, and mismatched ids', () => {
    const origin = { kind: 'idempotency-key', key: 'k' };
    expect(reviewRemovedMessage().safeParse({ ...removal, origin }).success).toBe(false);
    expect(() =>
      removalFromMessage(reviewRemovedMessage().parse({ ...removal, reviewId: 'rev_other' })),
    ).toThrow('review-id-mismatch');
  });
});
