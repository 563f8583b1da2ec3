/**
 * The Facebook Pages connector against the fake Graph API on 127.0.0.1, through the real
 * FetchPlatformHttp: cursor paging, recommendations without stars, deletions, replies as comments,
 * errors classified by their code (12, 190, 4/32 throttling), usage headers, transport faults,
 * and webhook verification over the raw bytes.
 */
import { FetchPlatformHttp } from '../../../src/platforms/adapters/fetch-platform-http';
import { createFacebookAdapter } from '../../../src/platforms/adapters/facebook';
import {
  isPlatformCallError,
  type CallContext,
  type ChangesPage,
  type PlatformAdapter,
  type PlatformFailure,
  type PlatformOperation,
  type SyncCursor,
} from '../../../src/platforms';
import { FakeFacebook, type FakeFacebookOptions } from '../../../local/platform-fakes/facebook';

const PAGE = '1029384756';
const TIMEOUT_MS = 800;
const secrets = { appSecret: 'fb-app-secret-xyz', verifyToken: 'fb-verify-token-123' };

let fake: FakeFacebook;
let baseUrl: string;
let adapter: PlatformAdapter;
let token: string;

const context = (operation: PlatformOperation): CallContext => ({
  platform: 'facebook',
  operation,
  supplierId: 'sup-1',
  connectionId: 'con-1',
  correlationId: 'corr-1',
});
const credentials = (): { accessToken: string } => ({ accessToken: token });
const adapterFor = (graphVersion: string, pageSize = 10): PlatformAdapter =>
  createFacebookAdapter({
    http: new FetchPlatformHttp({ timeoutMs: TIMEOUT_MS }),
    graphVersion,
    baseUrl,
    pageSize,
    maxGetPages: 5,
  });

async function start(options: FakeFacebookOptions = {}): Promise<void> {
  fake = new FakeFacebook(options);
  baseUrl = await fake.start();
  fake.addPage(PAGE, 'Bloom Florists');
  adapter = adapterFor('v21.0');
  token = fake.server.issueToken(PAGE).token;
}

async function listAll(cursor?: SyncCursor): Promise<ChangesPage[]> {
  const pages: ChangesPage[] = [];
  let next = cursor;
  do {
    const page = await adapter.listChanges(credentials(), PAGE, next, context('list'));
    pages.push(page);
    next = page.next;
  } while (next);
  return pages;
}

async function failureOf(call: Promise<unknown>): Promise<PlatformFailure> {
  try {
    await call;
  } catch (error) {
    if (isPlatformCallError(error)) return error.failure;
    throw error;
  }
  throw new Error('the call succeeded');
}

const list = (): Promise<ChangesPage> => adapter.listChanges(credentials(), PAGE, undefined, context('list'));

beforeEach(() => start());
afterEach(() => fake.close());

