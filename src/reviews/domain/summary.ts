/**
 * Review summary maths. Each region keeps its own counter item (so concurrent regions never
 * overwrite each other's counters on the global table); a read adds the regional shards up.
 */
export interface SummaryShard {
  readonly count: number;
  readonly ratingSum: number;
  readonly byRating: Readonly<Record<string, number>>;
  readonly byPlatform: Readonly<Record<string, number>>;
}

export interface ReviewSummary {
  readonly count: number;
  readonly averageRating: number | null;
  readonly byRating: Record<'1' | '2' | '3' | '4' | '5', number>;
  readonly byPlatform: Record<string, number>;
}

export function combineShards(shards: readonly SummaryShard[]): ReviewSummary {
  const byRating = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  const byPlatform: Record<string, number> = {};
  let count = 0;
  let ratingSum = 0;
  for (const shard of shards) {
    count += shard.count;
    ratingSum += shard.ratingSum;
    for (const [rating, n] of Object.entries(shard.byRating)) {
      if (rating in byRating) byRating[rating as keyof typeof byRating] += n;
    }
    for (const [platform, n] of Object.entries(shard.byPlatform)) {
      byPlatform[platform] = (byPlatform[platform] ?? 0) + n;
    }
  }
  // Two decimals: enough for display, and stable across shard order.
  const averageRating = count === 0 ? null : Math.round((ratingSum / count) * 100) / 100;
  return { count, averageRating, byRating, byPlatform };
}
