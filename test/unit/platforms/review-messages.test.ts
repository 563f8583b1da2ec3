/**
 * How a synced review is dated as a version (ADR 0009): an edit seen on a later sync must be the
 * later version on every platform, also where the platform reports no edit time (Facebook, Yelp),
 * whatever the content hashes of the two versions happen to be.
 */
import { reviewSubmittedFor } from '../../../src/platforms/domain/review-messages';
import type { ConnectedPlatform, PlatformReview } from '../../../src/platforms';
import { contentHash, isLaterVersion } from '../../../src/reviews/domain/review-versions';
import type { ReviewSubmittedMessage } from '../../../src/reviews';
import { connection } from './sync-fakes';

const CREATED = '2026-06-01T10:00:00.000Z';

function synced(platform: ConnectedPlatform, review: Partial<PlatformReview>, seenAt: string) {
  const result = reviewSubmittedFor(
    connection(platform),
    'loc-1',
    {
      externalId: 'r-1',
      body: 'Lovely flowers',
      reviewerName: 'Sam',
      createdAt: CREATED,
      updatedAt: CREATED,
      ...(platform === 'facebook' ? { recommendation: 'positive' as const } : { rating: 5 }),
      ...review,
    },
    seenAt,
  );
  if (!result.ok) throw new Error(result.reason);
  return result.message;
}

/** The version stamp the ingestion compares (reviewer's time, version time, content hash). */
function stamp(message: ReviewSubmittedMessage) {
  const { review } = message;
  return {
    reviewedAt: review.submittedAt!,
    versionAt: message.versionAt!,
    contentHash: contentHash({
      rating: review.rating ?? null,
      ...(review.recommendation ? { recommendation: review.recommendation } : {}),
      ...(review.excerpt ? { excerpt: true as const } : {}),
      title: review.title,
      body: review.body,
      reviewerName: review.reviewerName,
      platform: review.platform,
      reviewedAt: review.submittedAt!,
    }),
  };
}

describe('synced review versions', () => {
  it.each(['facebook', 'yelp'] as const)(
    '%s (no edit time): a change seen by a later sync is the later version, in both directions',
    (platform) => {
      const texts = ['Lovely flowers', 'Changed my mind: the roses wilted', 'Third thoughts', 'Fine'];
      for (const [before, after] of texts.flatMap((a) => texts.filter((b) => b !== a).map((b) => [a, b]))) {
        const first = synced(platform, { body: before! }, '2026-12-03T10:00:00.000Z');
        const second = synced(platform, { body: after! }, '2026-12-03T10:05:00.000Z');
        expect(second.versionAt).toBe('2026-12-03T10:05:00.000Z');
        expect(isLaterVersion(stamp(second), stamp(first))).toBe(true);
        // A late delivery of the older sync never overwrites the newer one.
        expect(isLaterVersion(stamp(first), stamp(second))).toBe(false);
      }
    },
  );

  it.each(['google', 'trustpilot'] as const)(
    "%s: a version is dated by the platform's own edit time, not by when we saw it",
    (platform) => {
      const edited = synced(
        platform,
        { body: 'Edited', updatedAt: '2026-07-01T09:00:00.000Z' },
        '2026-12-03T10:00:00.000Z',
      );
      expect(edited.versionAt).toBe('2026-07-01T09:00:00.000Z');
      // An unchanged review synced again is the same version (a duplicate), whenever it is seen.
      const again = synced(platform, {}, '2026-12-03T11:00:00.000Z');
      expect(again.versionAt).toBe(CREATED);
    },
  );
});
