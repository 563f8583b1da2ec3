/**
 * The Trustpilot connector against the fake Trustpilot on 127.0.0.1, through the real
 * FetchPlatformHttp: paging, incremental listing, edits and deletions, replies, every fault
 * classified as documented, the rate limit, and webhook verification.
 */
import { FetchPlatformHttp } from '../../../src/platforms/adapters/fetch-platform-http';
import { createTrustpilotAdapter } from '../../../src/platforms/adapters/trustpilot';
import {
  isPlatformCallError,
  type CallContext,
  type ChangesPage,
  type PlatformAdapter,
  type PlatformFailure,
  type PlatformOperation,
  type PlatformReview,
  type SyncCursor,
} from '../../../src/platforms';
import { FakeTrustpilot } from '../../../local/platform-fakes/trustpilot';

const UNIT = 'bu-wedding-band';
const AUTHOR = 'business-user-7';
const TIMEOUT_MS = 800;

let fake: FakeTrustpilot;
let adapter: PlatformAdapter;
let token: string;

const context = (operation: PlatformOperation): CallContext => ({
  platform: 'trustpilot',
  operation,
  supplierId: 'sup-1',
  connectionId: 'con-1',
  correlationId: 'corr-1',
});
const credentials = (): { accessToken: string; settings: Record<string, string> } => ({
  accessToken: token,
  settings: { authorBusinessUserId: AUTHOR },
});

async function start(options: ConstructorParameters<typeof FakeTrustpilot>[0] = {}): Promise<void> {
  fake = new FakeTrustpilot(options);
  const baseUrl = await fake.start();
  adapter = createTrustpilotAdapter({
    http: new FetchPlatformHttp({ timeoutMs: TIMEOUT_MS }),
    baseUrl,
    perPage: 10,
  });
  fake.addBusinessUnit(UNIT);
  fake.addBusinessUser(UNIT, AUTHOR);
  token = fake.server.issueToken(AUTHOR).token;
}

