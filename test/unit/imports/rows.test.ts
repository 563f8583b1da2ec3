/**
 * Row validation of imports: the CSV template's header and rows, and JSON lines, with the rules of
 * POST /v1/reviews; the deterministic external id that makes re-imports converge.
 */
import {
  CSV_COLUMNS,
  externalIdFor,
  parseRating,
  parseReviewDate,
  readHeader,
  titleFromText,
  validateCsvRow,
  validateJsonLine,
} from '../../../src/imports';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const HEADER = [...CSV_COLUMNS];
const columnsOf = (header: string[]) => {
  const result = readHeader(header);
  if (!result.ok) throw new Error(result.reason);
  return result.columns;
};
const COLUMNS = columnsOf(HEADER);
const row = (values: Partial<Record<(typeof CSV_COLUMNS)[number], string>>): string[] =>
  HEADER.map((column) => values[column] ?? '');
const GOOD = {
  date: '2025-09-14',
  rating: '5',
  author: 'Sam & Alex',
  title: 'Wonderful',
  text: 'Our flowers were perfect.',
};

describe('the CSV header', () => {
  it('maps the template columns in any order, case and spacing, with aliases', () => {
    const result = readHeader(['Text', 'RATING', ' Date ', 'Reviewer Name', 'Reply Date', 'Wedding vendor']);
    expect(result).toEqual({
      ok: true,
      columns: ['text', 'rating', 'date', 'author', 'reply_date', null],
      ignored: ['Wedding vendor'],
    });
  });

  it('refuses a header without the required columns (e.g. a file with no header row)', () => {
    const result = readHeader(['2025-09-14', '5', 'Sam', 'Great']);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      /missing header row or required columns: date, rating, author, text/,
    );
  });

  it('refuses a column named twice', () => {
    expect(readHeader(['date', 'rating', 'author', 'text', 'Review'])).toEqual({
      ok: false,
      reason: 'the header names the column "text" twice',
    });
  });
});

