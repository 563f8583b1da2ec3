import { listReviewsQuery, submitReviewBody } from '../../../src/reviews/domain/review-schemas';
import { fieldErrors } from '../../../src/shared/validation';

const valid = { rating: 5, title: 'Great', body: 'Lovely day', reviewerName: 'Sam' };

describe('submitReviewBody', () => {
  it('accepts a couple review and trims strings', () => {
    expect(submitReviewBody.parse({ ...valid, title: '  Great  ' }).title).toBe('Great');
  });

  it('requires platform and externalId together', () => {
    const result = submitReviewBody.safeParse({ ...valid, platform: 'google' });
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual([
      { path: 'externalId', message: expect.stringContaining('together') },
    ]);
  });

  it('lists every missing and unknown field by path', () => {
    const result = submitReviewBody.safeParse({ rating: 9, extra: 1, other: 2 });
    const paths = fieldErrors(result.error!)
      .map((e) => e.path)
      .sort();
    expect(paths).toEqual(['body', 'extra', 'other', 'rating', 'reviewerName', 'title']);
    expect(fieldErrors(result.error!).find((e) => e.path === 'title')?.message).toBe('required');
  });

  it.each([0, 6, 4.5, '5', null, -1])('rejects rating %p', (rating) => {
    expect(submitReviewBody.safeParse({ ...valid, rating }).success).toBe(false);
  });
});

describe('listReviewsQuery', () => {
  it('turns query strings into typed filters', () => {
    expect(
      listReviewsQuery.parse({ rating: '4', limit: '10', platform: 'google', from: '2026-01-01' }),
    ).toEqual({
      rating: 4,
      limit: 10,
      platform: 'google',
      from: '2026-01-01',
    });
  });

  it.each([
    [{ rating: '0' }, 'rating'],
    [{ rating: '4.0' }, 'rating'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ from: 'yesterday' }, 'from'],
    [{ sort: 'asc' }, 'sort'],
  ])('rejects %p on %s', (query, path) => {
    const result = listReviewsQuery.safeParse(query);
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!).map((e) => e.path)).toContain(path);
  });
});
