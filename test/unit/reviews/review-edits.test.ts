/**
 * Edit rules: which of two versions of a review is the latest (a total order, so every arrival
 * order converges), what an edit changed, and the events it raises (valid against the published
 * schemas, one id per version).
 */
import {
  eventsForEditedReview,
  eventsForStoredReview,
  reviewFromMessage,
  type Review,
} from '../../../src/reviews/domain/review';
import {
  changedFields,
  contentHash,
  isLaterVersion,
  latestVersion,
  stampOf,
  alignDates,
  withInheritedDate,
  type ReviewEdit,
} from '../../../src/reviews/domain/review-versions';
import { reviewIdFor } from '../../../src/reviews/domain/review-ids';
import { reviewFromProducerEvent } from '../../../src/reviews/use-cases/route-queued-message';
import { OUTBOUND_DATA_SCHEMAS } from '../../../src/events/outbound';
import { sampleReview } from '../../support/sample-review';

const base: Review = sampleReview({ actor: { kind: 'supplier', id: 'key_1' } });
const version = (overrides: Partial<Review>): Review => ({ ...base, ...overrides });

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('the latest version of a review', () => {
  it('is the one the platform dated later, whatever arrived later', () => {
    const edited = version({
      rating: 3,
      reviewedAt: '2026-06-05T10:00:00.000Z',
      versionAt: '2026-06-01T00:00:00.000Z',
    });
    expect(isLaterVersion(stampOf(edited), stampOf(base))).toBe(true);
    expect(isLaterVersion(stampOf(base), stampOf(edited))).toBe(false);
  });

  it('with the same platform date, is the one the source asserted later', () => {
    const edited = version({ title: 'Lovely, mostly', versionAt: '2026-06-03T10:00:00.000Z' });
    expect(isLaterVersion(stampOf(edited), stampOf(base))).toBe(true);
    expect(isLaterVersion(stampOf(base), stampOf(edited))).toBe(false);
  });

  it('compares times as instants, whatever offset the source wrote', () => {
    const sameInstant = version({ title: 'Other', reviewedAt: '2026-06-01T12:00:00+02:00' });
    const a = stampOf(sameInstant);
    // Same instant, same versionAt: only the content hash decides, in exactly one direction.
    expect(isLaterVersion(a, stampOf(base))).not.toBe(isLaterVersion(stampOf(base), a));
  });

  it('breaks a full tie by content hash, in exactly one direction; identical content is not later', () => {
    const other = version({ body: 'Beautiful flowers!' });
    expect(isLaterVersion(stampOf(other), stampOf(base))).toBe(
      !isLaterVersion(stampOf(base), stampOf(other)),
    );
    expect(isLaterVersion(stampOf(base), stampOf({ ...base }))).toBe(false);
  });

  it('converges: every arrival order of the same versions ends on the same one', () => {
    const versions = [
      base,
      version({ rating: 4, versionAt: '2026-06-03T00:00:00.000Z' }),
      version({ rating: 2, versionAt: '2026-06-03T00:00:00.000Z' }),
      version({ rating: 1, reviewedAt: '2026-05-01T00:00:00.000Z', versionAt: '2026-07-01T00:00:00.000Z' }),
    ];
    const winners = new Set(permutations(versions).map((order) => contentHash(latestVersion(order))));
    expect(winners.size).toBe(1);
    // Applying them one by one (as the store does) ends on the same version as well.
    for (const order of permutations(versions)) {
      let stored = order[0]!;
      for (const next of order.slice(1)) if (isLaterVersion(stampOf(next), stampOf(stored))) stored = next;
      expect(winners.has(contentHash(stored))).toBe(true);
    }
  });

  it('takes a producer event time as the version time, stable across redeliveries', () => {
    const event = {
      specversion: '1.0' as const,
      id: 'e-1',
      source: 'urn:test',
      type: 'review.submitted' as const,
      time: '2026-06-03T12:00:00+01:00',
      datacontenttype: 'application/json' as const,
      data: {
        supplierId: 'sup_a',
        platform: 'google' as const,
        externalId: 'g-1',
        rating: 4,
        title: 'Fine',
        body: 'Fine.',
        reviewerName: 'Jo',
        submittedAt: '2026-06-01T10:00:00Z',
      },
    };
    const first = reviewFromProducerEvent(event, '2026-06-03T11:00:01.000Z');
    const redelivered = reviewFromProducerEvent(event, '2026-06-04T09:00:00.000Z');
    expect(first.versionAt).toBe('2026-06-03T11:00:00.000Z');
    expect(stampOf(redelivered)).toEqual(stampOf(first));
  });

  it("takes the API's receipt time as the version time of an API submission", () => {
    const review = reviewFromMessage({
      type: 'review.submitted',
      version: 1,
      supplierId: 'sup_a',
      reviewId: reviewIdFor('sup_a', { kind: 'idempotency-key', key: 'k' }),
      origin: { kind: 'idempotency-key', key: 'k' },
      actor: { kind: 'supplier', id: 'key_1' },
      receivedAt: '2026-06-02T10:00:00.000Z',
      review: {
        rating: 5,
        title: 't',
        body: 'b',
        reviewerName: 'n',
        platform: 'wedsync',
        submittedAt: '2026-06-01T10:00:00Z',
      },
    });
    expect(review.versionAt).toBe('2026-06-02T10:00:00.000Z');
  });
});