describe('listing', () => {
  it('follows the after cursor newest first and stops where paging.next is absent', async () => {
    const added = Array.from({ length: 25 }, () => fake.addRating(PAGE));
    fake.addRating('another-page');
    const pages = await listAll();
    expect(pages.map((p) => p.reviews.length)).toEqual([10, 10, 5]);
    expect(pages.flatMap((p) => p.reviews.map((r) => r.externalId))).toEqual(
      added.map((r) => r.storyId).reverse(),
    );
    expect(pages.at(-1)?.next).toBeUndefined();
    const first = fake.server.requests[0];
    expect(first?.path).toBe(`/v21.0/${PAGE}/ratings`);
    expect(first?.query.get('fields')).toContain('recommendation_type');
    expect(first?.query.has('access_token')).toBe(false);
  });

  it('stores the recommendation, leaves the rating empty, keeps a legacy rating, tolerates no text', async () => {
    const negative = fake.addRating(PAGE, {
      recommendationType: 'negative',
      reviewText: undefined,
      reviewerName: 'Lee',
    });
    const legacy = fake.addRating(PAGE, { recommendationType: 'positive', rating: 4 });
    const [page] = await listAll();
    expect(page?.reviews).toEqual([
      {
        externalId: legacy.storyId,
        rating: 4,
        recommendation: 'positive',
        body: 'Wonderful photographer.',
        reviewerName: 'Sam Smith',
        createdAt: new Date(legacy.createdMs).toISOString(),
        updatedAt: new Date(legacy.createdMs).toISOString(),
      },
      {
        externalId: negative.storyId,
        recommendation: 'negative',
        body: '',
        reviewerName: 'Lee',
        createdAt: new Date(negative.createdMs).toISOString(),
        updatedAt: new Date(negative.createdMs).toISOString(),
      },
    ]);
  });

  it('neither skips nor repeats a rating when one is deleted between pages', async () => {
    const added = Array.from({ length: 20 }, () => fake.addRating(PAGE));
    const first = await adapter.listChanges(credentials(), PAGE, undefined, context('list'));
    fake.deleteRating(added[19]?.storyId as string); // on the first page already read
    const rest = await listAll(first.next);
    const ids = [...first.reviews, ...rest.flatMap((p) => p.reviews)].map((r) => r.externalId);
    expect(new Set(ids).size).toBe(20);
    expect(ids).toEqual(added.map((r) => r.storyId).reverse());
  });

  it('stops at the watermark and says so', async () => {
    const added = Array.from({ length: 15 }, () => fake.addRating(PAGE));
    const watermark = new Date(added[8]?.createdMs as number).toISOString();
    const pages = await listAll({ watermark });
    expect(pages.flatMap((p) => p.reviews.map((r) => r.externalId))).toEqual(
      added
        .slice(8)
        .map((r) => r.storyId)
        .reverse(),
    );
    expect(pages.at(-1)?.reachedWatermark).toBe(true);
  });

  it('reports the usage headers as a quota', async () => {
    await fake.close();
    await start({ pageBudget: { calls: 10, windowMs: 60_000 } });
    await list();
    await list();
    const page = await list();
    expect(page.quota).toEqual({ usedRatio: 0.3 });
  });
});

describe('get, edits and deletions', () => {
  it('finds a rating beyond the first page, sees its edit, and undefined once deleted', async () => {
    const target = fake.addRating(PAGE, { recommendationType: 'positive' });
    Array.from({ length: 15 }, () => fake.addRating(PAGE));
    fake.editRating(target.storyId, { recommendationType: 'negative', reviewText: 'Changed' });
    await expect(adapter.get(credentials(), PAGE, target.storyId, context('get'))).resolves.toMatchObject({
      externalId: target.storyId,
      recommendation: 'negative',
      body: 'Changed',
    });
    fake.deleteRating(target.storyId);
    await expect(adapter.get(credentials(), PAGE, target.storyId, context('get'))).resolves.toBeUndefined();
  });

  it('asks its caller before every page after the first (each is a call against the quota) and stops when refused', async () => {
    const target = fake.addRating(PAGE);
    Array.from({ length: 25 }, () => fake.addRating(PAGE));
    let asked = 0;
    const paced: CallContext = {
      ...context('get'),
      beforeFurtherCall: async () => {
        asked += 1;
      },
    };
    await expect(adapter.get(credentials(), PAGE, target.storyId, paced)).resolves.toMatchObject({
      externalId: target.storyId,
    });
    expect([fake.server.count(), asked]).toEqual([3, 2]);
    const refused: CallContext = {
      ...context('get'),
      beforeFurtherCall: () => Promise.reject(new Error('no token left')),
    };
    await expect(adapter.get(credentials(), PAGE, target.storyId, refused)).rejects.toThrow('no token left');
    expect(fake.server.count()).toBe(4);
  });

  it('gives up (permanent) rather than reading without end', async () => {
    Array.from({ length: 60 }, () => fake.addRating(PAGE));
    await expect(
      failureOf(adapter.get(credentials(), PAGE, 'not-there', context('get'))),
    ).resolves.toMatchObject({
      kind: 'permanent',
    });
    expect(fake.server.count()).toBe(5);
  });
});

