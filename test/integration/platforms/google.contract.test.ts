/**
 * The Google Business Profile adapter against the fake Google (local/platform-fakes/google.ts)
 * over real HTTP on 127.0.0.1, through the production FetchPlatformHttp: paging and the watermark
 * stop, edits and deletions, rating-only and anonymous reviews, reply upsert and delete, every
 * fault classified as documented, and Pub/Sub push verification leading to a targeted fetch.
 */
import { FetchPlatformHttp } from '../../../src/platforms/adapters/fetch-platform-http';
import { createGoogleAdapter } from '../../../src/platforms/adapters/google';
import { isPlatformCallError } from '../../../src/platforms';
import type {
  CallContext,
  PlatformAdapter,
  PlatformCallError,
  PlatformReview,
  SyncCursor,
} from '../../../src/platforms';
import { FakeGoogleBusinessProfile, GOOGLE_BUSINESS_SCOPE } from '../../../local/platform-fakes/google';

jest.setTimeout(30_000);

const context: CallContext = {
  platform: 'google',
  operation: 'list',
  supplierId: 'sup_1',
  connectionId: 'con_1',
  correlationId: 'cor_1',
};

let fake: FakeGoogleBusinessProfile;
let adapter: PlatformAdapter;
let token: string;
let location: string;

async function start(options: { pageSize?: number; timeoutMs?: number; quotaPerMinute?: number } = {}) {
  fake = new FakeGoogleBusinessProfile({ quotaPerMinute: options.quotaPerMinute ?? 300 });
  await fake.start();
  adapter = createGoogleAdapter({
    http: new FetchPlatformHttp({ timeoutMs: options.timeoutMs ?? 2_000 }),
    baseUrl: fake.baseUrl,
    pageSize: options.pageSize ?? 2,
  });
  token = fake.server.issueToken(GOOGLE_BUSINESS_SCOPE).token;
  location = fake.addLocation('111', '222');
}

afterEach(async () => {
  await fake.close();
});

async function failureOf(call: Promise<unknown>): Promise<PlatformCallError> {
  try {
    await call;
  } catch (error) {
    if (isPlatformCallError(error)) return error;
    throw error;
  }
  throw new Error('the call succeeded; a PlatformCallError was expected');
}

/** Every page of a listing, as the sync worker walks it. */
async function listAll(
  watermark?: string,
): Promise<{ reviews: PlatformReview[]; pages: number; reached: boolean }> {
  const reviews: PlatformReview[] = [];
  let cursor: SyncCursor | undefined = watermark !== undefined ? { watermark } : undefined;
  let pages = 0;
  for (;;) {
    const page = await adapter.listChanges({ accessToken: token }, location, cursor, context);
    pages += 1;
    reviews.push(...page.reviews);
    if (!page.next) return { reviews, pages, reached: page.reachedWatermark };
    cursor = page.next;
  }
}