describe('versions sent without a date', () => {
  it('take the date of what they are compared with, so a resend is a duplicate, not an edit', () => {
    const resend = version({
      reviewedAt: '2026-06-09T00:00:00.000Z',
      versionAt: '2026-06-09T00:00:00.000Z',
      reviewedAtDefaulted: true,
    });
    expect(contentHash(withInheritedDate(resend, base))).toBe(contentHash(base));
    const dated = version({ reviewedAt: '2026-06-09T00:00:00.000Z' });
    expect(contentHash(withInheritedDate(dated, base))).not.toBe(contentHash(base));
  });

  it('arriving together, take the date of the first to arrive', () => {
    const first = version({
      reviewedAt: '2026-06-02T10:00:00.000Z',
      versionAt: '2026-06-02T10:00:00.000Z',
      reviewedAtDefaulted: true,
    });
    const second = version({
      reviewedAt: '2026-06-02T10:00:05.000Z',
      versionAt: '2026-06-02T10:00:05.000Z',
      reviewedAtDefaulted: true,
    });
    const aligned = alignDates([second, first]);
    expect(aligned.map((v) => v.reviewedAt)).toEqual([first.reviewedAt, first.reviewedAt]);
    expect(contentHash(aligned[0]!)).toBe(contentHash(aligned[1]!));
  });
});

describe('what an edit changed', () => {
  it('lists exactly the content fields that differ', () => {
    expect(changedFields(base, version({ rating: 2, body: 'Late.' }))).toEqual(['rating', 'body']);
    expect(changedFields(base, version({ actor: { kind: 'producer', id: 'x' } }))).toEqual([]);
    expect(contentHash(base)).toBe(contentHash(version({ receivedAt: '2030-01-01T00:00:00.000Z' })));
    expect(contentHash(base)).not.toBe(contentHash(version({ reviewerName: 'Max' })));
  });
});

describe('the events of an edit', () => {
  const edit = (overrides: Partial<ReviewEdit> = {}): ReviewEdit => ({
    version: 2,
    changedFields: ['rating', 'title'],
    previousRating: 5,
    previousPlatform: 'google',
    editedAt: '2026-06-03T10:00:01.000Z',
    ...overrides,
  });

  it('announces review.updated matching its published schema, with an id per version', () => {
    const edited = version({ rating: 4, title: 'Good' });
    const [v2] = eventsForEditedReview(edited, edit(), '2026-06-03T10:00:02.000Z');
    const [v3] = eventsForEditedReview(edited, edit({ version: 3 }), '2026-06-03T10:00:02.000Z');
    expect(v2).toMatchObject({ type: 'review.updated', subject: base.reviewId });
    expect(OUTBOUND_DATA_SCHEMAS['review.updated'].safeParse(v2!.data).success).toBe(true);
    expect(v2!.data).toMatchObject({
      version: 2,
      previousRating: 5,
      rating: 4,
      changedFields: ['rating', 'title'],
    });
    expect(v3!.id).not.toBe(v2!.id);
    // Redelivering the same edit gives the same ids (consumers deduplicate).
    expect(eventsForEditedReview(edited, edit(), 'later')[0]!.id).toBe(v2!.id);
    // First-store events keep their ids.
    expect(eventsForStoredReview(base, 't').map((e) => e.id)).not.toContain(v2!.id);
  });

  it('adds review.negative only when the edit makes the review negative', () => {
    const types = (review: Review, previousRating: number) =>
      eventsForEditedReview(review, edit({ previousRating }), 't').map((e) => e.type);
    expect(types(version({ rating: 1 }), 5)).toEqual(['review.updated', 'review.negative']);
    expect(types(version({ rating: 1 }), 2)).toEqual(['review.updated']);
    expect(types(version({ rating: 4 }), 1)).toEqual(['review.updated']);
    const [, negative] = eventsForEditedReview(version({ rating: 2 }), edit(), 't');
    expect(OUTBOUND_DATA_SCHEMAS['review.negative'].safeParse(negative!.data).success).toBe(true);
  });
});
