/**
 * Every filter combination of the review listing against DynamoDB Local (issue 12): the answer is
 * exactly the supplier's reviews that match, newest first, across cursor pages; and the listings
 * whose filters are index partitions (review-listing-keys.ts) read no index entry they do not
 * return. The reviews: several platforms and ratings, Facebook recommendations without stars, a
 * legacy Facebook review with both, reviews removed on their platform, and edits that move a
 * review between partitions (a new rating, a new platform, a recommendation that goes away).
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbLocal } from '../../../local/dynamodb-local';
import { createTables, localTableName } from '../../../local/resources';
import { dynamoProjection, tableDefinition } from '../../../src/catalog/tables';
import { reviewListingKeys } from '../../../src/reviews';
import type { Platform, Recommendation, Review, ReviewListFilter, ReviewView } from '../../../src/reviews';
import { DynamoReviewRepository } from '../../../src/reviews/adapters/review-repository';
import { acquireStore, type TestStore } from '../support/shared-store';

jest.setTimeout(120_000);

const SUPPLIER = 'sup_listing';
const OTHER = 'sup_listing_other';
const PLATFORMS: readonly Platform[] = ['google', 'facebook', 'trustpilot'];
let store: TestStore;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let repository: DynamoReviewRepository;
/** Index entries read and returned by every Query of the Reviews table since the last reset. */
const reads = { scanned: 0, returned: 0 };

const review = (i: number, over: Partial<Review> = {}): Review => {
  const platform = PLATFORMS[i % 3]!;
  const facebook = platform === 'facebook';
  return {
    reviewId: `rev_${String(i).padStart(4, '0')}`,
    supplierId: SUPPLIER,
    platform,
    externalId: `ext-${i}`,
    // Facebook: a recommendation instead of stars, except every fifth (a legacy review with both).
    rating: facebook && i % 5 !== 0 ? null : (i % 5) + 1,
    ...(facebook ? { recommendation: (i % 2 === 0 ? 'positive' : 'negative') as Recommendation } : {}),
    title: `Review ${i}`,
    body: 'Lovely flowers.',
    reviewerName: 'Jo',
    verified: false,
    reviewedAt: new Date(Date.parse('2026-03-01T00:00:00.000Z') + i * 3_600_000).toISOString(),
    receivedAt: '2026-04-01T00:00:00.000Z',
    versionAt: '2026-04-01T00:00:00.000Z',
    origin: { kind: 'external', platform, externalId: `ext-${i}` },
    actor: { kind: 'producer', id: 'platform-sync' },
    ...over,
  };
};

/** What the supplier's reviews are after the edits below, kept here to compare against. */
const expected = new Map<string, Review & { removed?: boolean }>();

beforeAll(async () => {
  store = await acquireStore('listing-indexes');
  client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 8,
  });
  // Counts what each Query read (ScannedCount) and returned (Count): the read amplification. A
  // middleware of the low-level client sees the Queries of both clients (the DocumentClient's and
  // the low-level reads of the list, ADR 0022).
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand') {
        const answer = result.output as { ScannedCount?: number; Count?: number };
        reads.scanned += answer.ScannedCount ?? 0;
        reads.returned += answer.Count ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'countQueryReads' },
  );
  doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await createTables(client, store.tablePrefix);
  const table = localTableName(store.tablePrefix, tableDefinition('Reviews'));
  repository = new DynamoReviewRepository(doc, table, 'eu-west-1', client);

  const originals = Array.from({ length: 90 }, (_, i) => review(i));
  for (let i = 0; i < originals.length; i += 30) {
    await repository.insertMany(SUPPLIER, originals.slice(i, i + 30), '2026-04-01T00:00:00.000Z');
  }
  // Another supplier's reviews share every partition shape: they must never show up.
  await repository.insertMany(
    OTHER,
    originals.slice(0, 10).map((r) => ({ ...r, supplierId: OTHER })),
    '2026-04-01T00:00:00.000Z',
  );
  for (const r of originals) expected.set(r.reviewId, r);

  // Edits (later versions): a new rating; a new platform; a recommendation replaced by stars.
  const later = { versionAt: '2026-04-02T00:00:00.000Z', receivedAt: '2026-04-02T00:00:00.000Z' };
  const edits = [
    { ...review(3), ...later, rating: 1 },
    { ...review(4), ...later, platform: 'trustpilot' as const },
    (() => {
      const { recommendation: _gone, ...rest } = review(7);
      return { ...rest, ...later, rating: 4 };
    })(),
  ];
  const outcomes = await repository.insertMany(SUPPLIER, edits, '2026-04-02T00:00:00.000Z');
  expect([...outcomes.values()].map((o) => o.kind)).toEqual(['updated', 'updated', 'updated']);
  for (const r of edits) expected.set(r.reviewId, r);

  // Removed on their platform: every ninth.
  for (let i = 0; i < 90; i += 9) {
    const id = review(i).reviewId;
    await repository.markRemoved(
      {
        supplierId: SUPPLIER,
        reviewId: id,
        origin: review(i).origin as Extract<Review['origin'], { kind: 'external' }>,
        actor: { kind: 'producer', id: 'platform-sync' },
        removedAt: '2026-04-03T00:00:00.000Z',
        receivedAt: '2026-04-03T00:00:00.000Z',
      },
      '2026-04-03T00:00:00.000Z',
    );
    expected.set(id, { ...expected.get(id)!, removed: true });
  }
});

afterAll(async () => {
  client?.destroy();
  await store?.release();
});

type Filter = Omit<ReviewListFilter, 'limit' | 'startKey'>;

