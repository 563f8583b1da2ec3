import {
  TRUSTPILOT_QUOTA_POLICY,
  classifyTrustpilotFailure,
  mapTrustpilotReview,
  trustpilotReviewSchema,
  verifyTrustpilotNotification,
} from '../../../src/platforms/adapters/trustpilot-wire';
import type { InboundNotification } from '../../../src/platforms';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

describe('mapTrustpilotReview', () => {
  const base = {
    id: 'r1',
    stars: 4,
    title: 'Great band',
    text: 'Danced all night',
    consumer: { displayName: 'Kim' },
    createdAt: '2026-05-01T10:00:00Z',
    updatedAt: null,
    companyReply: null,
  };

  it('maps stars, text and the consumer, and uses createdAt when never edited', () => {
    expect(mapTrustpilotReview(trustpilotReviewSchema().parse(base))).toEqual({
      externalId: 'r1',
      rating: 4,
      title: 'Great band',
      body: 'Danced all night',
      reviewerName: 'Kim',
      createdAt: '2026-05-01T10:00:00.000Z',
      updatedAt: '2026-05-01T10:00:00.000Z',
      // companyReply: null says there is no reply.
      replyKnown: true,
    });
  });

  it('says nothing of replies when the answer carries no companyReply (its name is unconfirmed)', () => {
    const { companyReply: _none, ...withoutReply } = base;
    const review = mapTrustpilotReview(trustpilotReviewSchema().parse(withoutReply));
    expect(review).not.toHaveProperty('replyKnown');
    expect(review).not.toHaveProperty('reply');
  });

  it('keeps an edit time and the company reply, and names a hidden consumer Anonymous', () => {
    const review = mapTrustpilotReview(
      trustpilotReviewSchema().parse({
        ...base,
        text: null,
        consumer: { displayName: '  ' },
        updatedAt: '2026-05-03T10:00:00Z',
        companyReply: { text: 'Thank you!', createdAt: '2026-05-02T09:00:00Z' },
      }),
    );
    expect(review).toMatchObject({
      body: '',
      reviewerName: 'Anonymous',
      updatedAt: '2026-05-03T10:00:00.000Z',
      reply: { comment: 'Thank you!', updatedAt: '2026-05-02T09:00:00.000Z' },
    });
  });

  it('leaves the rating empty when stars are outside 1..5', () => {
    expect(mapTrustpilotReview(trustpilotReviewSchema().parse({ ...base, stars: 0 })).rating).toBeUndefined();
    expect(
      mapTrustpilotReview(trustpilotReviewSchema().parse({ ...base, stars: 4.5 })).rating,
    ).toBeUndefined();
  });

  it('refuses a review without a readable creation time (the schema, not a crash)', () => {
    expect(trustpilotReviewSchema().safeParse({ ...base, createdAt: 'yesterday' }).success).toBe(false);
    expect(trustpilotReviewSchema().safeParse({ ...base, id: '' }).success).toBe(false);
  });
});

describe('classifyTrustpilotFailure', () => {
  it.each([
    [401, {}, { kind: 'auth-expired' }],
    [429, { 'retry-after': '30' }, { kind: 'rate-limited', waitMs: 30_000 }],
    [429, { 'retry-after': 'Mon, 01 Jun 2026 12:00:45 GMT' }, { kind: 'rate-limited', waitMs: 45_000 }],
    [429, {}, { kind: 'rate-limited', waitMs: 60_000 }],
    [500, {}, { kind: 'retry-later' }],
    [503, { 'retry-after': '5' }, { kind: 'retry-later', retryAfterMs: 5_000 }],
    [400, {}, { kind: 'permanent', status: 400 }],
    [403, {}, { kind: 'permanent', status: 403 }],
    [404, {}, { kind: 'permanent', status: 404 }],
  ])('%i %j -> %j', (status, headers, expected) => {
    expect(classifyTrustpilotFailure(status, headers, NOW)).toMatchObject(expected);
  });
});

describe('TRUSTPILOT_QUOTA_POLICY', () => {
  it("holds Trustpilot's recommendation: 833 calls per 5 minutes and 10,000 per hour", () => {
    expect(TRUSTPILOT_QUOTA_POLICY.windows).toEqual([
      { calls: 833, windowMs: 300_000 },
      { calls: 10_000, windowMs: 3_600_000 },
    ]);
  });
});

describe('verifyTrustpilotNotification', () => {
  const secrets = { notificationToken: 'tok-abcdef-123456', businessUnitId: 'bu-1' };
  const request = (body: unknown, token: string | null = secrets.notificationToken): InboundNotification => ({
    method: 'POST',
    headers: {},
    query: token === null ? {} : { token },
    rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const event = (eventName: string, id: string) => ({ eventName, version: '1', eventData: { id, stars: 1 } });

  it('returns ids to re-fetch, deletions apart, keyed by the business unit of the token', () => {
    const verdict = verifyTrustpilotNotification(
      request({
        events: [
          event('service-review-created', 'a'),
          event('service-review-updated', 'b'),
          event('service-review-deleted', 'c'),
        ],
      }),
      secrets,
    );
    expect(verdict).toMatchObject({
      kind: 'notification',
      notifications: [{ locationId: 'bu-1', externalIds: ['a', 'b'], deletedExternalIds: ['c'] }],
    });
  });

  it('gives the same dedupKey to the same body and another to a different one', () => {
    const body = { events: [event('service-review-created', 'a')] };
    const key = (b: unknown): unknown => {
      const v = verifyTrustpilotNotification(request(b), secrets);
      return v.kind === 'notification' ? v.notifications[0]?.dedupKey : v;
    };
    expect(key(body)).toBe(key(body));
    expect(key(body)).not.toBe(key({ events: [event('service-review-created', 'b')] }));
  });

  it.each([
    ['a wrong token', request({ events: [] }, 'tok-abcdef-123457'), 401],
    ['no token', request({ events: [] }, null), 401],
    ['a token of another length', request({ events: [] }, 'x'), 401],
  ])('rejects %s with 401', (_, req, status) => {
    expect(verifyTrustpilotNotification(req, secrets)).toMatchObject({ kind: 'rejected', status });
  });

  it('rejects everything when no token is configured', () => {
    expect(verifyTrustpilotNotification(request({}, ''), { notificationToken: '' })).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
  });

  it.each([
    ['not JSON', '{"events":['],
    ['no events', { events: [] }],
    ['an unknown event', { events: [event('product-review-created', 'a')] }],
    [
      'an event without an id',
      { events: [{ eventName: 'service-review-created', version: '1', eventData: {} }] },
    ],
  ])('rejects a body with %s as 400', (_, body) => {
    expect(verifyTrustpilotNotification(request(body), secrets)).toMatchObject({
      kind: 'rejected',
      status: 400,
    });
  });

  it('groups by the event locationId when the connection names no business unit', () => {
    const verdict = verifyTrustpilotNotification(
      request({
        events: [
          { eventName: 'service-review-created', version: '1', eventData: { id: 'a', locationId: 'L1' } },
          { eventName: 'service-review-created', version: '1', eventData: { id: 'b', locationId: 'L2' } },
        ],
      }),
      { notificationToken: secrets.notificationToken },
    );
    expect(verdict.kind === 'notification' && verdict.notifications.map((n) => n.locationId)).toEqual([
      'L1',
      'L2',
    ]);
  });
});