/** Follows `next` until the listing ends; returns every page. */
async function listAll(cursor?: SyncCursor): Promise<ChangesPage[]> {
  const pages: ChangesPage[] = [];
  let next = cursor;
  do {
    const page = await adapter.listChanges(credentials(), UNIT, next, context('list'));
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

beforeEach(() => start());
afterEach(() => fake.close());

describe('listing', () => {
  it('pages through every review newest first, 10 per page, ending on the empty page', async () => {
    const added = Array.from({ length: 25 }, (_, i) => fake.addReview(UNIT, { stars: (i % 5) + 1 }));
    fake.addReview('another-unit');
    const pages = await listAll();
    expect(pages.map((p) => p.reviews.length)).toEqual([10, 10, 5, 0]);
    const ids = pages.flatMap((p) => p.reviews.map((r) => r.externalId));
    expect(ids).toEqual(added.map((r) => r.id).reverse());
    expect(pages.map((p) => p.next?.pageToken)).toEqual(['2', '3', '4', undefined]);
    expect(pages.every((p) => !p.reachedWatermark)).toBe(true);
    const query = fake.server.requests[0]?.query;
    expect(Object.fromEntries(query ?? [])).toEqual({ perPage: '10', page: '1', orderBy: 'createdat.desc' });
  });

  it('maps the private review: stars, title, text, consumer name, company reply; no email or order id', async () => {
    const review = fake.addReview(UNIT, {
      stars: 3,
      title: 'Okay',
      text: 'Fine band',
      consumerName: 'Pat',
      reply: { text: 'Thanks Pat', authorBusinessUserId: AUTHOR, createdAt: '2026-01-02T00:00:00.000Z' },
    });
    const [page] = await listAll();
    expect(page?.reviews[0]).toEqual<PlatformReview>({
      externalId: review.id,
      rating: 3,
      title: 'Okay',
      body: 'Fine band',
      reviewerName: 'Pat',
      createdAt: review.createdAt,
      updatedAt: review.createdAt,
      reply: { comment: 'Thanks Pat', updatedAt: '2026-01-02T00:00:00.000Z' },
      // The listing says whether the business replied (companyReply present or null).
      replyKnown: true,
    });
  });

  it('lists incrementally from the watermark with startDateTime and says when it reached it', async () => {
    const reviews = Array.from({ length: 15 }, () => fake.addReview(UNIT));
    const watermark = reviews[11]?.createdAt as string;
    const pages = await listAll({ watermark });
    expect(pages.flatMap((p) => p.reviews.map((r) => r.externalId))).toEqual(
      reviews
        .slice(11)
        .map((r) => r.id)
        .reverse(),
    );
    expect(pages.at(-1)?.reachedWatermark).toBe(true);
    expect(pages[0]?.next).toEqual({ pageToken: '2', watermark });
    expect(fake.server.requests.every((r) => r.query.get('startDateTime') === watermark)).toBe(true);
  });

  it('refuses a cursor that is not a page number without calling Trustpilot', async () => {
    await expect(
      failureOf(adapter.listChanges(credentials(), UNIT, { pageToken: 'x' }, context('list'))),
    ).resolves.toMatchObject({
      kind: 'permanent',
    });
    expect(fake.server.count()).toBe(0);
  });
});

describe('edits and deletions', () => {
  it('get returns the edited review, and undefined once it is deleted', async () => {
    const review = fake.addReview(UNIT, { stars: 5, text: 'Great' });
    fake.editReview(review.id, { stars: 2, text: 'Changed my mind' });
    const edited = await adapter.get(credentials(), UNIT, review.id, context('get'));
    expect(edited).toMatchObject({ rating: 2, body: 'Changed my mind', createdAt: review.createdAt });
    expect(edited && edited.updatedAt > edited.createdAt).toBe(true);

    fake.deleteReview(review.id);
    await expect(adapter.get(credentials(), UNIT, review.id, context('get'))).resolves.toBeUndefined();
  });

  it('refuses to hand over a review of another business unit', async () => {
    const foreign = fake.addReview('someone-else');
    await expect(
      failureOf(adapter.get(credentials(), UNIT, foreign.id, context('get'))),
    ).resolves.toMatchObject({
      kind: 'permanent',
    });
  });
});

describe('replies', () => {
  it('publishes a reply as the business user and deletes it', async () => {
    const review = fake.addReview(UNIT);
    await expect(
      adapter.reply(credentials(), UNIT, review.id, 'Thank you both!', context('reply')),
    ).resolves.toEqual({
      state: 'published',
    });
    expect(fake.replyOf(review.id)).toMatchObject({ text: 'Thank you both!', authorBusinessUserId: AUTHOR });
    expect((await adapter.get(credentials(), UNIT, review.id, context('get')))?.reply?.comment).toBe(
      'Thank you both!',
    );

    await adapter.deleteReply(credentials(), UNIT, review.id, context('delete-reply'));
    expect(fake.replyOf(review.id)).toBeUndefined();
  });

  it('is permanent without an authorBusinessUserId (no call) and on a review that is gone (404)', async () => {
    const review = fake.addReview(UNIT);
    const missing = await failureOf(
      adapter.reply({ accessToken: token }, UNIT, review.id, 'Hi', context('reply')),
    );
    expect(missing).toMatchObject({ kind: 'permanent' });
    // The reason names the missing setting and the call that sets it.
    expect(missing.reason).toMatch(/no authorBusinessUserId.*PATCH \/v1\/connections\//);
    expect(fake.server.count()).toBe(0);
    await expect(
      failureOf(adapter.reply(credentials(), UNIT, 'gone', 'Hi', context('reply'))),
    ).resolves.toMatchObject({
      kind: 'permanent',
      status: 404,
    });
  });
});

describe('the reply author, enforced like Trustpilot', () => {
  it('refuses a reply whose author is not a business user of the unit, and stores nothing', async () => {
    const review = fake.addReview(UNIT);
    fake.addBusinessUser('another-unit', 'someone-else');
    for (const author of ['someone-else', 'nobody']) {
      await expect(
        failureOf(
          adapter.reply(
            { accessToken: token, settings: { authorBusinessUserId: author } },
            UNIT,
            review.id,
            'Hi',
            context('reply'),
          ),
        ),
      ).resolves.toMatchObject({ kind: 'permanent', status: 400 });
    }
    expect(fake.replyOf(review.id)).toBeUndefined();
  });

  it('refuses a reply call that leaves the author out (the fake checks the wire, not our adapter)', async () => {
    const review = fake.addReview(UNIT);
    const response = await fetch(`${fake.server.baseUrl}/v1/private/reviews/${review.id}/reply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Hi' }),
    });
    expect(response.status).toBe(400);
    expect(fake.replyOf(review.id)).toBeUndefined();
  });
});

describe('faults', () => {
  const list = (): Promise<ChangesPage> =>
    adapter.listChanges(credentials(), UNIT, undefined, context('list'));

  it.each([
    [
      '429 with Retry-After',
      { kind: 'status', response: { status: 429, headers: { 'retry-after': '17' } } },
      { kind: 'rate-limited', waitMs: 17_000 },
    ],
    ['500', { kind: 'status', response: { status: 500, text: 'oops' } }, { kind: 'retry-later' }],
    [
      '503 with Retry-After',
      { kind: 'status', response: { status: 503, headers: { 'retry-after': '4' } } },
      { kind: 'retry-later', retryAfterMs: 4000 },
    ],
    ['a hang', { kind: 'hang', hangMs: 3000 }, { kind: 'retry-later' }],
    ['a slow body', { kind: 'slow-body', totalMs: 3000 }, { kind: 'retry-later' }],
    ['HTML with 200', { kind: 'html-200' }, { kind: 'retry-later' }],
    ['invalid JSON with 200', { kind: 'invalid-json' }, { kind: 'retry-later' }],
    ['a reset connection', { kind: 'reset' }, { kind: 'retry-later' }],
    [
      '403',
      { kind: 'status', response: { status: 403, json: { message: 'Forbidden' } } },
      { kind: 'permanent', status: 403 },
    ],
    [
      '400',
      { kind: 'status', response: { status: 400, json: { message: 'Bad' } } },
      { kind: 'permanent', status: 400 },
    ],
  ] as const)('%s is classified', async (_, fault, expected) => {
    fake.server.fault(fault, 1);
    await expect(failureOf(list())).resolves.toMatchObject(expected);
    // The fault was one request: the next call works.
    await expect(list()).resolves.toMatchObject({ reviews: [] });
  });

  it('a 200 with the wrong shape is retry-later, not a crash', async () => {
    fake.server.fault({ kind: 'status', response: { status: 200, json: { reviews: [{ id: 1 }] } } }, 1);
    await expect(failureOf(list())).resolves.toMatchObject({ kind: 'retry-later' });
  });

  it('an expired, revoked or unknown token is auth-expired', async () => {
    token = fake.server.issueToken(AUTHOR, -1).token;
    await expect(failureOf(list())).resolves.toMatchObject({ kind: 'auth-expired' });
    const revoked = fake.server.issueToken(AUTHOR);
    revoked.revoked = true;
    token = revoked.token;
    await expect(failureOf(list())).resolves.toMatchObject({ kind: 'auth-expired' });
    token = 'never-issued';
    await expect(failureOf(list())).resolves.toMatchObject({ kind: 'auth-expired' });
  });

  it('the rate limit answers 429 with Retry-After once spent, and counts only what it let through', async () => {
    await fake.close();
    await start({
      rateLimits: [
        { calls: 3, windowMs: 60_000 },
        { calls: 100, windowMs: 3_600_000 },
      ],
    });
    for (let i = 0; i < 3; i += 1) await list();
    const failure = await failureOf(list());
    expect(failure).toMatchObject({ kind: 'rate-limited', window: 'minute' });
    expect(failure.kind === 'rate-limited' && failure.waitMs).toBeGreaterThan(50_000);
    expect(failure.kind === 'rate-limited' && failure.waitMs).toBeLessThanOrEqual(60_000);
    expect(fake.countedCalls).toBe(3);
    expect(fake.peakCalls(60_000)).toBe(3);
    expect(fake.server.count()).toBe(4);
  });

  it('the hourly budget applies too, and its Retry-After says so', async () => {
    await fake.close();
    await start({
      rateLimits: [
        { calls: 100, windowMs: 60_000 },
        { calls: 2, windowMs: 3_600_000 },
      ],
    });
    await list();
    await list();
    const failure = await failureOf(list());
    expect(failure.kind === 'rate-limited' && failure.waitMs).toBeGreaterThan(3_500_000);
  });
});

describe('webhooks', () => {
  const secrets = { notificationToken: 'tp-path-token-0123456789abcdef', businessUnitId: UNIT };

  it('accepts the path token, returns ids to re-fetch, and the re-fetch (not the body) decides', async () => {
    const kept = fake.addReview(UNIT, { text: 'Real text' });
    const gone = fake.addReview(UNIT);
    const request = fake.notification(secrets.notificationToken, [
      { name: 'service-review-updated', reviewId: kept.id },
      { name: 'service-review-deleted', reviewId: gone.id },
    ]);
    fake.deleteReview(gone.id);
    const verdict = adapter.verifyNotification(request, secrets);
    if (verdict.kind !== 'notification') throw new Error(`rejected: ${JSON.stringify(verdict)}`);
    const [notification] = verdict.notifications;
    expect(notification).toMatchObject({
      locationId: UNIT,
      externalIds: [kept.id],
      deletedExternalIds: [gone.id],
    });
    expect((await adapter.get(credentials(), UNIT, kept.id, context('get')))?.body).toBe('Real text');
    await expect(adapter.get(credentials(), UNIT, gone.id, context('get'))).resolves.toBeUndefined();

    // Replayed: the same key, so the caller drops it.
    const again = adapter.verifyNotification(request, secrets);
    expect(again.kind === 'notification' && again.notifications[0]?.dedupKey).toBe(notification?.dedupKey);
  });

  it('rejects a wrong token (401) and a malformed body (400)', () => {
    const review = fake.addReview(UNIT);
    const wrong = fake.notification('tp-path-token-0123456789abcdeX', [
      { name: 'service-review-created', reviewId: review.id },
    ]);
    expect(adapter.verifyNotification(wrong, secrets)).toMatchObject({ kind: 'rejected', status: 401 });
    const malformed = {
      ...fake.notification(secrets.notificationToken, []),
      rawBody: Buffer.from('{"events":"x"}'),
    };
    expect(adapter.verifyNotification(malformed, secrets)).toMatchObject({ kind: 'rejected', status: 400 });
  });
});
