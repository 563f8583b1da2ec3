import {
  classifyGoogleFailure,
  googleReviewSchema,
  locationNameOf,
  readPubSubPush,
  toPlatformReview,
} from '../../../src/platforms/adapters/google-wire';
import type { PlatformHttpResponse } from '../../../src/platforms';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

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

const googleError = (code: number, status: string, message: string, details: unknown[] = []) => ({
  error: { code, status, message, details },
});

describe('toPlatformReview', () => {
  const base = {
    name: 'accounts/1/locations/2/reviews/AbC-123',
    reviewId: 'AbC-123',
    createTime: '2026-03-01T10:00:00.123456789Z',
    updateTime: '2026-03-02T10:00:00.5Z',
  };
  const map = (review: object) => toPlatformReview(googleReviewSchema().parse({ ...base, ...review }));

  it.each([
    ['ONE', 1],
    ['TWO', 2],
    ['THREE', 3],
    ['FOUR', 4],
    ['FIVE', 5],
  ])('maps %s to %d stars', (starRating, rating) => {
    expect(map({ starRating }).rating).toBe(rating);
  });

  it('leaves the rating out for STAR_RATING_UNSPECIFIED or no rating', () => {
    expect(map({ starRating: 'STAR_RATING_UNSPECIFIED' })).not.toHaveProperty('rating');
    expect(map({})).not.toHaveProperty('rating');
  });

  it('keys on the last segment of the name and normalises the timestamps to UTC milliseconds', () => {
    expect(
      map({ starRating: 'FIVE', comment: 'Perfect', reviewer: { displayName: 'Sam', isAnonymous: false } }),
    ).toEqual({
      externalId: 'AbC-123',
      rating: 5,
      body: 'Perfect',
      reviewerName: 'Sam',
      createdAt: '2026-03-01T10:00:00.123Z',
      updatedAt: '2026-03-02T10:00:00.500Z',
      // Every Google review says whether it has a reply: without reviewReply, it has none.
      replyKnown: true,
    });
  });

  it('a rating-only review has an empty body; an anonymous or nameless reviewer is Anonymous', () => {
    expect(map({ starRating: 'FOUR' }).body).toBe('');
    expect(map({ reviewer: { displayName: 'Real Name', isAnonymous: true } }).reviewerName).toBe('Anonymous');
    expect(map({ reviewer: { isAnonymous: false } }).reviewerName).toBe('Anonymous');
    expect(map({}).reviewerName).toBe('Anonymous');
  });

  it('carries the published reply', () => {
    expect(map({ reviewReply: { comment: 'Thanks!', updateTime: '2026-03-03T08:00:00Z' } }).reply).toEqual({
      comment: 'Thanks!',
      updatedAt: '2026-03-03T08:00:00.000Z',
    });
  });

  it('refuses a review whose times are not RFC 3339 or whose name is not a review name', () => {
    expect(googleReviewSchema().safeParse({ ...base, updateTime: 'yesterday' }).success).toBe(false);
    expect(googleReviewSchema().safeParse({ ...base, updateTime: '2026-03-02 10:00:00' }).success).toBe(
      false,
    );
    expect(googleReviewSchema().safeParse({ ...base, name: 'reviews/1' }).success).toBe(false);
    expect(googleReviewSchema().safeParse({ ...base, starRating: 'SIX' }).success).toBe(false);
  });
});

describe('locationNameOf', () => {
  it('takes a full location name as is, or builds it from a bare id and settings.accountId', () => {
    expect(locationNameOf('accounts/1/locations/2')).toBe('accounts/1/locations/2');
    expect(locationNameOf('2', { accountId: '1' })).toBe('accounts/1/locations/2');
    expect(locationNameOf('locations/2', { accountId: 'accounts/1' })).toBe('accounts/1/locations/2');
  });

  it('refuses what it cannot place', () => {
    expect(() => locationNameOf('2')).toThrow(/settings.accountId/);
    expect(() => locationNameOf('a/b', { accountId: '1' })).toThrow();
  });
});

