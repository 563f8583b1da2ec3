/**
 * The Yelp adapter against the fake Yelp (local/platform-fakes/yelp.ts) over real HTTP on
 * 127.0.0.1, through the production FetchPlatformHttp: the three excerpts, the `RateLimit-*`
 * headers read on every answer, both kinds of 429, every fault classified, malformed items as a
 * classified failure, and no replies or notifications.
 */
import { FetchPlatformHttp } from '../../../src/platforms/adapters/fetch-platform-http';
import { createYelpAdapter } from '../../../src/platforms/adapters/yelp';
import { isPlatformCallError } from '../../../src/platforms';
import type { CallContext, PlatformAdapter, PlatformCallError, QuotaReport } from '../../../src/platforms';
import { FakeYelp } from '../../../local/platform-fakes/yelp';

jest.setTimeout(30_000);

const context: CallContext = {
  platform: 'yelp',
  operation: 'list',
  supplierId: 'sup_1',
  connectionId: 'con_1',
  correlationId: 'cor_1',
};
const BUSINESS = 'the-grand-barn-york';
/** 2026-12-03 11:00 UTC: the fake's and the adapter's clock (daily and per-second windows). */
let clock = Date.UTC(2026, 11, 3, 11, 0, 0);

let fake: FakeYelp;
let adapter: PlatformAdapter;
let apiKey: string;
let quotas: QuotaReport[];

