/**
 * The HTTP API end to end through the local gateway (same handlers as Lambda), DynamoDB Local
 * and the SQS emulator: the happy paths, tenancy, and every kind of bad input.
 */
import { signReviewToken } from '../../src/access/domain/review-token';
import { countReviews, eventually, startTestStack, type TestStack } from './support/stack';

jest.setTimeout(15_000);

let stack: TestStack;
let supplierA: { supplierId: string; apiKey: string };
let supplierB: { supplierId: string; apiKey: string };

const review = (overrides: Record<string, unknown> = {}) => ({
  rating: 5,
  title: 'Wonderful florist',
  body: 'The bouquets were exactly what we wanted.',
  reviewerName: 'Sam & Alex',
  ...overrides,
});

beforeAll(async () => {
  stack = await startTestStack();
  supplierA = await stack.newSupplier('Rose & Co');
  supplierB = await stack.newSupplier('Other Supplier');
}, 120_000); // starting the emulators and the function threads takes long on a loaded machine

afterAll(async () => {
  await stack?.cleanup();
});

describe('review requests and couple submissions', () => {
  // Creating requests, the e-mailed link and verification: test/integration/review-requests.test.ts.
  it('rejects expired, tampered and foreign tokens with 401', async () => {
    const ring = (JSON.parse(stack.env.WEDSYNC_LOCAL_SECRETS!) as Record<string, string[]>)[
      stack.env.SECRET_ID_REVIEW_TOKEN_KEY!
    ]!;
    const expired = signReviewToken(
      {
        supplierId: supplierA.supplierId,
        requestId: 'rrq_x',
        expiresAt: new Date(Date.now() - 1000),
        delivery: 'email',
      },
      ring,
    );
    const foreign = signReviewToken(
      {
        supplierId: supplierA.supplierId,
        requestId: 'rrq_x',
        expiresAt: new Date(Date.now() + 60_000),
        delivery: 'email',
      },
      ['another-key'],
    );
    const valid = signReviewToken(
      {
        supplierId: supplierA.supplierId,
        requestId: 'rrq_y',
        expiresAt: new Date(Date.now() + 60_000),
        delivery: 'email',
      },
      ring,
    );
    const tampered = valid.replace(/^wrt_./, (m) => (m.endsWith('e') ? 'wrt_f' : 'wrt_e'));
    for (const token of [expired, foreign, tampered, 'wrt_garbage']) {
      const response = await stack.call('POST', '/v1/reviews', { key: token, body: review() });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('does not let a review link read data (403)', async () => {
    const created = await stack.call('POST', '/v1/review-requests', {
      key: supplierA.apiKey,
      body: { coupleName: 'Jo & Max', weddingDate: '2026-06-20', delivery: 'link' },
    });
    const response = await stack.call('GET', '/v1/reviews', { key: String(created.json.token) });
    expect(response.status).toBe(403);
  });
});

describe('supplier imports, reads, filters and summary', () => {
  const imported = [
    { platform: 'google', externalId: 'g-1', rating: 5, submittedAt: '2026-01-10T10:00:00Z' },
    { platform: 'google', externalId: 'g-2', rating: 2, submittedAt: '2026-02-10T10:00:00Z' },
    { platform: 'facebook', externalId: 'f-1', rating: 4, submittedAt: '2026-03-10T10:00:00Z' },
    { platform: 'weddingwire', externalId: 'w-1', rating: 5, submittedAt: '2026-04-10T10:00:00+02:00' },
    { platform: 'google', externalId: 'g-3', rating: 5, submittedAt: '2026-05-10T10:00:00Z' },
  ];
  let supplier: { supplierId: string; apiKey: string };
  const ids: string[] = [];

  beforeAll(async () => {
    supplier = await stack.newSupplier('Importer');
    for (const item of imported) {
      const response = await stack.call('POST', '/v1/reviews', { key: supplier.apiKey, body: review(item) });
      expect(response.status).toBe(202);
      ids.push(String(response.json.reviewId));
    }
    const keyed = await stack.call('POST', '/v1/reviews', {
      key: supplier.apiKey,
      body: review({ rating: 3, submittedAt: '2026-06-10T10:00:00Z' }),
      headers: { 'idempotency-key': 'order-77' },
    });
    expect(keyed.status).toBe(202);
    ids.push(String(keyed.json.reviewId));
    await eventually(
      async () => (await countReviews(stack, supplier.supplierId)) === 6,
      'six reviews stored',
    );
  });

  it('gives the same id for the same natural key or Idempotency-Key', async () => {
    const again = await stack.call('POST', '/v1/reviews', {
      key: supplier.apiKey,
      body: review(imported[0]),
    });
    expect(again.json.reviewId).toBe(ids[0]);
    // The same key with the same body: the first answer again (IETF Idempotency-Key semantics).
    const keyed = await stack.call('POST', '/v1/reviews', {
      key: supplier.apiKey,
      body: review({ rating: 3, submittedAt: '2026-06-10T10:00:00Z' }),
      headers: { 'idempotency-key': 'order-77' },
    });
    expect(keyed.json.reviewId).toBe(ids[5]);
    expect(keyed.headers.get('idempotent-replayed')).toBe('true');
  });

  it('lists newest first with filters and an opaque cursor', async () => {
    const all = await stack.call('GET', '/v1/reviews', { key: supplier.apiKey });
    const items = all.json.items as { reviewId: string; reviewedAt: string }[];
    expect(items.map((i) => i.reviewId)).toEqual([...ids].reverse());
    expect(items[2]!.reviewedAt).toBe('2026-04-10T08:00:00.000Z');

    const google = await stack.call('GET', '/v1/reviews?platform=google', { key: supplier.apiKey });
    expect((google.json.items as unknown[]).length).toBe(3);
    const googleFives = await stack.call('GET', '/v1/reviews?platform=google&rating=5', {
      key: supplier.apiKey,
    });
    expect((googleFives.json.items as { externalId: string }[]).map((i) => i.externalId)).toEqual([
      'g-3',
      'g-1',
    ]);
    const fives = await stack.call('GET', '/v1/reviews?rating=5', { key: supplier.apiKey });
    expect((fives.json.items as unknown[]).length).toBe(3);
    const spring = await stack.call('GET', '/v1/reviews?from=2026-02-01&to=2026-04-10', {
      key: supplier.apiKey,
    });
    expect((spring.json.items as { externalId: string }[]).map((i) => i.externalId)).toEqual([
      'w-1',
      'f-1',
      'g-2',
    ]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.call('GET', `/v1/reviews?limit=4${cursor ? `&cursor=${cursor}` : ''}`, {
        key: supplier.apiKey,
      });
      expect(page.status).toBe(200);
      seen.push(...(page.json.items as { reviewId: string }[]).map((i) => i.reviewId));
      cursor = page.json.nextCursor as string | undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('summarises count, average and counts by rating and platform', async () => {
    const summary = await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey });
    expect(summary.json).toEqual({
      count: 6,
      // Every review here has stars: all are rated, none is a recommendation, none removed.
      ratedCount: 6,
      averageRating: 4,
      byRating: { '1': 0, '2': 1, '3': 1, '4': 1, '5': 3 },
      byRecommendation: { positive: 0, negative: 0 },
      removedCount: 0,
      byPlatform: { google: 3, facebook: 1, weddingwire: 1, wedsync: 1 },
    });
  });

  it('keeps suppliers apart: another supplier gets 404 and an empty list', async () => {
    const foreign = await stack.call('GET', `/v1/reviews/${ids[0]}`, { key: supplierB.apiKey });
    expect(foreign.status).toBe(404);
    const list = await stack.call('GET', '/v1/reviews', { key: supplierB.apiKey });
    expect(list.json.items).toEqual([]);
    const mine = await stack.call('GET', '/v1/reviews?limit=1', { key: supplier.apiKey });
    const stolenCursor = await stack.call('GET', `/v1/reviews?cursor=${mine.json.nextCursor}`, {
      key: supplierB.apiKey,
    });
    expect(stolenCursor.status).toBe(400);
  });
});

describe('bad input: a clear 4xx problem and nothing changed', () => {
  // Nothing drains the ingest queue during these cases (earlier tests' messages would otherwise
  // be consumed concurrently), so an unchanged depth really means nothing was queued.
  beforeAll(async () => {
    await stack.workers.pause('Ingest');
  });
  afterAll(async () => {
    await stack.workers.resume('Ingest');
  });

  const post = (init: Parameters<TestStack['call']>[2]) => stack.call('POST', '/v1/reviews', init);
  const big = 'x'.repeat(70 * 1024);
  const cases: [string, () => ReturnType<TestStack['call']>, number, string[]?][] = [
    [
      'malformed JSON',
      () =>
        post({
          key: supplierA.apiKey,
          raw: '{"rating": 5,',
          headers: { 'content-type': 'application/json' },
        }),
      400,
    ],
    [
      'truncated JSON',
      () =>
        post({
          key: supplierA.apiKey,
          raw: '{"rating":5,"title":"a',
          headers: { 'content-type': 'application/json' },
        }),
      400,
    ],
    [
      'wrong content type',
      () =>
        post({
          key: supplierA.apiKey,
          raw: 'rating=5',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      415,
    ],
    ['no content type', () => post({ key: supplierA.apiKey, raw: '{}' }), 415],
    [
      'empty body',
      () => post({ key: supplierA.apiKey, raw: '', headers: { 'content-type': 'application/json' } }),
      400,
    ],
    ['an array', () => post({ key: supplierA.apiKey, body: [review()] }), 400],
    ['a JSON string', () => post({ key: supplierA.apiKey, body: 'review' }), 400],
    ['body over the limit', () => post({ key: supplierA.apiKey, body: review({ body: big }) }), 413],
    [
      'missing fields',
      () => post({ key: supplierA.apiKey, body: {} }),
      422,
      ['rating', 'title', 'body', 'reviewerName'],
    ],
    [
      'extra fields',
      () =>
        post({ key: supplierA.apiKey, body: review({ platform: 'google', externalId: 'x', admin: true }) }),
      422,
      ['admin'],
    ],
    [
      'rating 0',
      () => post({ key: supplierA.apiKey, body: review({ rating: 0, platform: 'google', externalId: 'x' }) }),
      422,
      ['rating'],
    ],
    [
      'rating 6',
      () => post({ key: supplierA.apiKey, body: review({ rating: 6, platform: 'google', externalId: 'x' }) }),
      422,
      ['rating'],
    ],
    [
      'rating 4.5',
      () =>
        post({ key: supplierA.apiKey, body: review({ rating: 4.5, platform: 'google', externalId: 'x' }) }),
      422,
      ['rating'],
    ],
    [
      'rating "5"',
      () =>
        post({ key: supplierA.apiKey, body: review({ rating: '5', platform: 'google', externalId: 'x' }) }),
      422,
      ['rating'],
    ],
    [
      'title too long',
      () =>
        post({
          key: supplierA.apiKey,
          body: review({ title: 't'.repeat(201), platform: 'google', externalId: 'x' }),
        }),
      422,
      ['title'],
    ],
    [
      'blank name',
      () =>
        post({
          key: supplierA.apiKey,
          body: review({ reviewerName: '   ', platform: 'google', externalId: 'x' }),
        }),
      422,
      ['reviewerName'],
    ],
    [
      'unknown platform',
      () => post({ key: supplierA.apiKey, body: review({ platform: 'myspace', externalId: 'x' }) }),
      422,
      ['platform'],
    ],
    [
      'externalId without platform',
      () => post({ key: supplierA.apiKey, body: review({ externalId: 'x' }) }),
      422,
      ['externalId'],
    ],
    ['import without any key', () => post({ key: supplierA.apiKey, body: review() }), 422, ['externalId']],
    [
      '__proto__ key',
      () =>
        post({
          key: supplierA.apiKey,
          raw: '{"__proto__":{"admin":true},"rating":5}',
          headers: { 'content-type': 'application/json' },
        }),
      400,
    ],
    [
      'constructor key',
      () =>
        post({
          key: supplierA.apiKey,
          raw: '{"rating":5,"nested":{"constructor":{}}}',
          headers: { 'content-type': 'application/json' },
        }),
      400,
    ],
    ['no credentials', () => post({ body: review() }), 401],
    [
      'an unknown API key',
      () => post({ key: `wsk_key_${'0'.repeat(26)}_${'A'.repeat(43)}`, body: review() }),
      401,
    ],
    ['a junk credential', () => post({ key: 'hello', body: review() }), 401],
    ['unknown route', () => stack.call('GET', '/v1/nothing-here', { key: supplierA.apiKey }), 404],
    ['wrong method', () => stack.call('DELETE', '/v1/reviews', { key: supplierA.apiKey }), 405],
    [
      'unknown query parameter',
      () => stack.call('GET', '/v1/reviews?sort=asc', { key: supplierA.apiKey }),
      400,
      ['sort'],
    ],
    [
      'rating filter not a number',
      () => stack.call('GET', '/v1/reviews?rating=abc', { key: supplierA.apiKey }),
      400,
      ['rating'],
    ],
    [
      'limit too big',
      () => stack.call('GET', '/v1/reviews?limit=1000', { key: supplierA.apiKey }),
      400,
      ['limit'],
    ],
    [
      'forged cursor',
      () => stack.call('GET', '/v1/reviews?cursor=bm90LWpzb24', { key: supplierA.apiKey }),
      400,
      ['cursor'],
    ],
    ['malformed review id', () => stack.call('GET', '/v1/reviews/abc', { key: supplierA.apiKey }), 404],
    [
      'bad review request',
      () =>
        stack.call('POST', '/v1/review-requests', {
          key: supplierA.apiKey,
          body: { coupleName: 'A', email: 'not-an-email', weddingDate: '2026-02-30' },
        }),
      422,
      ['email', 'weddingDate'],
    ],
  ];

  // Rows always have four cells: jest would take a missing fourth as a `done` callback.
  const rows = cases.map(([name, request, status, fields]) => [name, request, status, fields ?? []] as const);
  it.each(rows)('%s', async (_name, request, status, fields) => {
    const before = await stack.queueDepth('Ingest');
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json).toMatchObject({
      status,
      type: expect.stringMatching(/^urn:wedsync:problem:/),
      title: expect.any(String),
    });
    expect(JSON.stringify(response.json)).not.toMatch(/at .*\.ts:\d+|Error:|stack/);
    if (fields.length > 0) {
      const paths = (response.json.errors as { path: string }[]).map((e) => e.path);
      for (const field of fields) expect(paths).toContain(field);
    }
    if (status === 405) expect(response.headers.get('allow')).toContain('GET');
    expect(await stack.queueDepth('Ingest')).toBe(before);
  });

  // The functions load zod's small build, which has no messages of its own: src/shared/zod.ts
  // installs the English ones. Without them every field would say "Invalid input".
  it('names what is wrong with each field in words, from the function bundle', async () => {
    const response = await stack.call('POST', '/v1/review-requests', {
      key: supplierA.apiKey,
      body: { coupleName: 'A', email: 'not-an-email', weddingDate: '2026-02-30', expiresInDays: 181 },
    });
    expect(response.status).toBe(422);
    expect(response.json.errors).toEqual([
      { path: 'email', message: 'Invalid email address' },
      { path: 'weddingDate', message: 'Invalid ISO date' },
      { path: 'expiresInDays', message: 'Too big: expected number to be <=180' },
    ]);
  });
});