describe('classifyGoogleFailure', () => {
  const classify = (response: PlatformHttpResponse) => classifyGoogleFailure(response, 'list', NOW);

  it('401 UNAUTHENTICATED is auth-expired', () => {
    expect(
      classify(
        answer(401, googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.')),
      ),
    ).toEqual({
      kind: 'auth-expired',
      reason: expect.stringMatching(/UNAUTHENTICATED/),
    });
  });

  it('403 is permanent, naming the API switch, the scope or the permission', () => {
    const disabled = googleError(
      403,
      'PERMISSION_DENIED',
      'Google My Business API has not been used in project 1',
      [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED' }],
    );
    expect(classify(answer(403, disabled))).toMatchObject({
      kind: 'permanent',
      status: 403,
      reason: expect.stringMatching(/disabled/),
    });
    expect(
      classify(
        answer(403, googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.')),
      ),
    ).toMatchObject({
      kind: 'permanent',
      reason: expect.stringMatching(/scope/),
    });
    expect(
      classify(answer(403, googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission'))),
    ).toMatchObject({
      kind: 'permanent',
      reason: expect.stringMatching(/^permission denied/),
    });
  });

  it('429 waits for Retry-After (seconds or a date), then RetryInfo, then one quota minute', () => {
    const body = googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded');
    expect(classify(answer(429, body, { 'retry-after': '12' }))).toMatchObject({
      kind: 'rate-limited',
      waitMs: 12_000,
      window: 'minute',
    });
    expect(
      classify(answer(429, body, { 'retry-after': new Date(NOW + 30_000).toUTCString() })),
    ).toMatchObject({ waitMs: 30_000 });
    const withRetryInfo = googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2.5s' },
    ]);
    expect(classify(answer(429, withRetryInfo))).toMatchObject({ waitMs: 2_500 });
    expect(classify(answer(429, body))).toMatchObject({ waitMs: 60_000 });
    expect(classify(answer(429, '<html>Too many</html>'))).toMatchObject({
      kind: 'rate-limited',
      waitMs: 60_000,
    });
  });

  it('5xx, 408 and 409 are retry-later; other 4xx are permanent', () => {
    for (const status of [500, 502, 503, 504, 408, 409]) {
      expect(classify(answer(status, '<html>oops</html>'))).toMatchObject({ kind: 'retry-later' });
    }
    expect(classify(answer(503, {}, { 'retry-after': '4' }))).toEqual({
      kind: 'retry-later',
      reason: expect.any(String),
      retryAfterMs: 4_000,
    });
    for (const status of [400, 404, 412]) {
      expect(classify(answer(status, googleError(status, 'INVALID_ARGUMENT', 'bad')))).toMatchObject({
        kind: 'permanent',
        status,
      });
    }
  });
});

describe('readPubSubPush', () => {
  const body = (message: object) =>
    Buffer.from(JSON.stringify({ message, subscription: 'projects/p/subscriptions/s' }));
  const data = (json: unknown) =>
    Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)).toString('base64');

  it('reads the review and location names in either spelling, and the message id in either spelling', () => {
    const camel = readPubSubPush(
      body({
        messageId: 'm1',
        data: data({
          reviewName: 'accounts/1/locations/2/reviews/r',
          locationName: 'accounts/1/locations/2',
        }),
      }),
    );
    const snake = readPubSubPush(
      body({
        message_id: 'm1',
        data: data({
          review_name: 'accounts/1/locations/2/reviews/r',
          location_name: 'accounts/1/locations/2',
        }),
      }),
    );
    const expected = {
      ok: true,
      notifications: [
        {
          locationId: 'accounts/1/locations/2',
          externalIds: ['r'],
          deletedExternalIds: [],
          dedupKey: 'google:m1',
        },
      ],
    };
    expect(camel).toEqual(expected);
    expect(snake).toEqual(expected);
  });

  it('derives the location from the review name when the location is left out', () => {
    expect(
      readPubSubPush(
        body({ messageId: 'm', data: data({ reviewName: 'accounts/1/locations/9/reviews/r' }) }),
      ),
    ).toMatchObject({
      ok: true,
      notifications: [{ locationId: 'accounts/1/locations/9' }],
    });
  });

  it('acknowledges a message about no review with nothing to do', () => {
    expect(
      readPubSubPush(body({ messageId: 'm', data: data({ locationName: 'accounts/1/locations/2' }) })),
    ).toEqual({
      ok: true,
      notifications: [],
    });
  });

  it.each([
    ['no message id', { data: data({ reviewName: 'accounts/1/locations/2/reviews/r' }) }],
    ['data that is not JSON', { messageId: 'm', data: data('not json') }],
    ['no data', { messageId: 'm' }],
    ['a malformed review name', { messageId: 'm', data: data({ reviewName: 'locations/2/reviews/r' }) }],
    [
      'a location that is not the review’s',
      {
        messageId: 'm',
        data: data({
          reviewName: 'accounts/1/locations/2/reviews/r',
          locationName: 'accounts/1/locations/3',
        }),
      },
    ],
  ])('refuses %s', (_name, message) => {
    expect(readPubSubPush(body(message))).toMatchObject({ ok: false });
  });

  it('refuses a body that is not a push', () => {
    expect(readPubSubPush(Buffer.from('hello'))).toMatchObject({ ok: false });
    expect(readPubSubPush(Buffer.from('[]'))).toMatchObject({ ok: false });
  });
});
