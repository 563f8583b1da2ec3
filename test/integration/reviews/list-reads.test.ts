/**
 * The review list's reads against DynamoDB Local (src/reviews/adapters/review-repository.ts `list`,
 * src/shared/batch-get.ts): a page is read with the low-level client and each item decoded straight
 * from the wire form into its view (review-views.ts; the API's hot path, ADR 0022). Whatever it
 * reads must be exactly what the DocumentClient reads: each listed review equals the same review
 * read with `get` (DocumentClient), pages follow the index's order, and the batch read gives the
 * same items through either client.
 */
import { batchGetInOrder } from '../../../src/shared/batch-get';
import { DynamoReviewRepository } from '../../../src/reviews/adapters/review-repository';
import type { Review } from '../../../src/reviews/domain/review';
import { reviewText } from '../../../src/reviews/domain/review-inference';
import { openCatalogTables, type CatalogTables } from '../support/catalog-tables';

const SUPPLIER = 'sup_listreads';
const OTHER = 'sup_listreads_other';

let tables: CatalogTables;
let repository: DynamoReviewRepository;

const review = (i: number, supplierId = SUPPLIER): Review => {
  const id = `rev_listreads${String(i).padStart(15, '0')}`;
  const platform = i % 3 === 0 ? 'facebook' : 'google';
  return {
    reviewId: id,
    supplierId,
    platform,
    externalId: `ext-${i}`,
    // Facebook recommends and gives no stars.
    ...(platform === 'facebook'
      ? { rating: null, recommendation: i % 2 === 0 ? 'negative' : 'positive' }
      : { rating: (i % 5) + 1 }),
    title: `Review ${i}`,
    body: `Body of review ${i}: "quoted", unicode ✓, numbers 1.5e3.`,
    reviewerName: `Couple ${i}`,
    verified: i % 2 === 0,
    reviewedAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    receivedAt: '2026-06-02T10:00:00.000Z',
    versionAt: '2026-06-02T10:00:00.000Z',
    origin: { kind: 'external', platform, externalId: `ext-${i}` },
    actor: { kind: 'producer', id: 'platform-sync' },
    ...(i === 4
      ? {
          insights: {
            status: 'done',
            sentiment: { label: 'positive', confidence: 0.93, modelVersion: 'sentiment-test', variant: 'a' },
            authenticity: { reasons: ['unverified'], score: 0.1, duplicateOf: [] },
            flags: [],
          },
        }
      : {}),
  } as Review;
};

beforeAll(async () => {
  tables = await openCatalogTables('list-reads-test', ['Reviews']);
  repository = new DynamoReviewRepository(tables.doc, tables.tableName('Reviews'), 'local', tables.client);
  const stored = '2026-06-02T10:00:01.000Z';
  await repository.insertMany(
    SUPPLIER,
    Array.from({ length: 30 }, (_, i) => review(i)),
    stored,
  );
  await repository.insertMany(OTHER, [review(100, OTHER)], stored);
});
afterAll(async () => {
  await tables?.release();
});

it('lists pages newest first, each review exactly as `get` reads it, and only the supplier’s', async () => {
  const first = await repository.list(SUPPLIER, { limit: 25 });
  expect(first.items).toHaveLength(25);
  expect(first.next).toBeDefined();
  const second = await repository.list(SUPPLIER, { limit: 25, startKey: first.next! });
  expect(second.items).toHaveLength(5);
  const listed = [...first.items, ...second.items];
  expect(listed.map((item) => item.reviewId)).toEqual(
    Array.from({ length: 30 }, (_, i) => review(29 - i).reviewId),
  );
  for (const item of listed) expect(item).toEqual(await repository.get(SUPPLIER, item.reviewId));
  expect(listed.find((item) => item.reviewId === review(4).reviewId)?.insights).toMatchObject({
    status: 'done',
    sentiment: { label: 'positive', confidence: 0.93 },
  });
  expect(listed.some((item) => item.supplierId !== SUPPLIER)).toBe(false);
});

it('filters by platform and by rating (and a start key from another list is refused)', async () => {
  const facebook = await repository.list(SUPPLIER, {
    limit: 25,
    platform: 'facebook',
    recommendation: 'negative',
  });
  expect(facebook.items.map((item) => item.reviewId)).toEqual(
    [24, 18, 12, 6, 0].map((i) => review(i).reviewId),
  );
  for (const item of facebook.items) expect(item).toEqual(await repository.get(SUPPLIER, item.reviewId));
  const fives = await repository.list(SUPPLIER, { limit: 3, rating: 5 });
  expect(fives.items.map((item) => item.rating)).toEqual([5, 5, 5]);
  expect(fives.next).toBeDefined();
  await expect(repository.list(OTHER, { limit: 3, startKey: fives.next! })).rejects.toThrow(
    'cursor is not valid',
  );
});

it('reads the same items in the keys’ order through either client, without gaps or duplicates', async () => {
  const table = tables.tableName('Reviews');
  const key = (i: number, supplierId = SUPPLIER) => ({
    pk: `SUPPLIER#${supplierId}`,
    sk: `REVIEW#${review(i, supplierId).reviewId}`,
  });
  // A missing item is left out; a key given twice gives its item twice (each place in the order).
  const keys = [
    key(7),
    key(3),
    { pk: `SUPPLIER#${SUPPLIER}`, sk: 'REVIEW#rev_missing' },
    key(100, OTHER),
    key(7),
  ];
  const raw = await batchGetInOrder(tables.client, table, keys, ['pk', 'sk']);
  const doc = await batchGetInOrder(tables.doc, table, keys, ['pk', 'sk'], { consistent: true });
  expect(raw.map((item) => item.sk)).toEqual([key(7).sk, key(3).sk, key(100, OTHER).sk, key(7).sk]);
  expect(raw).toEqual(doc);
});

it('reads only the attributes asked for, keys included, through either client (`body` is a reserved word)', async () => {
  const table = tables.tableName('Reviews');
  const keys = [3, 7].map((i) => ({ pk: `SUPPLIER#${SUPPLIER}`, sk: `REVIEW#${review(i).reviewId}` }));
  const attributes = ['title', 'body', 'reviewedAt'];
  for (const client of [tables.client, tables.doc]) {
    const items = await batchGetInOrder(client, table, keys, ['pk', 'sk'], { attributes });
    expect(items).toEqual(
      [3, 7].map((i) => ({
        ...keys[i === 3 ? 0 : 1],
        title: review(i).title,
        body: review(i).body,
        reviewedAt: review(i).reviewedAt,
      })),
    );
  }
});

it('gives the ingest worker the latest reviews, newest first, with what the authenticity check reads', async () => {
  const recent = await repository.recent(SUPPLIER, 5);
  expect(recent).toEqual(
    [29, 28, 27, 26, 25].map((i) => ({
      id: review(i).reviewId,
      text: reviewText(review(i)),
      submittedAt: Date.parse(review(i).reviewedAt),
    })),
  );
  // The sender's hash too, where the review has one (the burst check counts reviews per source).
  const sourced = { ...review(200, 'sup_listreads_sourced'), sourceHash: 'f'.repeat(32) } as Review;
  await repository.insertMany('sup_listreads_sourced', [sourced], '2026-06-02T10:00:01.000Z');
  expect(await repository.recent('sup_listreads_sourced', 5)).toEqual([
    {
      id: sourced.reviewId,
      text: reviewText(sourced),
      submittedAt: Date.parse(sourced.reviewedAt),
      source: 'f'.repeat(32),
    },
  ]);
});