describe('replies', () => {
  it('comments on the story, returns the comment id, and deletes that comment', async () => {
    const rating = fake.addRating(PAGE);
    const result = await adapter.reply(
      credentials(),
      PAGE,
      rating.storyId,
      'Thank you, Sam! 💐',
      context('reply'),
    );
    expect(result).toMatchObject({ state: 'published', replyId: expect.stringMatching(/.+/) });
    expect(fake.repliesOf(rating.storyId)).toEqual([
      { id: result.replyId, storyId: rating.storyId, fromId: PAGE, message: 'Thank you, Sam! 💐' },
    ]);
    await adapter.deleteReply(credentials(), PAGE, rating.storyId, context('delete-reply'), result.replyId);
    expect(fake.repliesOf(rating.storyId)).toEqual([]);
    // Deleting again: the comment is gone, which is what was asked.
    await adapter.deleteReply(credentials(), PAGE, rating.storyId, context('delete-reply'), result.replyId);
  });

  it("without a reply id, deletes the Page's own comments and leaves the reviewer's", async () => {
    const rating = fake.addRating(PAGE);
    const foreign = fake.addForeignComment(rating.storyId, 'u-reviewer', 'Thanks again!');
    await adapter.reply(credentials(), PAGE, rating.storyId, 'Our pleasure', context('reply'));
    await adapter.deleteReply(credentials(), PAGE, rating.storyId, context('delete-reply'));
    expect(fake.repliesOf(rating.storyId)).toEqual([foreign]);
  });

  it('a reply to a rating that is gone is permanent', async () => {
    await expect(
      failureOf(adapter.reply(credentials(), PAGE, '999', 'Hi', context('reply'))),
    ).resolves.toMatchObject({
      kind: 'permanent',
    });
  });
});

describe('platform errors, by code', () => {
  it('error 12 on v22+ (and when the fake switches it on for older versions) is unsupported', async () => {
    fake.addRating(PAGE);
    await expect(
      failureOf(adapterFor('v22.0').listChanges(credentials(), PAGE, undefined, context('list'))),
    ).resolves.toMatchObject({ kind: 'unsupported' });
    await expect(list()).resolves.toMatchObject({ reviews: [expect.anything()] });
    fake.ratingsRemoved = true;
    await expect(failureOf(list())).resolves.toMatchObject({ kind: 'unsupported' });
  });

  it('an expired, revoked or invalid Page token (code 190) needs the supplier to connect again', async () => {
    token = fake.server.issueToken(PAGE, -1).token;
    await expect(failureOf(list())).resolves.toMatchObject({ kind: 'reauth-required' });
    const revoked = fake.server.issueToken(PAGE);
    revoked.revoked = true;
    token = revoked.token;
    await expect(failureOf(list())).resolves.toMatchObject({ kind: 'reauth-required' });
    token = 'garbage';
    await expect(failureOf(list())).resolves.toMatchObject({ kind: 'reauth-required' });
  });

  it("another Page's token is a permission error (permanent)", async () => {
    token = fake.server.issueToken('other-page').token;
    await expect(failureOf(list())).resolves.toMatchObject({ kind: 'permanent' });
  });

  it('over the Page budget: code 32, rate-limited for the BUC estimate, usage at 100%', async () => {
    await fake.close();
    await start({ pageBudget: { calls: 2, windowMs: 10 * 60_000 } });
    await list();
    await list();
    const failure = await failureOf(list());
    expect(failure).toMatchObject({ kind: 'rate-limited', quota: { usedRatio: 1 } });
    // The window frees in about 10 minutes: the BUC header says 10 (whole minutes).
    expect(failure.kind === 'rate-limited' && failure.waitMs).toBeGreaterThan(9 * 60_000);
    expect(failure.kind === 'rate-limited' && failure.waitMs).toBeLessThanOrEqual(10 * 60_000 + 1000);
    expect(fake.callsFor(PAGE)).toBe(2);
  });

  it('over the app budget: code 4 arrives as a 403 and is still rate-limited', async () => {
    await fake.close();
    await start({ appBudget: { calls: 1, windowMs: 60_000 } });
    await list();
    const failure = await failureOf(list());
    expect(failure).toMatchObject({ kind: 'rate-limited' });
    expect(failure.kind === 'rate-limited' && failure.reason).toMatch(/error 4\b/);
  });
});