describe('a CSV row', () => {
  it('becomes a review with the platform, the date as an instant and a deterministic external id', () => {
    const result = validateCsvRow(row(GOOD), COLUMNS, 'weddingwire', NOW);
    expect(result).toEqual({
      ok: true,
      review: {
        rating: 5,
        title: 'Wonderful',
        body: 'Our flowers were perfect.',
        reviewerName: 'Sam & Alex',
        platform: 'weddingwire',
        externalId: externalIdFor('2025-09-14T00:00:00.000Z', 'Sam & Alex', 'Our flowers were perfect.'),
        submittedAt: '2025-09-14T00:00:00.000Z',
      },
    });
  });

  it('gives the same external id for the same date, author and first 200 characters, another otherwise', () => {
    const long = 'x'.repeat(200);
    const id = (text: string, author = 'Sam') => externalIdFor('2025-09-14T00:00:00.000Z', author, text);
    expect(id(`${long}A`)).toBe(id(`${long}B`));
    expect(id(`${long}A`)).not.toBe(id(`y${long}`));
    expect(id('same', 'Sam')).not.toBe(id('same', 'Max'));
    expect(id('same')).toMatch(/^imp_[0-9a-z]{26}$/);
  });

  it('keeps quotes and embedded line breaks of the text (CR LF stored as LF)', () => {
    const result = validateCsvRow(
      row({ ...GOOD, text: 'She said "wow".\r\nSecond line.' }),
      COLUMNS,
      'theknot',
      NOW,
    );
    expect(result.ok && result.review.body).toBe('She said "wow".\nSecond line.');
  });

  it.each([
    ['2025-02-30', /date: "2025-02-30" is not a calendar date/],
    ['14/09/2025', /date: "14\/09\/2025" is not a date: use YYYY-MM-DD/],
    ['yesterday', /date: "yesterday" is not a date/],
    ['', /date: is empty/],
    ['2027-01-01', /date: is in the future/],
    ['1999-12-31', /date: is before 2000-01-01/],
    ['2025-13-01T10:00:00Z', /date: .* is not a valid date-time/],
  ])('rejects the date %p', (date, reason) => {
    const result = validateCsvRow(row({ ...GOOD, date }), COLUMNS, 'weddingwire', NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('accepts an RFC 3339 date-time with an offset, stored as UTC', () => {
    const result = validateCsvRow(
      row({ ...GOOD, date: '2025-09-14T23:30:00+02:00' }),
      COLUMNS,
      'weddingwire',
      NOW,
    );
    expect(result.ok && result.review.submittedAt).toBe('2025-09-14T21:30:00.000Z');
  });

  it.each(['0', '6', '4.5', 'five', '', '-1', '5 stars'])('rejects the rating %p', (rating) => {
    const result = validateCsvRow(row({ ...GOOD, rating }), COLUMNS, 'weddingwire', NOW);
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/^rating: .* is not a whole number from 1 to 5$/),
    });
  });

  it('reads ratings written as 1-5 or 5.0', () => {
    expect(['1', ' 3 ', '5.0', '4.00'].map(parseRating)).toEqual([1, 3, 5, 4]);
  });

  it.each([
    ['text', 'x'.repeat(10_001), /^text: /],
    ['author', 'n'.repeat(121), /^author: /],
    ['title', 't'.repeat(201), /^title: /],
    ['reply', 'r'.repeat(10_001), /^reply: is longer than 10000 characters/],
  ] as const)('rejects an oversize %s', (column, value, reason) => {
    const result = validateCsvRow(row({ ...GOOD, [column]: value }), COLUMNS, 'weddingwire', NOW);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('rejects an empty text or author, control characters, and text that was not UTF-8', () => {
    const reasons = [
      row({ ...GOOD, text: '   ' }),
      row({ ...GOOD, author: '' }),
      row({ ...GOOD, text: 'bell \u0007' }),
      row({ ...GOOD, author: 'Ren\uFFFDe' }),
    ].map((fields) => {
      const result = validateCsvRow(fields, COLUMNS, 'weddingwire', NOW);
      return result.ok ? 'ok' : result.reason.split(':')[0];
    });
    expect(reasons).toEqual(['text', 'author', 'text', 'author']);
  });

  it('checks reply date and source URL, which must be https', () => {
    const bad = (values: Record<string, string>) => {
      const result = validateCsvRow(row({ ...GOOD, ...values }), COLUMNS, 'weddingwire', NOW);
      return result.ok ? 'ok' : result.reason;
    };
    expect(
      bad({ reply: 'Thank you!', reply_date: '2025-09-20', source_url: 'https://www.weddingwire.com/r/1' }),
    ).toBe('ok');
    expect(bad({ reply_date: '20/09/2025' })).toMatch(/^reply_date: /);
    expect(bad({ source_url: 'javascript:alert(1)' })).toMatch(/^source_url: must be an https URL/);
    expect(bad({ source_url: 'http://example.com' })).toMatch(/^source_url: /);
  });

  it("keeps the reply (normalised) and its date as the review's reply; an empty cell is no reply", () => {
    const replied = validateCsvRow(
      row({ ...GOOD, reply: '  Thank you both!\r\nSee you soon. ', reply_date: '2025-09-20' }),
      COLUMNS,
      'theknot',
      NOW,
    );
    expect(replied.ok && replied.review.reply).toEqual({
      comment: 'Thank you both!\nSee you soon.',
      repliedAt: '2025-09-20T00:00:00.000Z',
    });
    const undated = validateCsvRow(row({ ...GOOD, reply: 'Thanks' }), COLUMNS, 'theknot', NOW);
    expect(undated.ok && undated.review.reply).toEqual({ comment: 'Thanks' });
    const none = validateCsvRow(
      row({ ...GOOD, reply: '   ', reply_date: '2025-09-20' }),
      COLUMNS,
      'theknot',
      NOW,
    );
    expect(none.ok && none.review).not.toHaveProperty('reply');
  });

  it('rejects a row with more or fewer fields than the header', () => {
    const result = validateCsvRow(['2025-09-14', '5'], COLUMNS, 'weddingwire', NOW);
    expect(result).toEqual({ ok: false, reason: 'has 2 fields where the header has 8' });
  });

  it('makes a title from the text when the file gives none', () => {
    const result = validateCsvRow(row({ ...GOOD, title: '' }), COLUMNS, 'weddingwire', NOW);
    expect(result.ok && result.review.title).toBe('Our flowers were perfect.');
    expect(
      titleFromText('A very long first sentence that goes on and on about the flowers and the cake'),
    ).toBe('A very long first sentence that goes on and on about the…');
  });
});

describe('a JSON line', () => {
  const line = (value: unknown) => JSON.stringify(value);
  const review = { rating: 4, title: 'Lovely', body: 'Great band.', reviewerName: 'Jo' };

  it('takes the fields of POST /v1/reviews, the import platform by default and a derived external id', () => {
    const result = validateJsonLine(line({ ...review, submittedAt: '2025-05-01T10:00:00Z' }), 'google', NOW);
    expect(result).toEqual({
      ok: true,
      review: {
        ...review,
        platform: 'google',
        externalId: externalIdFor('2025-05-01T10:00:00.000Z', 'Jo', 'Great band.'),
        submittedAt: '2025-05-01T10:00:00.000Z',
      },
    });
  });

  it('keeps a given platform and externalId', () => {
    const result = validateJsonLine(line({ ...review, platform: 'yelp', externalId: 'y-1' }), 'google', NOW);
    expect(result.ok && [result.review.platform, result.review.externalId]).toEqual(['yelp', 'y-1']);
  });

  it('without submittedAt: the receipt time, marked as defaulted (a resend is not an edit)', () => {
    const result = validateJsonLine(line(review), 'google', NOW);
    expect(result.ok && [result.review.submittedAt, result.review.submittedAtDefaulted]).toEqual([
      NOW.toISOString(),
      true,
    ]);
  });

  it.each([
    ['{"rating": 5,', /^not valid JSON/],
    ['[1,2]', /^each line must be one JSON object$/],
    ['{"__proto__": {"x": 1}, "rating": 5}', /^the key "__proto__" is not allowed$/],
    [line({ ...review, rating: 6 }), /^rating: /],
    [line({ ...review, colour: 'red' }), /colour|Unrecognized/],
    [line({ ...review, platform: 'myspace' }), /^platform: /],
    [line({ ...review, submittedAt: '2025-02-30' }), /^submittedAt: .* is not a calendar date/],
  ])('rejects %s', (text, reason) => {
    const result = validateJsonLine(text, 'google', NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('review dates', () => {
  it('accept a time zone a day ahead of UTC, not more', () => {
    expect(parseReviewDate('2026-06-02', NOW).ok).toBe(true);
    expect(parseReviewDate('2026-06-03', NOW).ok).toBe(false);
  });
});