describe('listing', () => {
  beforeEach(() => start());

  it('pages newest edit first, 2 a page, until Google sends no nextPageToken', async () => {
    const added = [1, 2, 3, 4, 5].map((n) =>
      fake.addReview(location, {
        reviewId: `r${n}`,
        rating: n,
        comment: `review ${n}`,
        createdAtMs: Date.UTC(2026, 0, n),
      }),
    );
    const { reviews, pages, reached } = await listAll();
    expect(reviews.map((r) => r.externalId)).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    expect(pages).toBe(3);
    expect(reached).toBe(false);
    expect(reviews[0]).toEqual({
      externalId: 'r5',
      rating: 5,
      body: 'review 5',
      reviewerName: 'Alex Guest',
      createdAt: '2026-01-05T00:00:00.000Z',
      updatedAt: '2026-01-05T00:00:00.000Z',
      // Google's review says whether the business replied: no reviewReply is "no reply".
      replyKnown: true,
    });
    const lists = fake.server.requests.filter((r) => r.path.endsWith('/reviews'));
    expect(lists.map((r) => [r.query.get('pageSize'), r.query.get('orderBy')])).toEqual([
      ['2', 'updateTime desc'],
      ['2', 'updateTime desc'],
      ['2', 'updateTime desc'],
    ]);
    expect(lists[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(added).toHaveLength(5);
  });

  it('an incremental sync stops at the watermark and sees edits and new reviews', async () => {
    for (const n of [1, 2, 3, 4, 5]) {
      fake.addReview(location, {
        reviewId: `r${n}`,
        rating: 3,
        comment: `v1 ${n}`,
        createdAtMs: Date.UTC(2026, 0, n),
      });
    }
    const first = await listAll();
    const watermark = first.reviews
      .map((r) => r.updatedAt)
      .sort()
      .at(-1) as string;

    fake.editReview(location, 'r1', { rating: 1, comment: 'changed my mind' });
    fake.addReview(location, { reviewId: 'r6', rating: 5, comment: 'new' });
    const callsBefore = fake.admittedCalls;
    const second = await listAll(watermark);

    // r5 sits exactly on the watermark: equal times are listed again (an upsert), never skipped.
    expect(second.reviews.map((r) => r.externalId)).toEqual(['r6', 'r1', 'r5']);
    expect(second.reviews[1]).toMatchObject({ rating: 1, body: 'changed my mind' });
    expect(second.reviews[1]!.updatedAt > second.reviews[1]!.createdAt).toBe(true);
    expect(second.reached).toBe(true);
    // Two pages of five: paging stopped at the watermark instead of reading all three.
    expect(fake.admittedCalls - callsBefore).toBe(2);
  });

  it('an empty location lists nothing (Google leaves the empty reviews array out)', async () => {
    const page = await adapter.listChanges({ accessToken: token }, location, undefined, context);
    expect(page).toEqual({ reviews: [], reachedWatermark: false });
  });

  it('a bare location id with settings.accountId is the same location', async () => {
    fake.addReview(location, { reviewId: 'r1', rating: 4, comment: 'ok' });
    const page = await adapter.listChanges(
      { accessToken: token, settings: { accountId: '111' } },
      '222',
      undefined,
      context,
    );
    expect(page.reviews.map((r) => r.externalId)).toEqual(['r1']);
  });

  it('a review deleted between two pages makes the walk skip nothing else', async () => {
    for (const n of [1, 2, 3, 4, 5]) {
      fake.addReview(location, {
        reviewId: `r${n}`,
        rating: 4,
        comment: `${n}`,
        createdAtMs: Date.UTC(2026, 0, n),
      });
    }
    const first = await adapter.listChanges({ accessToken: token }, location, undefined, context);
    expect(first.reviews.map((r) => r.externalId)).toEqual(['r5', 'r4']);
    fake.deleteReview(location, 'r4');
    const second = await adapter.listChanges({ accessToken: token }, location, first.next, context);
    expect(second.reviews.map((r) => r.externalId)).toEqual(['r3', 'r2']);
  });

  it('a page token Google does not know is permanent (400 INVALID_ARGUMENT)', async () => {
    const error = await failureOf(
      adapter.listChanges({ accessToken: token }, location, { pageToken: 'bogus' }, context),
    );
    expect(error.failure).toMatchObject({
      kind: 'permanent',
      status: 400,
      reason: expect.stringMatching(/INVALID_ARGUMENT/),
    });
  });

  it('never asks for more than 50 a page, whatever it is configured with', async () => {
    const greedy = createGoogleAdapter({
      http: new FetchPlatformHttp(),
      baseUrl: fake.baseUrl,
      pageSize: 500,
    });
    await greedy.listChanges({ accessToken: token }, location, undefined, context);
    expect(fake.server.requests.at(-1)?.query.get('pageSize')).toBe('50');
  });

  it('the fake follows the documented paging limits (pageSize above 50 is INVALID_ARGUMENT)', async () => {
    const response = await fetch(`${fake.baseUrl}/v4/${location}/reviews?pageSize=51`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
  });
});

describe('reviews as Google sends them', () => {
  beforeEach(() => start());

  it('rating-only, anonymous and unrated reviews map without inventing data', async () => {
    fake.addReview(location, { reviewId: 'only-stars', rating: 4 });
    fake.addReview(location, { reviewId: 'anon', rating: 2, comment: 'meh', anonymous: true });
    fake.addReview(location, { reviewId: 'unrated', comment: 'no stars given' });
    const byId = new Map((await listAll()).reviews.map((r) => [r.externalId, r]));
    expect(byId.get('only-stars')).toMatchObject({ rating: 4, body: '', reviewerName: 'Alex Guest' });
    expect(byId.get('anon')).toMatchObject({ rating: 2, body: 'meh', reviewerName: 'Anonymous' });
    expect(byId.get('unrated')).toMatchObject({ body: 'no stars given' });
    expect(byId.get('unrated')).not.toHaveProperty('rating');
  });

  it('get returns the edited review, and undefined once it is deleted', async () => {
    fake.addReview(location, { reviewId: 'r1', rating: 5, comment: 'great' });
    fake.editReview(location, 'r1', { comment: null, rating: 3 });
    expect(await adapter.get({ accessToken: token }, location, 'r1', context)).toMatchObject({
      externalId: 'r1',
      rating: 3,
      body: '',
    });
    fake.deleteReview(location, 'r1');
    expect(await adapter.get({ accessToken: token }, location, 'r1', context)).toBeUndefined();
    expect((await listAll()).reviews).toEqual([]);
  });
});

describe('replies', () => {
  beforeEach(() => start());

  it('reply is an upsert, shows on the review, and can be deleted', async () => {
    fake.addReview(location, { reviewId: 'r1', rating: 5, comment: 'lovely day' });
    const credentials = { accessToken: token };
    expect(await adapter.reply(credentials, location, 'r1', 'Thank you!', context)).toEqual({
      state: 'published',
    });
    expect(fake.replyOf(location, 'r1')?.comment).toBe('Thank you!');
    await adapter.reply(credentials, location, 'r1', 'Thank you so much!', context);
    expect(fake.replyOf(location, 'r1')?.comment).toBe('Thank you so much!');
    const review = await adapter.get(credentials, location, 'r1', context);
    expect(review?.reply?.comment).toBe('Thank you so much!');
    expect(review?.reply?.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);

    await adapter.deleteReply(credentials, location, 'r1', context);
    expect(fake.replyOf(location, 'r1')).toBeUndefined();
    expect((await adapter.get(credentials, location, 'r1', context))?.reply).toBeUndefined();
    const puts = fake.server.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => JSON.parse(r.rawBody.toString()))).toEqual([
      { comment: 'Thank you!' },
      { comment: 'Thank you so much!' },
    ]);
  });

  it('refuses a reply over 4096 bytes before calling Google (multi-byte text counts in bytes)', async () => {
    fake.addReview(location, { reviewId: 'r1', rating: 5, comment: 'x' });
    expect(adapter.maxReplyLength).toBe(4096);
    const fits = 'é'.repeat(2048); // 4096 bytes
    await adapter.reply({ accessToken: token }, location, 'r1', fits, context);
    const before = fake.server.requests.length;
    const error = await failureOf(
      adapter.reply({ accessToken: token }, location, 'r1', 'é'.repeat(2049), context),
    );
    expect(error.failure).toMatchObject({ kind: 'permanent', reason: expect.stringMatching(/4098 bytes/) });
    expect(fake.server.requests.length).toBe(before);
  });

  it('a reply to a review Google does not have is permanent', async () => {
    const error = await failureOf(adapter.reply({ accessToken: token }, location, 'gone', 'hi', context));
    expect(error.failure).toMatchObject({ kind: 'permanent', status: 404 });
    expect(error.operation).toBe('reply');
  });
});

describe('faults are classified as documented', () => {
  const list = () => adapter.listChanges({ accessToken: token }, location, undefined, context);

  it('429 with Retry-After waits as told', async () => {
    await start();
    fake.server.fault(
      {
        kind: 'status',
        response: {
          status: 429,
          headers: { 'retry-after': '7' },
          json: { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } },
        },
      },
      1,
    );
    const error = await failureOf(list());
    expect(error.failure).toMatchObject({ kind: 'rate-limited', waitMs: 7000, window: 'minute' });
    expect(error.status).toBe(429);
  });

  it('the quota: past the configured requests a minute Google answers 429 without Retry-After', async () => {
    await start({ quotaPerMinute: 3 });
    for (let i = 0; i < 3; i += 1) await list();
    const error = await failureOf(list());
    expect(error.failure).toMatchObject({ kind: 'rate-limited', waitMs: 60_000, window: 'minute' });
    expect(fake.admittedCalls).toBe(3);
    expect(fake.rateLimitedCalls).toBe(1);
    expect(fake.maxRequestsInWindow(60_000)).toBe(4);
  });

  it('5xx is retry-later', async () => {
    await start();
    fake.server.fault(
      {
        kind: 'status',
        response: { status: 503, json: { error: { code: 503, message: 'down', status: 'UNAVAILABLE' } } },
      },
      1,
    );
    expect((await failureOf(list())).failure).toMatchObject({ kind: 'retry-later' });
    // The fault was one request long: the next call goes through.
    expect((await list()).reviews).toEqual([]);
  });

  it('a hang is a timeout, retry-later', async () => {
    await start({ timeoutMs: 400 });
    fake.server.fault({ kind: 'hang', hangMs: 5_000 }, 1);
    const error = await failureOf(list());
    expect(error.failure).toMatchObject({
      kind: 'retry-later',
      reason: expect.stringMatching(/no answer in 400 ms/),
    });
  });

  it('a body that drips in past the timeout is retry-later', async () => {
    await start({ timeoutMs: 400 });
    fake.server.fault({ kind: 'slow-body', totalMs: 3_000 }, 1);
    const error = await failureOf(list());
    expect(error.failure).toMatchObject({
      kind: 'retry-later',
      reason: expect.stringMatching(/body not complete/),
    });
  });

  it.each([
    ['html-200', /not JSON/],
    ['invalid-json', /not JSON/],
    ['reset', /connection failed|body read failed/],
  ] as const)('%s is retry-later', async (kind, reason) => {
    await start();
    fake.server.fault({ kind }, 1);
    expect((await failureOf(list())).failure).toMatchObject({
      kind: 'retry-later',
      reason: expect.stringMatching(reason),
    });
  });

  it('200 with JSON of another shape is retry-later, not a crash', async () => {
    await start();
    fake.server.fault({ kind: 'status', response: { status: 200, json: { reviews: [{ name: 42 }] } } }, 1);
    expect((await failureOf(list())).failure).toMatchObject({
      kind: 'retry-later',
      reason: expect.stringMatching(/unexpected response shape/),
    });
  });

  it('expired and revoked tokens are auth-expired (401 UNAUTHENTICATED)', async () => {
    await start();
    const expired = fake.server.issueToken(GOOGLE_BUSINESS_SCOPE, -1).token;
    const revoked = fake.server.issueToken(GOOGLE_BUSINESS_SCOPE);
    revoked.revoked = true;
    for (const accessToken of [expired, revoked.token, 'never-issued']) {
      const error = await failureOf(adapter.listChanges({ accessToken }, location, undefined, context));
      expect(error.failure).toMatchObject({
        kind: 'auth-expired',
        reason: expect.stringMatching(/UNAUTHENTICATED/),
      });
      expect(error.status).toBe(401);
    }
  });

  it('403 with the API disabled, or without the scope, is permanent', async () => {
    await start();
    fake.apiEnabled = false;
    expect((await failureOf(list())).failure).toMatchObject({
      kind: 'permanent',
      status: 403,
      reason: expect.stringMatching(/API is disabled/),
    });
    fake.apiEnabled = true;
    const narrow = fake.server.issueToken('openid email').token;
    expect(
      (await failureOf(adapter.listChanges({ accessToken: narrow }, location, undefined, context))).failure,
    ).toMatchObject({
      kind: 'permanent',
      status: 403,
      reason: expect.stringMatching(/business.manage scope/),
    });
  });

  it('an unknown location is permanent; an unknown review on get is undefined', async () => {
    await start();
    const error = await failureOf(
      adapter.listChanges({ accessToken: token }, 'accounts/111/locations/nope', undefined, context),
    );
    expect(error.failure).toMatchObject({ kind: 'permanent', status: 404 });
    expect(await adapter.get({ accessToken: token }, location, 'nope', context)).toBeUndefined();
  });
});