describe('transport faults', () => {
  it.each([
    ['500', { kind: 'status', response: { status: 500, text: '' } }, 'retry-later'],
    [
      '500 with error code 2',
      {
        kind: 'status',
        response: { status: 500, json: { error: { code: 2, message: 'Service temporarily unavailable' } } },
      },
      'retry-later',
    ],
    ['a hang', { kind: 'hang', hangMs: 3000 }, 'retry-later'],
    ['a slow body', { kind: 'slow-body', totalMs: 3000 }, 'retry-later'],
    ['HTML with 200', { kind: 'html-200' }, 'retry-later'],
    ['invalid JSON with 200', { kind: 'invalid-json' }, 'retry-later'],
    [
      'a 200 of the wrong shape',
      { kind: 'status', response: { status: 200, json: { data: 'nope' } } },
      'retry-later',
    ],
    ['429 without a Graph body', { kind: 'status', response: { status: 429, text: '' } }, 'rate-limited'],
  ] as const)('%s is classified as documented', async (_, fault, kind) => {
    fake.server.fault(fault, 1);
    await expect(failureOf(list())).resolves.toMatchObject({ kind });
    await expect(list()).resolves.toMatchObject({ reviews: [] });
  });
});

describe('webhooks', () => {
  it('answers the challenge with the right verify token only', () => {
    expect(
      adapter.verifyNotification(fake.challengeRequest(secrets.verifyToken, '8675309'), secrets),
    ).toEqual({
      kind: 'challenge',
      answer: '8675309',
    });
    expect(adapter.verifyNotification(fake.challengeRequest('fb-verify-token-124'), secrets)).toMatchObject({
      kind: 'rejected',
      status: 403,
    });
  });

  it('verifies a signed body with escaped unicode over its raw bytes; the re-fetch gives the review', async () => {
    const rating = fake.addRating(PAGE, { reviewText: 'Zoë loved it 🎉' });
    const request = fake.notification(secrets.appSecret, [{ pageId: PAGE, storyIds: [rating.storyId] }]);
    expect(request.rawBody.toString('utf8')).toContain('Zo\\u00eb');
    const verdict = adapter.verifyNotification(request, secrets);
    if (verdict.kind !== 'notification') throw new Error(`rejected: ${JSON.stringify(verdict)}`);
    expect(verdict.notifications).toEqual([
      {
        locationId: PAGE,
        externalIds: [rating.storyId],
        deletedExternalIds: [],
        dedupKey: expect.any(String),
      },
    ]);
    await expect(adapter.get(credentials(), PAGE, rating.storyId, context('get'))).resolves.toMatchObject({
      body: 'Zoë loved it 🎉',
    });
    const replayed = adapter.verifyNotification(request, secrets);
    expect(replayed).toEqual(verdict);
  });

  it('accepts review_id as the id field too', () => {
    const request = fake.notification(
      secrets.appSecret,
      [{ pageId: PAGE, storyIds: ['55'] }],
      'good',
      'review_id',
    );
    expect(adapter.verifyNotification(request, secrets)).toMatchObject({
      kind: 'notification',
      notifications: [{ externalIds: ['55'] }],
    });
  });

  it.each(['wrong-secret', 'tampered', 'missing', 'sha1-only'] as const)(
    'rejects a %s signature with 401',
    (mode) => {
      const request = fake.notification(secrets.appSecret, [{ pageId: PAGE, storyIds: ['1'] }], mode);
      expect(adapter.verifyNotification(request, secrets)).toMatchObject({ kind: 'rejected', status: 401 });
    },
  );

  it('rejects a well-signed malformed body with 400', () => {
    for (const raw of [
      '{"object":"page","entry":[{',
      '{"object":"page","entry":[{"id":"1"}]}',
      '<html></html>',
    ]) {
      expect(adapter.verifyNotification(fake.signedRequest(secrets.appSecret, raw), secrets)).toMatchObject({
        kind: 'rejected',
        status: 400,
      });
    }
  });
});
