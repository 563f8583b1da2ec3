/**
 * Review summary maths. Each region keeps its own counter item (so concurrent regions never
 * overwrite each other's counters on the global table); a read adds the regional shards up.
 *
 * `count` counts the reviews that are not removed, with or without stars. Reviews without stars
 * (Facebook recommendations) are counted in `unrated` and by recommendation; the average is over
 * the rated reviews only (`count - unrated`), so a recommendation never moves it. Reviews removed
 * on their platform leave every counter (they are counted in `removed` alone).
 */
export interface SummaryShard {
  readonly count: number;
  readonly ratingSum: number;
  /** Reviews without stars (absent on shards written before they existed: 0). */
  readonly unrated?: number;
  readonly removed?: number;
  readonly byRating: Readonly<Record<string, number>>;
  readonly byPlatform: Readonly<Record<string, number>>;
  readonly byRecommendation?: Readonly<Record<string, number>>;
}

export interface ReviewSummary {
  readonly count: number;
  /** Reviews with stars: the average is over these. */
  readonly ratedCount: number;
  readonly averageRating: number | null;
  readonly byRating: Record<'1' | '2' | '3' | '4' | '5', number>;
  readonly byPlatform: Record<string, number>;
  /** Reviews without stars, by recommendation (Facebook). */
  readonly byRecommendation: Record<'positive' | 'negative', number>;
  /** Reviews removed on their platform (kept, counted nowhere else). */
  readonly removedCount: number;
}

export function combineShards(shards: readonly SummaryShard[]): ReviewSummary {
  const byRating = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  const byRecommendation = { positive: 0, negative: 0 };
  const byPlatform: Record<string, number> = {};
  let count = 0;
  let ratingSum = 0;
  let unrated = 0;
  let removedCount = 0;
  for (const shard of shards) {
    count += shard.count;
    ratingSum += shard.ratingSum;
    unrated += shard.unrated ?? 0;
    removedCount += shard.removed ?? 0;
    for (const [rating, n] of Object.entries(shard.byRating)) {
      if (rating in byRating) byRating[rating as keyof typeof byRating] += n;
    }
    for (const [platform, n] of Object.entries(shard.byPlatform)) {
      byPlatform[platform] = (byPlatform[platform] ?? 0) + n;
    }
    for (const [recommendation, n] of Object.entries(shard.byRecommendation ?? {})) {
      if (recommendation in byRecommendation) {
        byRecommendation[recommendation as keyof typeof byRecommendation] += n;
      }
    }
  }
  const ratedCount = count - unrated;
  // Two decimals: enough for display, and stable across shard order.
  const averageRating = ratedCount <= 0 ? null : Math.round((ratingSum / ratedCount) * 100) / 100;
  return { count, ratedCount, averageRating, byRating, byPlatform, byRecommendation, removedCount };
}

/** The counters one stored review adds to its shard (negate them to take it out). */
export function summaryCounters(review: {
  readonly rating: number | null;
  readonly recommendation?: string;
  readonly platform: string;
}): Map<string, number> {
  const counters = new Map<string, number>([
    ['count', 1],
    [`p_${review.platform}`, 1],
  ]);
  if (review.rating !== null) {
    counters.set('ratingSum', review.rating);
    counters.set(`r_${review.rating}`, 1);
  } else {
    counters.set('unrated', 1);
    if (review.recommendation !== undefined) counters.set(`rec_${review.recommendation}`, 1);
  }
  return counters;
}

// Two regions (issue 11, ADR 0020): one review created in two regions at once.
/** What `replacedCreationCorrection` reads of a stored review item (the table's attributes). */
export interface StoredReviewItem {
  readonly entity?: unknown;
  readonly storedInRegion?: unknown;
  readonly rating?: unknown;
  readonly recommendation?: unknown;
  readonly platform?: unknown;
  readonly removedAt?: unknown;
}

/** The counters a stored review item holds in its shard as it stands (a removed one: `removed` only). */
export function storedReviewCounters(item: StoredReviewItem): Map<string, number> {
  if (item.removedAt !== undefined) return new Map([['removed', 1]]);
  return summaryCounters({
    rating: typeof item.rating === 'number' ? item.rating : null,
    ...(typeof item.recommendation === 'string' ? { recommendation: item.recommendation } : {}),
    platform: String(item.platform),
  });
}

/**
 * The correction of `region`'s shard when last-writer-wins replaced a review this region had
 * created by the same review created in another region: both stored it before either copy arrived
 * (a client retried in the other region), so both shards counted it. The other region's count
 * stays with the item that stays; this region's is taken out: the negated counters of the
 * replaced item (its edits made here included, as they moved this region's shard too). Undefined
 * for any other change (an edit keeps `storedInRegion`: only a replaced creation changes it).
 */
export function replacedCreationCorrection(
  region: string,
  replaced: StoredReviewItem | undefined,
  replacement: StoredReviewItem | undefined,
): Map<string, number> | undefined {
  if (replaced?.entity !== 'review' || replacement?.entity !== 'review') return undefined;
  if (replaced.storedInRegion !== region || replacement.storedInRegion === region) return undefined;
  return new Map([...storedReviewCounters(replaced)].map(([name, by]) => [name, -by]));
}
