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
  readonly version?: unknown;
  /** The region whose write (creation, edit, removal) the item holds: its shard counted it. */
  readonly writtenInRegion?: unknown;
  /** The version that `writtenInRegion`'s run of writes started from (0: its creation). */
  readonly runFrom?: unknown;
  /** The counted fields of that version: what the run's deltas moved the shard from. */
  readonly runBase?: unknown;
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

// Two regions (issue 11, ADR 0020): one review edited in two regions at once.
/** The fields of a stored review the summary counts, as an edit records its run's base. */
export interface CountedFields {
  readonly rating: number | null;
  readonly recommendation?: string;
  readonly platform: string;
  readonly removedAt?: string;
}

/** What an edit or removal in `region` writes beside its content: its region and, when it starts one, its run. */
export interface WriteRunAttributes {
  readonly writtenInRegion: string;
  readonly runFrom?: number;
  readonly runBase?: CountedFields;
}

export function countedFields(item: StoredReviewItem): CountedFields {
  return {
    rating: typeof item.rating === 'number' ? item.rating : null,
    ...(typeof item.recommendation === 'string' ? { recommendation: item.recommendation } : {}),
    platform: String(item.platform),
    ...(item.removedAt !== undefined ? { removedAt: String(item.removedAt) } : {}),
  };
}

/**
 * The write-run attributes of the next edit or removal `region` makes to `stored`. A region's
 * consecutive writes to an item form a run; the run's deltas all moved that region's shard. When
 * this region made the last write too, its run goes on (nothing to add); otherwise a new run starts
 * at the version read, and its counted fields are the run's base.
 */
export function nextWriteRun(region: string, stored: StoredReviewItem): WriteRunAttributes {
  if (stored.writtenInRegion === region && typeof stored.runFrom === 'number') {
    return { writtenInRegion: region };
  }
  return {
    writtenInRegion: region,
    runFrom: typeof stored.version === 'number' ? stored.version : 1,
    runBase: countedFields(stored),
  };
}

/**
 * The correction of `region`'s shard when last writer wins replaced the item holding this region's
 * last write by another region's write that does not include it: two regions edited (or removed)
 * the review from the same version within the replication lag, or another region rewrote an older
 * version. This region's shard still holds the deltas of its lost writes; the correction moves it
 * back from the replaced item's counters to those of the last version the replacement includes:
 * the other region's run base when its run began inside this region's run, this region's run base
 * when it began before, or the replacement itself when it is an older version this region wrote.
 * Undefined when nothing of this region's was lost (the replacement descends from its write, or
 * this region did not make the last write), for items written before runs were recorded, and for
 * a replaced creation (`replacedCreationCorrection` takes the whole item out).
 */
export function lostWriteCorrection(
  region: string,
  replaced: StoredReviewItem | undefined,
  replacement: StoredReviewItem | undefined,
): Map<string, number> | undefined {
  if (replaced?.entity !== 'review' || replacement?.entity !== 'review') return undefined;
  if (replaced.writtenInRegion !== region) return undefined;
  if (typeof replaced.runFrom !== 'number' || replaced.runFrom === 0) {
    // The run began with this region's creation: losing all of it is a replaced creation.
    if (replacement.storedInRegion !== replaced.storedInRegion) return undefined;
  }
  const version = numberOr(replaced.version, 1);
  const replacementVersion = numberOr(replacement.version, 1);
  const runFrom = numberOr(replaced.runFrom, 0);
  const ownBase = isRecord(replaced.runBase) ? replaced.runBase : undefined;
  let lostFrom: StoredReviewItem | undefined;
  if (replacement.writtenInRegion === region) {
    // One of this region's own versions, rewritten elsewhere without a new version (a reply
    // state, insights): the writes after it are lost, all of this run's if it is an older run's.
    if (replacementVersion >= version) return undefined;
    lostFrom = replacementVersion >= runFrom ? replacement : ownBase;
  } else {
    // Another region's write: its run includes this region's versions up to the one it began at.
    const otherFrom = replacement.runFrom;
    if (typeof otherFrom === 'number' && otherFrom >= version) return undefined;
    lostFrom =
      typeof otherFrom === 'number' && otherFrom >= runFrom && isRecord(replacement.runBase)
        ? replacement.runBase
        : ownBase;
  }
  if (!lostFrom) return undefined;
  const delta = new Map<string, number>();
  for (const [name, by] of storedReviewCounters(lostFrom)) delta.set(name, by);
  for (const [name, by] of storedReviewCounters(replaced)) delta.set(name, (delta.get(name) ?? 0) - by);
  const moved = [...delta].filter(([, by]) => by !== 0);
  return moved.length > 0 ? new Map(moved) : undefined;
}

const isRecord = (value: unknown): value is StoredReviewItem =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const numberOr = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);