/** Every page of a listing, `limit` at a time. */
async function listAll(filter: Filter, limit: number): Promise<ReviewView[]> {
  const items: ReviewView[] = [];
  let startKey: ReviewListFilter['startKey'];
  for (let page = 0; page < 100; page += 1) {
    const answer = await repository.list(SUPPLIER, { ...filter, limit, ...(startKey ? { startKey } : {}) });
    items.push(...answer.items);
    if (!answer.next) return items;
    startKey = answer.next;
  }
  throw new Error('more than 100 pages');
}

function matching(filter: Filter): string[] {
  const removed = filter.removed ?? 'exclude';
  return [...expected.values()]
    .filter(
      (r) =>
        (filter.platform === undefined || r.platform === filter.platform) &&
        (filter.rating === undefined || r.rating === filter.rating) &&
        (filter.recommendation === undefined || r.recommendation === filter.recommendation) &&
        (removed === 'include' || (removed === 'only') === (r.removed === true)) &&
        (filter.from === undefined || r.reviewedAt >= filter.from) &&
        (filter.to === undefined || r.reviewedAt <= filter.to),
    )
    .sort((a, b) => `${b.reviewedAt}#${b.reviewId}`.localeCompare(`${a.reviewedAt}#${a.reviewId}`))
    .map((r) => r.reviewId);
}

const combinations: Filter[] = [];
for (const platform of [undefined, ...PLATFORMS]) {
  for (const rating of [undefined, 1, 2, 4, 5]) {
    for (const recommendation of [undefined, 'positive', 'negative'] as const) {
      for (const removed of ['exclude', 'include', 'only'] as const) {
        combinations.push({
          ...(platform ? { platform } : {}),
          ...(rating ? { rating } : {}),
          ...(recommendation ? { recommendation } : {}),
          removed,
        });
      }
    }
  }
}

it('lists exactly the matching reviews, newest first, for every filter combination', async () => {
  let nonEmpty = 0;
  for (const filter of combinations) {
    const want = matching(filter);
    if (want.length > 0) nonEmpty += 1;
    const got = await listAll(filter, 7);
    expect({ filter, ids: got.map((r) => r.reviewId) }).toEqual({ filter, ids: want });
    // The view is the review as stored (read by key), never an index entry.
    for (const view of got) expect(view.title).toMatch(/^Review /);
  }
  // The seed makes most combinations non-empty (so the comparison means something).
  expect(nonEmpty).toBeGreaterThan(combinations.length / 3);
});

it('lists within a date range under every index', async () => {
  const range = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T12:00:00.000Z' };
  for (const filter of [
    {},
    { platform: 'google' as const },
    { rating: 5 },
    { platform: 'trustpilot' as const, rating: 1 },
    { recommendation: 'negative' as const },
  ]) {
    const want = matching({ ...filter, ...range });
    expect(want.length).toBeGreaterThan(0);
    expect((await listAll({ ...filter, ...range }, 4)).map((r) => r.reviewId)).toEqual(want);
  }
});

it('reads no index entry it does not return when the filters are partitions (removed=include)', async () => {
  for (const filter of [
    {},
    { platform: 'google' as const },
    { rating: 4 },
    { platform: 'google' as const, rating: 4 },
    { platform: 'trustpilot' as const, rating: 1 },
    { recommendation: 'negative' as const },
    { recommendation: 'positive' as const },
  ]) {
    reads.scanned = 0;
    reads.returned = 0;
    const got = await listAll({ ...filter, removed: 'include' }, 5);
    expect(got.length).toBeGreaterThan(0);
    expect({ filter, scanned: reads.scanned }).toEqual({ filter, scanned: reads.returned });
    expect(reads.returned).toBe(got.length);
  }
});

it('gives a local store kept from before the new indexes those indexes (npm start with .local/data)', async () => {
  // A DynamoDB Local of its own, holding only the kept store's tables: DynamoDB Local builds a new
  // index in about a second when it holds a few tables, but in about 20 s when it also holds
  // another stack's 21 (the shared one holds this file's), and the Reviews table gets two.
  const own = await DynamoDbLocal.start();
  const client = new DynamoDBClient({
    endpoint: own.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const prefix = 'kept';
  const reviews = tableDefinition('Reviews');
  const before = reviews.indexes.filter((i) => ['byCreatedAt', 'byPlatform', 'byRating'].includes(i.name));
  const table = localTableName(prefix, reviews);
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi3pk'].map((AttributeName) => ({
        AttributeName,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: before.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: dynamoProjection(index.projection),
      })),
    }),
  );
  try {
    const keys = reviewListingKeys('sup_kept', {
      reviewId: 'rev_1',
      reviewedAt: '2026-01-01',
      platform: 'google',
      rating: 5,
    });
    const raw = DynamoDBDocumentClient.from(client);
    await raw.send(
      new PutCommand({ TableName: table, Item: { pk: 'SUPPLIER#sup_kept', sk: 'REVIEW#rev_1', ...keys } }),
    );
    // Only the kept table: beside it, createTables would create the 20 others at once (4 at a time),
    // and DynamoDB Local builds the new indexes in about 20 s instead of 1 while they are created.
    await createTables(client, prefix, { only: ['Reviews'] });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
      reviews.indexes.map((i) => i.name).sort(),
    );
    const found = await raw.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'byPlatformRating',
        KeyConditionExpression: 'gsi4pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.gsi4pk },
      }),
    );
    expect(found.Items?.map((i) => i.sk)).toEqual(['REVIEW#rev_1']);
  } finally {
    client.destroy();
    await own.stop();
  }
});
