import { listReviewsQuery, submitReviewBody } from '../../../src/reviews/domain/review-schemas';
import { fieldErrors } from '../../../src/shared/validation';

const valid = { rating: 5, title: 'Great', body: 'Lovely day', reviewerName: 'Sam' };

describe('submitReviewBody', () => {
  it('accepts a couple review and trims strings', () => {
    expect(submitReviewBody().parse({ ...valid, title: '  Great  ' }).title).toBe('Great');
  });

  it('requires platform and externalId together', () => {
    const result = submitReviewBody().safeParse({ ...valid, platform: 'google' });
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual([
      { path: 'externalId', message: expect.stringContaining('together') },
    ]);
  });

  it('lists every missing and unknown field by path', () => {
    const result = submitReviewBody().safeParse({ rating: 9, extra: 1, other: 2 });
    const paths = fieldErrors(result.error!)
      .map((e) => e.path)
      .sort();
    expect(paths).toEqual(['body', 'extra', 'other', 'rating', 'reviewerName', 'title']);
    expect(fieldErrors(result.error!).find((e) => e.path === 'title')?.message).toBe('required');
  });

  it.each([0, 6, 4.5, '5', null, -1])('rejects rating %p', (rating) => {
    expect(submitReviewBody().safeParse({ ...valid, rating }).success).toBe(false);
  });
});

describe('text fields', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a C0 control', 'a\u0007b'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['a lone high surrogate', 'a\ud83db'],
    ['a lone low surrogate', 'a\ude0db'],
    ['U+FFFE', 'a\ufffeb'],
    ['U+FFFF', 'a\uffffb'],
    ['U+FDD0', 'a\ufdd0b'],
    ['U+1FFFF', 'a\u{1ffff}b'],
    ['U+10FFFE', 'a\u{10fffe}b'],
  ])('rejects %s with a 422 field error naming the field', (_name, bad) => {
    const result = submitReviewBody().safeParse({ ...valid, body: bad });
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual([{ path: 'body', message: expect.stringMatching(/U\+/) }]);
  });

  it('accepts emoji and other characters outside the BMP, tabs and newlines', () => {
    const body = 'Loved it 😍💐 👰🏽‍♀️\n\tthanks 𝔉𝔬𝔯𝔢𝔳𝔢𝔯';
    expect(submitReviewBody().parse({ ...valid, body }).body).toBe(body);
  });

  it('normalises to NFC and line breaks to LF', () => {
    const parsed = submitReviewBody().parse({ ...valid, title: 'Cafe\u0301 day', body: 'a\r\nb\rc' });
    expect(parsed.title).toBe('Caf\u00e9 day');
    expect(parsed.body).toBe('a\nb\nc');
  });

  it('counts the length in code points, not UTF-16 units', () => {
    expect(submitReviewBody().safeParse({ ...valid, title: '😍'.repeat(200) }).success).toBe(true);
    const over = submitReviewBody().safeParse({ ...valid, title: '😍'.repeat(201) });
    expect(fieldErrors(over.error!)).toEqual([
      { path: 'title', message: 'must have at most 200 characters' },
    ]);
    // After NFC: 200 decomposed é (400 code points) compose into 200.
    expect(submitReviewBody().safeParse({ ...valid, title: 'e\u0301'.repeat(200) }).success).toBe(true);
  });
});

describe('listReviewsQuery', () => {
  it('turns query strings into typed filters', () => {
    expect(
      listReviewsQuery().parse({ rating: '4', limit: '10', platform: 'google', from: '2026-01-01' }),
    ).toEqual({
      rating: 4,
      limit: 10,
      platform: 'google',
      from: '2026-01-01T00:00:00.000Z',
    });
  });

  it('turns time bounds into UTC instants: a date is a whole UTC day, an offset is honoured', () => {
    expect(listReviewsQuery().parse({ from: '2026-03-01', to: '2026-03-01' })).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-01T23:59:59.999Z',
    });
    expect(listReviewsQuery().parse({ from: '2026-03-01T10:00:00+05:00' }).from).toBe(
      '2026-03-01T05:00:00.000Z',
    );
    // Past year 9999 or before year 0000 once the offset is applied: clamped, not garbled.
    expect(listReviewsQuery().parse({ to: '9999-12-31T23:00:00-05:00' }).to).toBe('9999-12-31T23:59:59.999Z');
    expect(listReviewsQuery().parse({ from: '0000-01-01T01:00:00+05:00' }).from).toBe(
      '0000-01-01T00:00:00.000Z',
    );
  });

  it('compares bounds as instants, not strings', () => {
    // As strings "…T10:00:00+05:00" > "…T06:00:00Z", but 05:00Z is before 06:00Z: a valid range.
    expect(
      listReviewsQuery().safeParse({ from: '2026-03-01T10:00:00+05:00', to: '2026-03-01T06:00:00Z' }).success,
    ).toBe(true);
    // As strings "…T04:00:00Z" < "…T08:00:00+05:00", but 04:00Z is after 03:00Z: reversed.
    const reversed = listReviewsQuery().safeParse({
      from: '2026-03-01T04:00:00Z',
      to: '2026-03-01T08:00:00+05:00',
    });
    expect(reversed.success).toBe(false);
    expect(fieldErrors(reversed.error!).map((e) => e.path)).toEqual(['from', 'to']);
  });

  it('accepts an empty range only when from equals to, and a reversed date range is named', () => {
    expect(
      listReviewsQuery().safeParse({ from: '2026-03-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }).success,
    ).toBe(true);
    const reversed = listReviewsQuery().safeParse({ from: '2026-03-02', to: '2026-03-01' });
    expect(fieldErrors(reversed.error!)).toEqual([
      { path: 'from', message: 'must not be after to' },
      { path: 'to', message: 'must not be before from' },
    ]);
  });

  it.each([
    [{ rating: '0' }, 'rating'],
    [{ rating: '4.0' }, 'rating'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-02-30' }, 'to'],
    [{ from: '2026-01-01T24:00:00Z' }, 'from'],
    [{ constructor: 'x' }, 'constructor'],
    [{ hasOwnProperty: 'x' }, 'hasOwnProperty'],
    [{ sort: 'asc' }, 'sort'],
  ])('rejects %p on %s', (query, path) => {
    const result = listReviewsQuery().safeParse(query);
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!).map((e) => e.path)).toContain(path);
  });
});
