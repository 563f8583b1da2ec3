import { combineShards } from '../../../src/reviews/domain/summary';

describe('combineShards', () => {
  it('gives an empty summary with a null average for no reviews', () => {
    expect(combineShards([])).toEqual({
      count: 0,
      averageRating: null,
      byRating: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
      byPlatform: {},
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
      averageRating: 3.67,
      byRating: { '1': 1, '2': 0, '3': 0, '4': 4, '5': 1 },
      byPlatform: { google: 3, facebook: 3 },
    });
  });

  it('ignores rating buckets outside 1-5', () => {
    const summary = combineShards([{ count: 1, ratingSum: 5, byRating: { '5': 1, '9': 4 }, byPlatform: {} }]);
    expect(summary.byRating).toEqual({ '1': 0, '2': 0, '3': 0, '4': 0, '5': 1 });
  });
});