describe('Pub/Sub push notifications', () => {
  beforeEach(() => start());

  const push = (data: unknown, messageId = '1234567890', token = 'push-secret') => ({
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    query: { token },
    rawBody: Buffer.from(
      JSON.stringify({
        message: {
          data: Buffer.from(JSON.stringify(data)).toString('base64'),
          messageId,
          message_id: messageId,
          publishTime: '2026-12-03T11:00:00.000Z',
        },
        subscription: 'projects/p/subscriptions/wedsync-reviews',
      }),
    ),
  });
  const secrets = { pushToken: 'push-secret' };

  it('a push with the right token names the review, which is then fetched from Google', async () => {
    const review = fake.addReview(location, { reviewId: 'r9', rating: 5, comment: 'pushed' });
    const verdict = adapter.verifyNotification(
      push({ type: 'NEW_REVIEW', reviewName: review.name, locationName: location }),
      secrets,
    );
    expect(verdict).toEqual({
      kind: 'notification',
      notifications: [
        { locationId: location, externalIds: ['r9'], deletedExternalIds: [], dedupKey: 'google:1234567890' },
      ],
    });
    if (verdict.kind !== 'notification') throw new Error('unreachable');
    const notified = verdict.notifications[0]!;
    const fetched = await adapter.get(
      { accessToken: token },
      notified.locationId,
      notified.externalIds[0]!,
      context,
    );
    expect(fetched).toMatchObject({ externalId: 'r9', body: 'pushed' });
  });

  it('accepts the snake_case keys of the v1 docs too', () => {
    const verdict = adapter.verifyNotification(
      push({
        notification_type: 'UPDATED_REVIEW',
        review_name: `${location}/reviews/r1`,
        location_name: location,
      }),
      secrets,
    );
    expect(verdict).toMatchObject({ kind: 'notification', notifications: [{ externalIds: ['r1'] }] });
  });

  it('a replayed message gives the same dedup key; another message another key', () => {
    const data = { reviewName: `${location}/reviews/r1`, locationName: location };
    const key = (id: string) => {
      const verdict = adapter.verifyNotification(push(data, id), secrets);
      return verdict.kind === 'notification' ? verdict.notifications[0]?.dedupKey : verdict.kind;
    };
    expect(key('m-1')).toBe('google:m-1');
    expect(key('m-1')).toBe(key('m-1'));
    expect(key('m-2')).not.toBe(key('m-1'));
  });

  it('a wrong, missing or unconfigured token is 401; a non-review message is acknowledged with nothing to do', () => {
    const data = { reviewName: `${location}/reviews/r1` };
    expect(adapter.verifyNotification(push(data, 'm', 'wrong'), secrets)).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
    expect(adapter.verifyNotification({ ...push(data), query: {} }, secrets)).toMatchObject({
      kind: 'rejected',
      status: 401,
    });
    expect(adapter.verifyNotification(push(data), {})).toMatchObject({ kind: 'rejected', status: 401 });
    expect(
      adapter.verifyNotification(push({ type: 'NEW_QUESTION', locationName: location }), secrets),
    ).toEqual({
      kind: 'notification',
      notifications: [],
    });
  });

  it('bodies that are not a Pub/Sub push are 400', () => {
    const base = push({});
    expect(adapter.verifyNotification({ ...base, rawBody: Buffer.from('not json') }, secrets)).toMatchObject({
      kind: 'rejected',
      status: 400,
    });
    expect(
      adapter.verifyNotification(
        { ...base, rawBody: Buffer.from(JSON.stringify({ message: { data: 'e30=' } })) },
        secrets,
      ),
    ).toMatchObject({ kind: 'rejected', status: 400 });
    expect(adapter.verifyNotification(push({ reviewName: 'reviews/r1' }), secrets)).toMatchObject({
      kind: 'rejected',
      status: 400,
    });
    expect(adapter.verifyNotification({ ...base, method: 'GET' }, secrets)).toMatchObject({
      kind: 'rejected',
      status: 400,
    });
  });
});
