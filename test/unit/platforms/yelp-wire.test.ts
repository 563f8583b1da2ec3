import {
  classifyYelpFailure,
  readYelpQuota,
  toPlatformReview,
  yelpReviewsSchema,
  yelpTimeToIso,
} from '../../../src/platforms/adapters/yelp-wire';
import type { PlatformHttpResponse } from '../../../src/platforms';

const NOW = Date.UTC(2026, 11, 3, 18, 0, 0);

const answer = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): PlatformHttpResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  latencyMs: 5,
});

const quotaHeaders = {
  'ratelimit-dailylimit': '300',
  'ratelimit-remaining': '0',
  'ratelimit-resettime': '2026-12-04T00:00:00+00:00',
};

describe('yelpTimeToIso', () => {
  it('reads "YYYY-MM-DD HH:mm:ss" as Pacific time, standard and daylight', () => {
    expect(yelpTimeToIso('2026-01-15 10:00:00')).toBe('2026-01-15T18:00:00.000Z'); // PST, UTC-8
    expect(yelpTimeToIso('2026-07-15 10:00:00')).toBe('2026-07-15T17:00:00.000Z'); // PDT, UTC-7
  });

  it('accepts an ISO 8601 time with a zone as is', () => {
    expect(yelpTimeToIso('2026-07-15T10:00:00+02:00')).toBe('2026-07-15T08:00:00.000Z');
  });

  it('refuses what is not a time', () => {
    expect(yelpTimeToIso('yesterday')).toBeUndefined();
    expect(yelpTimeToIso('2026-02-30 10:00:00')).toBeUndefined();
    expect(yelpTimeToIso('2026-07-15T10:00:00')).toBeUndefined();
  });
});

describe('toPlatformReview', () => {
  const parse = (review: object) => yelpReviewsSchema().parse({ reviews: [review] }).reviews![0]!;
  const item = {
    id: 'xAG4O7l-t1ubbwVAlPnDKg',
    url: 'https://www.yelp.com/biz/barn?hrid=xAG4O7l-t1ubbwVAlPnDKg',
    text: 'Went back again to this place...',
    rating: 5,
    time_created: '2026-01-15 10:00:00',
    user: { id: 'W8UK02IDdRS2GL_66fuq6w', name: 'Ella A.', image_url: null },
  };

  it('maps the documented fields and marks the review an excerpt', () => {
    expect(toPlatformReview(parse(item))).toEqual({
      externalId: 'xAG4O7l-t1ubbwVAlPnDKg',
      rating: 5,
      body: 'Went back again to this place...',
      reviewerName: 'Ella A.',
      createdAt: '2026-01-15T18:00:00.000Z',
      updatedAt: '2026-01-15T18:00:00.000Z',
      excerpt: true,
      url: 'https://www.yelp.com/biz/barn?hrid=xAG4O7l-t1ubbwVAlPnDKg',
    });
  });

  it('copes with missing optional fields', () => {
    const bare = toPlatformReview(
      parse({ id: 'a', rating: 4, time_created: '2026-01-15 10:00:00', user: null, url: null }),
    );
    expect(bare).toMatchObject({ body: '', reviewerName: 'Anonymous' });
    expect(bare).not.toHaveProperty('url');
  });

  it.each([
    ['no id', { ...item, id: undefined }],
    ['a rating of 0', { ...item, rating: 0 }],
    ['a rating as text', { ...item, rating: '5' }],
    ['a bad time', { ...item, time_created: '15/01/2026' }],
  ])('refuses an item with %s', (_name, review) => {
    expect(yelpReviewsSchema().safeParse({ reviews: [review] }).success).toBe(false);
  });
});

describe('readYelpQuota', () => {
  it('reads the daily limit, what remains and the reset time', () => {
    expect(readYelpQuota({ ...quotaHeaders, 'ratelimit-remaining': '75' })).toEqual({
      limit: 300,
      remaining: 75,
      resetAt: '2026-12-04T00:00:00.000Z',
      usedRatio: 0.75,
    });
  });

  it('is undefined without the headers and ignores values it cannot read', () => {
    expect(readYelpQuota({})).toBeUndefined();
    expect(readYelpQuota({ 'ratelimit-remaining': 'lots', 'ratelimit-resettime': 'soon' })).toBeUndefined();
    expect(readYelpQuota({ 'ratelimit-remaining': '3' })).toEqual({ remaining: 3 });
  });
});

describe('classifyYelpFailure', () => {
  const classify = (response: PlatformHttpResponse) => classifyYelpFailure(response, 'list', NOW);
  const error = (code: string) => ({ error: { code, description: 'described' } });

  it('ACCESS_LIMIT_REACHED waits until the reset time, with the quota', () => {
    expect(classify(answer(429, error('ACCESS_LIMIT_REACHED'), quotaHeaders))).toEqual({
      kind: 'rate-limited',
      reason: expect.stringMatching(/ACCESS_LIMIT_REACHED/),
      window: 'day',
      waitMs: 6 * 3_600_000,
      quota: { limit: 300, remaining: 0, resetAt: '2026-12-04T00:00:00.000Z', usedRatio: 1 },
    });
  });

  it('ACCESS_LIMIT_REACHED without a reset time waits until midnight UTC', () => {
    expect(classify(answer(429, error('ACCESS_LIMIT_REACHED')))).toMatchObject({
      window: 'day',
      waitMs: 6 * 3_600_000,
    });
  });

  it('TOO_MANY_REQUESTS_PER_SECOND is a short wait, Retry-After when given', () => {
    expect(classify(answer(429, error('TOO_MANY_REQUESTS_PER_SECOND')))).toMatchObject({
      kind: 'rate-limited',
      window: 'second',
      waitMs: 1_000,
    });
    expect(
      classify(answer(429, error('TOO_MANY_REQUESTS_PER_SECOND'), { 'retry-after': '2' })),
    ).toMatchObject({
      waitMs: 2_000,
    });
    // Even with nothing left today, a per-second 429 says what it is.
    expect(classify(answer(429, error('TOO_MANY_REQUESTS_PER_SECOND'), quotaHeaders))).toMatchObject({
      window: 'second',
    });
  });

  it('an unnamed 429 is daily when nothing remains, per-second otherwise', () => {
    expect(classify(answer(429, '<html/>', quotaHeaders))).toMatchObject({ window: 'day' });
    expect(classify(answer(429, '<html/>', { ...quotaHeaders, 'ratelimit-remaining': '10' }))).toMatchObject({
      window: 'second',
    });
  });

  it('401 is auth-expired, 5xx retry-later, other 4xx permanent', () => {
    expect(classify(answer(401, error('TOKEN_INVALID')))).toMatchObject({ kind: 'auth-expired' });
    expect(classify(answer(500, error('INTERNAL_ERROR')))).toMatchObject({ kind: 'retry-later' });
    expect(classify(answer(503, 'Service Unavailable', { 'retry-after': '5' }))).toMatchObject({
      kind: 'retry-later',
      retryAfterMs: 5_000,
    });
    expect(classify(answer(400, error('VALIDATION_ERROR')))).toMatchObject({
      kind: 'permanent',
      status: 400,
    });
    expect(classify(answer(404, error('BUSINESS_NOT_FOUND')))).toMatchObject({
      kind: 'permanent',
      reason: expect.stringMatching(/BUSINESS_NOT_FOUND/),
    });
  });
});
