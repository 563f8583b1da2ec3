import { createHmac } from 'node:crypto';
import {
  FACEBOOK_DEFAULT_THROTTLE_WAIT_MS,
  classifyFacebookFailure,
  facebookRatingSchema,
  mapFacebookRating,
  nextCursor,
  parseFacebookUsage,
  verifyFacebookNotification,
} from '../../../src/platforms/adapters/facebook-wire';
import type { InboundNotification } from '../../../src/platforms';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

describe('mapFacebookRating', () => {
  const rating = {
    created_time: '2026-05-01T10:00:00+0000',
    recommendation_type: 'negative',
    review_text: 'Late and rude',
    open_graph_story: { id: '123456' },
    reviewer: { name: 'Jo' },
  };

  it('stores the recommendation and leaves the rating empty', () => {
    expect(mapFacebookRating(facebookRatingSchema().parse(rating))).toEqual({
      externalId: '123456',
      recommendation: 'negative',
      body: 'Late and rude',
      reviewerName: 'Jo',
      createdAt: '2026-05-01T10:00:00.000Z',
      updatedAt: '2026-05-01T10:00:00.000Z',
    });
  });

  it('keeps a legacy 1..5 rating and accepts a missing review text and reviewer', () => {
    const mapped = mapFacebookRating(
      facebookRatingSchema().parse({ ...rating, rating: 2, review_text: undefined, reviewer: undefined }),
    );
    expect(mapped).toMatchObject({
      rating: 2,
      body: '',
      reviewerName: 'Anonymous',
      recommendation: 'negative',
    });
  });

  it('skips a rating with no open_graph_story id (nothing to key or reply to)', () => {
    expect(
      mapFacebookRating(facebookRatingSchema().parse({ ...rating, open_graph_story: undefined })),
    ).toBeUndefined();
  });

  it('ignores an unknown recommendation type rather than inventing one', () => {
    expect(
      mapFacebookRating(facebookRatingSchema().parse({ ...rating, recommendation_type: 'meh' }))
        ?.recommendation,
    ).toBeUndefined();
  });
});

describe('nextCursor', () => {
  it('takes paging.cursors.after when a next page exists, the next URL otherwise, nothing on the last page', () => {
    expect(
      nextCursor({ data: [], paging: { cursors: { after: 'A' }, next: 'https://x/ratings?after=B' } }),
    ).toBe('A');
    expect(nextCursor({ data: [], paging: { next: 'https://x/ratings?after=B' } })).toBe('B');
    expect(nextCursor({ data: [], paging: { cursors: { after: 'A' } } })).toBeUndefined();
    expect(nextCursor({ data: [] })).toBeUndefined();
  });
});

describe('classifyFacebookFailure', () => {
  const error = (code: number, subcode?: number): string =>
    JSON.stringify({ error: { message: 'm', type: 'OAuthException', code, error_subcode: subcode } });

  it.each([4, 17, 32, 341, 613, 80001])('code %i is rate-limited, whatever the status', (code) => {
    expect(classifyFacebookFailure(403, {}, error(code), NOW)).toMatchObject({
      kind: 'rate-limited',
      waitMs: FACEBOOK_DEFAULT_THROTTLE_WAIT_MS,
    });
  });

  it('waits as long as the BUC header says (minutes)', () => {
    const headers = {
      'x-business-use-case-usage': JSON.stringify({
        '42': [
          {
            type: 'pages',
            call_count: 100,
            total_cputime: 20,
            total_time: 30,
            estimated_time_to_regain_access: 7,
          },
        ],
      }),
    };
    expect(classifyFacebookFailure(400, headers, error(80001, 2494055), NOW)).toMatchObject({
      kind: 'rate-limited',
      waitMs: 7 * 60_000,
      quota: { usedRatio: 1 },
    });
  });

  it.each([
    [400, error(190, 463), 'reauth-required'],
    [401, error(190), 'reauth-required'],
    [400, error(12), 'unsupported'],
    [403, error(10), 'permanent'],
    [403, error(200), 'permanent'],
    [400, error(283), 'permanent'],
    [500, error(1), 'retry-later'],
    [500, error(2), 'retry-later'],
    [400, error(100, 33), 'permanent'],
    [502, '<html>Bad gateway</html>', 'retry-later'],
    [429, '', 'rate-limited'],
    [404, 'nope', 'permanent'],
  ])('%i %s -> %s', (status, body, kind) => {
    expect(classifyFacebookFailure(status, {}, body, NOW).kind).toBe(kind);
  });
});

describe('parseFacebookUsage', () => {
  it('reports the highest percentage of app and BUC usage as a ratio', () => {
    const quota = parseFacebookUsage(
      {
        'x-app-usage': '{"call_count":28,"total_time":25,"total_cputime":25}',
        'x-business-use-case-usage':
          '{"1":[{"type":"pages","call_count":10,"total_cputime":64,"total_time":5,"estimated_time_to_regain_access":0}]}',
      },
      NOW,
    );
    expect(quota).toEqual({ usedRatio: 0.64 });
  });

  it('gives resetAt from estimated_time_to_regain_access', () => {
    const quota = parseFacebookUsage(
      { 'x-business-use-case-usage': '{"1":[{"call_count":100,"estimated_time_to_regain_access":3}]}' },
      NOW,
    );
    expect(quota).toEqual({ usedRatio: 1, resetAt: '2026-06-01T12:03:00.000Z' });
  });

  it('ignores absent or unreadable headers', () => {
    expect(parseFacebookUsage({}, NOW)).toBeUndefined();
    expect(
      parseFacebookUsage({ 'x-app-usage': 'not json', 'x-business-use-case-usage': '[1,2]' }, NOW),
    ).toBeUndefined();
  });
});