async function start(options: { dailyLimit?: number; perSecond?: number; timeoutMs?: number } = {}) {
  clock = Date.UTC(2026, 11, 3, 11, 0, 0);
  fake = new FakeYelp({
    dailyLimit: options.dailyLimit ?? 300,
    perSecond: options.perSecond ?? 50,
    now: () => clock,
  });
  await fake.start();
  quotas = [];
  adapter = createYelpAdapter({
    http: new FetchPlatformHttp({ timeoutMs: options.timeoutMs ?? 2_000 }),
    baseUrl: fake.baseUrl,
    onQuota: (quota) => quotas.push(quota),
    now: () => clock,
  });
  apiKey = fake.issueApiKey();
  fake.addBusiness(BUSINESS);
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

const list = (watermark?: string) =>
  adapter.listChanges({ accessToken: apiKey }, BUSINESS, watermark ? { watermark } : undefined, context);

describe('excerpts', () => {
  beforeEach(() => start());

  it('at most three excerpts, newest first, each marked excerpt, with the quota of the answer', async () => {
    const long =
      'We booked the barn for our wedding in June and everything about the day was perfect. '.repeat(4);
    for (const [n, text] of [
      [1, 'fine'],
      [2, 'good'],
      [3, 'great'],
      [4, long],
      [5, 'superb'],
    ] as const) {
      fake.addReview(BUSINESS, {
        id: `y${n}`,
        rating: n,
        text,
        userName: `Guest ${n}`,
        createdAtMs: Date.UTC(2026, 6, n, 18, 30, 0),
      });
    }
    const page = await list();
    expect(page.reviews.map((r) => r.externalId)).toEqual(['y5', 'y4', 'y3']);
    expect(page.reviews.every((r) => r.excerpt === true)).toBe(true);
    expect(page.reviews[1]!.body.endsWith('...')).toBe(true);
    expect(page.reviews[1]!.body.length).toBeLessThan(long.length);
    expect(page.reviews[0]).toEqual({
      externalId: 'y5',
      rating: 5,
      body: 'superb',
      reviewerName: 'Guest 5',
      // Yelp writes Pacific time ("2026-07-05 11:30:00", PDT): read back as the same instant.
      createdAt: '2026-07-05T18:30:00.000Z',
      updatedAt: '2026-07-05T18:30:00.000Z',
      excerpt: true,
      url: `https://www.yelp.com/biz/${BUSINESS}?hrid=y5`,
    });
    expect(page.next).toBeUndefined();
    expect(page.reachedWatermark).toBe(false);
    expect(page.quota).toEqual({
      limit: 300,
      remaining: 299,
      resetAt: '2026-12-04T00:00:00.000Z',
      usedRatio: 1 / 300,
    });
    expect(fake.server.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('one page only: with a watermark the incremental sync is done after it', async () => {
    fake.addReview(BUSINESS, { id: 'y1', rating: 4, text: 'nice', userName: 'A' });
    const page = await list('2026-01-01T00:00:00.000Z');
    expect(page).toMatchObject({ reachedWatermark: true });
    expect(page.next).toBeUndefined();
    expect(fake.server.requests).toHaveLength(1);
  });

  it('edits and deletions show in the next listing; a review without a user is Anonymous', async () => {
    fake.addReview(BUSINESS, {
      id: 'old',
      rating: 2,
      text: 'first',
      userName: 'A',
      createdAtMs: clock - 3_000,
    });
    fake.addReview(BUSINESS, { id: 'mid', rating: 3, text: 'second', createdAtMs: clock - 2_000 });
    fake.addReview(BUSINESS, {
      id: 'new',
      rating: 4,
      text: 'third',
      userName: 'C',
      createdAtMs: clock - 1_000,
    });
    fake.addReview(BUSINESS, { id: 'newest', rating: 5, text: 'fourth', userName: 'D', createdAtMs: clock });
    expect((await list()).reviews.map((r) => r.externalId)).toEqual(['newest', 'new', 'mid']);
    expect((await list()).reviews[2]).toMatchObject({ reviewerName: 'Anonymous', body: 'second' });

    fake.editReview(BUSINESS, 'new', { text: 'third, edited', rating: 3 });
    fake.deleteReview(BUSINESS, 'newest');
    const after = (await list()).reviews;
    expect(after.map((r) => r.externalId)).toEqual(['new', 'mid', 'old']);
    expect(after[0]).toMatchObject({ body: 'third, edited', rating: 3 });
  });

  it('get finds a review among the excerpts; an unknown business means gone; outside the excerpts is not "gone"', async () => {
    fake.addReview(BUSINESS, { id: 'y1', rating: 5, text: 'lovely', userName: 'A' });
    expect(await adapter.get({ accessToken: apiKey }, BUSINESS, 'y1', context)).toMatchObject({
      externalId: 'y1',
    });
    expect(await adapter.get({ accessToken: apiKey }, 'no-such-business', 'y1', context)).toBeUndefined();
    const error = await failureOf(adapter.get({ accessToken: apiKey }, BUSINESS, 'y-other', context));
    expect(error.failure).toMatchObject({ kind: 'permanent', reason: expect.stringMatching(/not among/) });
    // Every answer's quota went to onQuota, the 404 included.
    expect(quotas.map((q) => q.remaining)).toEqual([299, 298, 297]);
  });

  it('an unknown business on list is permanent (404 BUSINESS_NOT_FOUND)', async () => {
    const error = await failureOf(adapter.listChanges({ accessToken: apiKey }, 'nope', undefined, context));
    expect(error.failure).toMatchObject({
      kind: 'permanent',
      status: 404,
      reason: expect.stringMatching(/BUSINESS_NOT_FOUND/),
    });
  });
});

describe('quota', () => {
  it('the daily limit: 429 ACCESS_LIMIT_REACHED waits until RateLimit-ResetTime, then calls work again', async () => {
    await start({ dailyLimit: 3 });
    const remaining: (number | undefined)[] = [];
    for (let i = 0; i < 3; i += 1) remaining.push((await list()).quota?.remaining);
    expect(remaining).toEqual([2, 1, 0]);
    const error = await failureOf(list());
    expect(error.status).toBe(429);
    expect(error.failure).toEqual({
      kind: 'rate-limited',
      reason: expect.stringMatching(/ACCESS_LIMIT_REACHED/),
      window: 'day',
      waitMs: Date.UTC(2026, 11, 4) - clock, // 13 h to midnight UTC
      quota: { limit: 3, remaining: 0, resetAt: '2026-12-04T00:00:00.000Z', usedRatio: 1 },
    });
    expect(fake.callsToday(apiKey)).toBe(3);
    clock = Date.UTC(2026, 11, 4, 0, 0, 1);
    expect((await list()).quota).toMatchObject({ remaining: 2, resetAt: '2026-12-05T00:00:00.000Z' });
  });

  it('per-second throttling: 429 TOO_MANY_REQUESTS_PER_SECOND is a short wait', async () => {
    await start({ perSecond: 2 });
    await list();
    await list();
    const error = await failureOf(list());
    expect(error.failure).toMatchObject({
      kind: 'rate-limited',
      window: 'second',
      waitMs: 1000,
      reason: expect.stringMatching(/TOO_MANY_REQUESTS_PER_SECOND/),
    });
    // A throttled call does not count against the day.
    expect(fake.callsToday(apiKey)).toBe(2);
    clock += 1_000;
    await expect(list()).resolves.toMatchObject({ reviews: [] });
    expect(fake.maxRequestsInWindow(1_000)).toBeGreaterThanOrEqual(3);
  });

  it('a Retry-After on the per-second 429 is honoured', async () => {
    await start();
    fake.server.fault(
      {
        kind: 'status',
        response: {
          status: 429,
          headers: { 'retry-after': '3' },
          json: { error: { code: 'TOO_MANY_REQUESTS_PER_SECOND', description: 'slow down' } },
        },
      },
      1,
    );
    expect((await failureOf(list())).failure).toMatchObject({
      kind: 'rate-limited',
      window: 'second',
      waitMs: 3000,
    });
  });
});

describe('faults are classified as documented', () => {
  it('5xx is retry-later', async () => {
    await start();
    fake.server.fault({ kind: 'status', response: { status: 502, text: 'Bad Gateway' } }, 1);
    expect((await failureOf(list())).failure).toMatchObject({ kind: 'retry-later' });
  });

  it('a hang and a slow body are timeouts, retry-later', async () => {
    await start({ timeoutMs: 400 });
    fake.server.fault({ kind: 'hang', hangMs: 5_000 }, 1);
    expect((await failureOf(list())).failure).toMatchObject({
      kind: 'retry-later',
      reason: expect.stringMatching(/no answer/),
    });
    fake.server.fault({ kind: 'slow-body', totalMs: 3_000 }, 1);
    expect((await failureOf(list())).failure).toMatchObject({
      kind: 'retry-later',
      reason: expect.stringMatching(/body not complete/),
    });
  });

  it.each(['html-200', 'invalid-json'] as const)('%s is retry-later', async (kind) => {
    await start();
    fake.server.fault({ kind }, 1);
    expect((await failureOf(list())).failure).toMatchObject({
      kind: 'retry-later',
      reason: expect.stringMatching(/not JSON/),
    });
  });

  it.each([
    ['a review without an id', { id: '', rating: 5, text: 'x', time_created: '2026-01-01 10:00:00' }],
    ['a rating of 7', { id: 'a', rating: 7, text: 'x', time_created: '2026-01-01 10:00:00' }],
    ['a time that is not a time', { id: 'a', rating: 5, text: 'x', time_created: 'yesterday' }],
  ])('a malformed item (%s) is a classified failure, not a crash', async (_name, item) => {
    await start();
    fake.server.fault({ kind: 'status', response: { status: 200, json: { reviews: [item], total: 1 } } }, 1);
    expect((await failureOf(list())).failure).toMatchObject({
      kind: 'retry-later',
      reason: expect.stringMatching(/unexpected response shape \(reviews\.0\./),
    });
  });

  it('an expired, revoked or unknown API key is auth-expired (401)', async () => {
    await start();
    const expired = fake.server.issueToken('yelp-api-key', -1).token;
    const revoked = fake.server.issueToken('yelp-api-key');
    revoked.revoked = true;
    for (const accessToken of [expired, revoked.token, 'not-a-key']) {
      const error = await failureOf(adapter.listChanges({ accessToken }, BUSINESS, undefined, context));
      expect(error.failure).toMatchObject({
        kind: 'auth-expired',
        reason: expect.stringMatching(/TOKEN_INVALID/),
      });
      expect(error.status).toBe(401);
    }
  });

  it('403 is permanent', async () => {
    await start();
    fake.server.fault(
      {
        kind: 'status',
        response: { status: 403, json: { error: { code: 'AUTHORIZATION_ERROR', description: 'no access' } } },
      },
      1,
    );
    expect((await failureOf(list())).failure).toMatchObject({ kind: 'permanent', status: 403 });
  });
});

describe('what Yelp does not offer', () => {
  beforeEach(() => start());

  it('replying is not supported: permanent, and nothing is sent', async () => {
    expect(adapter.supportsReplies).toBe(false);
    for (const call of [
      adapter.reply({ accessToken: apiKey }, BUSINESS, 'y1', 'Thanks', context),
      adapter.deleteReply({ accessToken: apiKey }, BUSINESS, 'y1', context),
    ]) {
      expect((await failureOf(call)).failure).toMatchObject({
        kind: 'permanent',
        reason: expect.stringMatching(/not supported by the platform/),
      });
    }
    expect(fake.server.requests).toHaveLength(0);
  });

  it('notifications are rejected', () => {
    expect(
      adapter.verifyNotification({ method: 'POST', headers: {}, query: {}, rawBody: Buffer.from('{}') }, {}),
    ).toMatchObject({ kind: 'rejected', status: 400 });
  });
});
