import { combineShards, summaryCounters } from '../../../src/reviews/domain/summary';

describe('combineShards', () => {
  it('gives an empty summary with a null average for no reviews', () => {
    expect(combineShards([])).toEqual({
      count: 0,
      ratedCount: 0,
      averageRating: null,
      byRating: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
      byPlatform: {},
      byRecommendation: { positive: 0, negative: 0 },
      removedCount: 0,
    });
  });

  it('adds regional shards and rounds the average to two decimals', () => {
    const summary = combineShards([
      { count: 2, ratingSum: 9, byRating: { '4': 1, '5': 1 }, byPlatform: { google: 2 } },
      { count: 1, ratingSum: 1, byRating: { '1': 1 }, byPlatform: { google: 1 } },
      { count: 3, ratingSum: 12, byRating: { '4': 3 }, byPlatform: { facebook: 3 } },
    ]);
    expect(summary).toEqual({
      count: 6,
      ratedCount: 6,
      averageRating: 3.67,
      byRating: { '1': 1, '2': 0, '3': 0, '4': 4, '5': 1 },
      byPlatform: { google: 3, facebook: 3 },
      byRecommendation: { positive: 0, negative: 0 },
      removedCount: 0,
    });
  });

  it('ignores rating buckets outside 1-5', () => {
    const summary = combineShards([{ count: 1, ratingSum: 5, byRating: { '5': 1, '9': 4 }, byPlatform: {} }]);
    expect(summary.byRating).toEqual({ '1': 0, '2': 0, '3': 0, '4': 0, '5': 1 });
  });

  it('averages over rated reviews only and counts recommendations apart', () => {
    const shard = (review: Parameters<typeof summaryCounters>[0]) => summaryCounters(review);
    const counters = new Map<string, number>();
    for (const review of [
      { rating: 5, platform: 'google' },
      { rating: 3, platform: 'google' },
      { rating: null, recommendation: 'positive', platform: 'facebook' },
      { rating: null, recommendation: 'negative', platform: 'facebook' },
    ]) {
      for (const [name, by] of shard(review)) counters.set(name, (counters.get(name) ?? 0) + by);
    }
    const item = Object.fromEntries(counters);
    const summary = combineShards([
      {
        count: item.count!,
        ratingSum: item.ratingSum!,
        unrated: item.unrated!,
        byRating: { '5': item.r_5!, '3': item.r_3! },
        byPlatform: { google: item.p_google!, facebook: item.p_facebook! },
        byRecommendation: { positive: item.rec_positive!, negative: item.rec_negative! },
      },
    ]);
    expect(summary).toMatchObject({
      count: 4,
      ratedCount: 2,
      averageRating: 4,
      byRecommendation: { positive: 1, negative: 1 },
      byPlatform: { google: 2, facebook: 2 },
    });
  });

  it('has no average when only recommendations exist, and counts removed reviews apart', () => {
    const summary = combineShards([
      { count: 1, ratingSum: 0, unrated: 1, removed: 2, byRating: {}, byPlatform: { facebook: 1 } },
    ]);
    expect(summary.averageRating).toBeNull();
    expect(summary.ratedCount).toBe(0);
    expect(summary.removedCount).toBe(2);
  });
});