describe('verifyFacebookNotification', () => {
  const secrets = { appSecret: 'app-secret-1', verifyToken: 'verify-me' };
  const post = (raw: string, signature?: string): InboundNotification => ({
    method: 'POST',
    headers: signature === undefined ? {} : { 'x-hub-signature-256': signature },
    query: {},
    rawBody: Buffer.from(raw, 'utf8'),
  });
  const sign = (raw: string, secret = secrets.appSecret): string =>
    `sha256=${createHmac('sha256', secret).update(Buffer.from(raw, 'utf8')).digest('hex')}`;
  const body = (changes: unknown[], pageId = '42'): string =>
    JSON.stringify({ object: 'page', entry: [{ id: pageId, time: 1, changes }] });

  it('answers the subscription challenge when the verify token matches', () => {
    const get: InboundNotification = {
      method: 'GET',
      headers: {},
      query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1158201444' },
      rawBody: Buffer.alloc(0),
    };
    expect(verifyFacebookNotification(get, secrets)).toEqual({ kind: 'challenge', answer: '1158201444' });
    expect(
      verifyFacebookNotification(
        { ...get, query: { ...get.query, 'hub.verify_token': 'verify-mf' } },
        secrets,
      ),
    ).toMatchObject({ kind: 'rejected', status: 403 });
    expect(
      verifyFacebookNotification({ ...get, query: { ...get.query, 'hub.mode': 'unsubscribe' } }, secrets),
    ).toMatchObject({ kind: 'rejected', status: 400 });
    expect(
      verifyFacebookNotification({ ...get, query: { ...get.query, 'hub.challenge': '<script>' } }, secrets),
    ).toMatchObject({ kind: 'rejected', status: 400 });
  });

  it('takes open_graph_story_id or review_id from ratings changes and ignores other fields', () => {
    const raw = body([
      { field: 'ratings', value: { open_graph_story_id: '111', verb: 'add', extra: { nested: true } } },
      { field: 'ratings', value: { review_id: 222 } },
      { field: 'feed', value: { post_id: '9' } },
    ]);
    const verdict = verifyFacebookNotification(post(raw, sign(raw)), secrets);
    expect(verdict).toMatchObject({
      kind: 'notification',
      notifications: [{ locationId: '42', externalIds: ['111', '222'], deletedExternalIds: [] }],
    });
  });

  it('checks the signature over the raw bytes: escaped unicode verifies as sent, re-serialised it does not', () => {
    // Facebook escapes non-ASCII as \uXXXX; JSON.stringify writes the characters themselves.
    const raw = body([
      { field: 'ratings', value: { open_graph_story_id: '1', review_text: 'Zoë 🎉' } },
    ]).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    expect(raw).toContain('Zo\\u00eb \\ud83c\\udf89');
    expect(verifyFacebookNotification(post(raw, sign(raw)), secrets).kind).toBe('notification');
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).not.toBe(raw);
    expect(verifyFacebookNotification(post(reserialised, sign(raw)), secrets)).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
  });

  it.each([
    ['missing', undefined],
    ['signed with another secret', 'other'],
    ['not hex', 'sha256=zz'],
    ['sha1 only', 'sha1=0123456789abcdef0123456789abcdef01234567'],
  ])('rejects a POST whose signature is %s with 401', (_, kind) => {
    const raw = body([{ field: 'ratings', value: { open_graph_story_id: '1' } }]);
    const signature = kind === 'other' ? sign(raw, 'wrong') : kind;
    expect(verifyFacebookNotification(post(raw, signature), secrets)).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
  });

  it('rejects every POST when no app secret is configured', () => {
    const raw = body([]);
    expect(verifyFacebookNotification(post(raw, sign(raw, '')), { verifyToken: 'v' })).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
  });

  it.each([
    ['not JSON', '{"object":"page",'],
    ['another object', JSON.stringify({ object: 'user', entry: [] })],
    ['a ratings change without an id', body([{ field: 'ratings', value: { verb: 'add' } }])],
  ])('rejects a well-signed body that is %s with 400', (_, raw) => {
    expect(verifyFacebookNotification(post(raw, sign(raw)), secrets)).toMatchObject({
      kind: 'rejected',
      status: 400,
    });
  });

  it('gives one notification per page, each with a replay key stable across deliveries', () => {
    const raw = JSON.stringify({
      object: 'page',
      entry: [
        { id: '1', time: 1, changes: [{ field: 'ratings', value: { open_graph_story_id: 'a' } }] },
        { id: '2', time: 1, changes: [{ field: 'ratings', value: { open_graph_story_id: 'b' } }] },
        { id: '1', time: 2, changes: [{ field: 'ratings', value: { open_graph_story_id: 'c' } }] },
      ],
    });
    const first = verifyFacebookNotification(post(raw, sign(raw)), secrets);
    const again = verifyFacebookNotification(post(raw, sign(raw)), secrets);
    expect(first).toEqual(again);
    if (first.kind !== 'notification') throw new Error(first.kind);
    expect(first.notifications.map((n) => [n.locationId, n.externalIds])).toEqual([
      ['1', ['a', 'c']],
      ['2', ['b']],
    ]);
    expect(new Set(first.notifications.map((n) => n.dedupKey)).size).toBe(2);
  });
});
