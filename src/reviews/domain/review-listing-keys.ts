/**
 * The keys a review is listed by (issue 12: every listing reads at most 1.5x the reviews it
 * returns), defined once for the writer (review-repository.ts), the listing, the backfill
 * migration (migrations/0002-review-listing-keys.ts) and the bench.
 *
 * Each equality filter of `GET /v1/reviews` that can narrow a listing a lot is a partition of an
 * index, never a FilterExpression: a filter evaluated after the read reads every entry it drops.
 * All indexes share the sort key `gsi1sk` = `<reviewedAt>#<reviewId>` (newest first, date range).
 *
 * | listing                        | index            | partition                                        |
 * | ------------------------------ | ---------------- | ------------------------------------------------ |
 * | (none)                         | byCreatedAt      | gsi1pk = SUPPLIER#<sid>                          |
 * | platform                       | byPlatform       | gsi2pk = SUPPLIER#<sid>#PLATFORM#<p>             |
 * | rating                         | byRating         | gsi3pk = SUPPLIER#<sid>#RATING#<r> (stars only)  |
 * | platform + rating (+ rec.)     | byPlatformRating | gsi4pk = SUPPLIER#<sid>#PLATFORM#<p>#RATING#<r>  |
 * | recommendation (+ platform/r.) | byRecommendation | gsi5pk = SUPPLIER#<sid>#RECOMMENDATION#<rec>     |
 *
 * byRating and byPlatformRating hold only reviews with stars, byRecommendation only reviews with
 * a recommendation (Facebook), so each is written only for the reviews it lists. What stays a
 * filter: removal (`removed=exclude`, the default, drops the few reviews removed on their
 * platform) and, after a recommendation, a platform or a rating (recommendations come from
 * Facebook, where stars are legacy): see ADR 0032's addendum for the paths that can still read
 * more than they return.
 */
/** What a review's listing keys are derived from. */
export interface ListedReview {
  readonly reviewId: string;
  readonly reviewedAt: string;
  readonly platform: string;
  /** Stars, or null (or absent) when the platform gives none. */
  readonly rating?: number | null;
  readonly recommendation?: string;
}

/** The index key attributes of a review item; those of sparse indexes only when they apply. */
export interface ReviewListingKeys {
  readonly gsi1pk: string;
  readonly gsi1sk: string;
  readonly gsi2pk: string;
  readonly gsi3pk?: string;
  readonly gsi4pk?: string;
  readonly gsi5pk?: string;
}

/** The optional (sparse) key attributes: an edit sets those that apply and removes the others. */
export const SPARSE_LISTING_KEYS = ['gsi3pk', 'gsi4pk', 'gsi5pk'] as const;

const supplierPartition = (supplierId: string) => `SUPPLIER#${supplierId}`;
const platformPartition = (supplierId: string, platform: string) =>
  `${supplierPartition(supplierId)}#PLATFORM#${platform}`;
const ratingPartition = (supplierId: string, rating: number) =>
  `${supplierPartition(supplierId)}#RATING#${rating}`;
const platformRatingPartition = (supplierId: string, platform: string, rating: number) =>
  `${platformPartition(supplierId, platform)}#RATING#${rating}`;
const recommendationPartition = (supplierId: string, recommendation: string) =>
  `${supplierPartition(supplierId)}#RECOMMENDATION#${recommendation}`;

const hasStars = (rating: number | null | undefined): rating is number => typeof rating === 'number';

/** Every listing key of a review of `supplierId`. */
export function reviewListingKeys(supplierId: string, review: ListedReview): ReviewListingKeys {
  return {
    gsi1pk: supplierPartition(supplierId),
    gsi1sk: `${review.reviewedAt}#${review.reviewId}`,
    gsi2pk: platformPartition(supplierId, review.platform),
    ...(hasStars(review.rating)
      ? {
          gsi3pk: ratingPartition(supplierId, review.rating),
          gsi4pk: platformRatingPartition(supplierId, review.platform, review.rating),
        }
      : {}),
    ...(review.recommendation !== undefined
      ? { gsi5pk: recommendationPartition(supplierId, review.recommendation) }
      : {}),
  };
}

/** The equality filters of a listing (the rest of ReviewListFilter is the range and paging). */
export interface ListingEqualities {
  readonly platform?: string;
  readonly rating?: number;
  readonly recommendation?: string;
}

export type ListingIndexName =
  'byCreatedAt' | 'byPlatform' | 'byRating' | 'byPlatformRating' | 'byRecommendation';

/**
 * Where a listing reads: the index, the partition value, and the equality filters its partition
 * does not already decide (tested on the index entry, which projects them: tables.ts).
 */
export interface ListingPlan {
  readonly index: ListingIndexName;
  readonly partition: string;
  readonly filters: {
    readonly platform?: string;
    readonly rating?: number;
    readonly recommendation?: string;
  };
}

/** The narrowest partition for a listing's filters. */
export function listingPlan(supplierId: string, filter: ListingEqualities): ListingPlan {
  const { platform, rating, recommendation } = filter;
  if (recommendation !== undefined) {
    // Recommendations are rare (Facebook only) and almost never come with stars: their own
    // partition is the narrowest; a platform or rating with them is tested on the entry.
    return {
      index: 'byRecommendation',
      partition: recommendationPartition(supplierId, recommendation),
      filters: {
        ...(platform !== undefined ? { platform } : {}),
        ...(rating !== undefined ? { rating } : {}),
      },
    };
  }
  if (platform !== undefined && rating !== undefined) {
    return {
      index: 'byPlatformRating',
      partition: platformRatingPartition(supplierId, platform, rating),
      filters: {},
    };
  }
  if (platform !== undefined) {
    return { index: 'byPlatform', partition: platformPartition(supplierId, platform), filters: {} };
  }
  if (rating !== undefined) {
    return { index: 'byRating', partition: ratingPartition(supplierId, rating), filters: {} };
  }
  return { index: 'byCreatedAt', partition: supplierPartition(supplierId), filters: {} };
}
