/**
 * The ReviewSink adapter against the real pipeline: fauxqs + DynamoDB Local + the ingest worker
 * (startTestStack). Synced pages become stored reviews (a recommendation without stars, an
 * excerpt, fallbacks for what platforms leave out); an edit on the platform is version 2 with
 * review.updated; re-sending the same page twice duplicates nothing; a removal marks the review
 * removed once (review.removed), takes it out of the summary and the default list, and nothing
 * that arrives later brings it back, even when the removal overtook the review.
 */
import { IngestReviewSink } from '../../src/platforms/adapters/ingest-review-sink';
import type { Connection, ConnectedPlatform, PlatformReview } from '../../src/platforms';
import { reviewIdFor } from '../../src/reviews';
import { DynamoReviewRepository } from '../../src/reviews/adapters/review-repository';
import { eventually, startTestStack, type TestStack } from './support/stack';

jest.setTimeout(180_000);

let stack: TestStack;
let now = new Date('2026-06-01T10:00:00.000Z');
const invalid: string[] = [];
let sink: IngestReviewSink;

beforeAll(async () => {
  stack = await startTestStack();
  sink = new IngestReviewSink(
    stack.sqsClient,
    stack.queues.Ingest.url,
    { now: () => now },
    { onInvalid: (_c, externalId, reason) => invalid.push(`${externalId}: ${reason}`) },
  );
});
afterAll(async () => {
  await stack?.cleanup();
});

const connection = (supplierId: string, platform: ConnectedPlatform): Connection => ({
  connectionId: `con_${platform}_${supplierId}`,
  supplierId,
  platform,
  status: 'active',
  locations: [{ locationId: `loc-${platform}` }],
  createdAt: '2026-05-01T00:00:00.000Z',
  updatedAt: '2026-05-01T00:00:00.000Z',
});

const googleReview = (externalId: string, fields: Partial<PlatformReview> = {}): PlatformReview => ({
  externalId,
  rating: 5,
  title: undefined,
  body: 'The flowers were stunning and arrived early.',
  reviewerName: 'Jo',
  createdAt: '2026-05-20T10:00:00.000Z',
  updatedAt: '2026-05-20T10:00:00.000Z',
  ...fields,
});

async function reviewOf(apiKey: string, id: string) {
  const response = await stack.call('GET', `/v1/reviews/${id}`, { key: apiKey });
  return response.status === 200 ? response.json : undefined;
}

async function eventsOf(supplierId: string) {
  return (await stack.scanAll('EventLog'))
    .filter((item) => item.entity === 'event' && item.supplierId === supplierId)
    .map(
      (item) =>
        JSON.parse(String(item.body)) as {
          id: string;
          type: string;
          subject?: string;
          data: Record<string, unknown>;
        },
    );
}

const drained = () =>
  eventually(
    async () => (await stack.queueDepth('Ingest')) === 0 && (await stack.queueDepth('Events')) === 0,
    'ingest and events queues drained',
  );

const storedItems = async (supplierId: string) =>
  (await stack.scanAll('Reviews')).filter(
    (i) => i.pk === `SUPPLIER#${supplierId}` && String(i.sk).startsWith('REVIEW#'),
  );

it('stores synced reviews, applies platform edits once, and duplicates nothing when a page comes twice', async () => {
  const supplier = await stack.newSupplier('Sink Supplier');
  const google = connection(supplier.supplierId, 'google');
  const facebook = connection(supplier.supplierId, 'facebook');
  const yelp = connection(supplier.supplierId, 'yelp');
  const googlePage = [
    googleReview('g-1'),
    // Rating only: no text, no title, a hidden reviewer.
    googleReview('g-2', { rating: 4, body: '', reviewerName: '' }),
  ];
  const facebookPage: PlatformReview[] = [
    {
      externalId: 'fb-1',
      recommendation: 'negative',
      body: 'They forgot the buttonholes.',
      reviewerName: 'Max',
      createdAt: '2026-05-21T10:00:00.000Z',
      updatedAt: '2026-05-21T10:00:00.000Z',
    },
  ];
  const yelpPage: PlatformReview[] = [
    {
      ...googleReview('y-1', { rating: 3 }),
      excerpt: true,
      body: 'Good cake, but the delivery was late and...',
    },
  ];
  await sink.submit(google, 'loc-google', googlePage, 'corr-1');
  await sink.submit(facebook, 'loc-facebook', facebookPage, 'corr-1');
  await sink.submit(yelp, 'loc-yelp', yelpPage, 'corr-1');
  const id = (platform: ConnectedPlatform, externalId: string) =>
    reviewIdFor(supplier.supplierId, { kind: 'external', platform, externalId });
  await eventually(async () => (await storedItems(supplier.supplierId)).length === 4, 'four reviews stored');
  await drained();

  expect(await reviewOf(supplier.apiKey, id('google', 'g-1'))).toMatchObject({
    rating: 5,
    title: 'The flowers were stunning and arrived early.',
    state: 'active',
    connection: { connectionId: google.connectionId, locationId: 'loc-google' },
    reviewedAt: '2026-05-20T10:00:00.000Z',
    version: 1,
  });
  expect(await reviewOf(supplier.apiKey, id('google', 'g-2'))).toMatchObject({
    rating: 4,
    body: '',
    title: 'Google review',
    reviewerName: 'Anonymous',
  });
  const fb = await reviewOf(supplier.apiKey, id('facebook', 'fb-1'));
  expect(fb).toMatchObject({ rating: null, recommendation: 'negative', platform: 'facebook' });
  expect(await reviewOf(supplier.apiKey, id('yelp', 'y-1'))).toMatchObject({ rating: 3, excerpt: true });

  // The summary: the average over the three rated reviews, the recommendation apart.
  const summary = await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey });
  expect(summary.json).toMatchObject({
    count: 4,
    ratedCount: 3,
    averageRating: 4,
    byRecommendation: { positive: 0, negative: 1 },
    removedCount: 0,
  });
  const byRecommendation = await stack.call('GET', '/v1/reviews?recommendation=negative', {
    key: supplier.apiKey,
  });
  expect((byRecommendation.json.items as { reviewId: string }[]).map((r) => r.reviewId)).toEqual([
    id('facebook', 'fb-1'),
  ]);

  const firstEvents = await eventsOf(supplier.supplierId);
  const negative = firstEvents.filter((e) => e.type === 'review.negative').map((e) => e.subject);
  expect(negative).toEqual([id('facebook', 'fb-1')]);
  expect(
    firstEvents.find((e) => e.type === 'review.received' && e.subject === id('facebook', 'fb-1'))?.data,
  ).toMatchObject({
    rating: null,
    recommendation: 'negative',
  });

  // An edit on the platform: the same review with a newer updatedAt and new text.
  now = new Date('2026-06-02T10:00:00.000Z');
  const edited = googleReview('g-1', {
    rating: 2,
    body: 'On reflection, the flowers wilted by the evening.',
    updatedAt: '2026-06-01T18:00:00.000Z',
  });
  await sink.submit(google, 'loc-google', [edited, googlePage[1]!], 'corr-2');
  await eventually(
    async () => (await reviewOf(supplier.apiKey, id('google', 'g-1')))?.version === 2,
    'edit stored',
  );
  await drained();
  expect(await reviewOf(supplier.apiKey, id('google', 'g-1'))).toMatchObject({
    rating: 2,
    versionAt: '2026-06-01T18:00:00.000Z',
    lastEdit: { version: 2, previousRating: 5 },
  });

  // The same page twice more (a retried sync): nothing new is stored or announced.
  const before = await eventsOf(supplier.supplierId);
  await sink.submit(google, 'loc-google', [edited, googlePage[1]!], 'corr-3');
  await sink.submit(google, 'loc-google', [edited, googlePage[1]!], 'corr-3');
  await sink.submit(facebook, 'loc-facebook', facebookPage, 'corr-3');
  await drained();
  const items = await storedItems(supplier.supplierId);
  expect(items).toHaveLength(4);
  expect(items.map((i) => i.version).sort()).toEqual([1, 1, 1, 2]);
  const after = await eventsOf(supplier.supplierId);
  expect(new Set(after.map((e) => e.id))).toEqual(new Set(before.map((e) => e.id)));
  expect(after.filter((e) => e.type === 'review.updated')).toHaveLength(1);
  expect(invalid).toEqual([]);
});

it('marks a removed review once, leaves it out of the summary and default list, and ignores what comes after', async () => {
  const supplier = await stack.newSupplier('Removal Supplier');
  const google = connection(supplier.supplierId, 'google');
  const id = (externalId: string) =>
    reviewIdFor(supplier.supplierId, { kind: 'external', platform: 'google', externalId });
  now = new Date('2026-06-03T10:00:00.000Z');
  await sink.submit(google, 'loc-google', [googleReview('g-10'), googleReview('g-11', { rating: 3 })], 'c');
  await eventually(async () => (await storedItems(supplier.supplierId)).length === 2, 'two reviews stored');
  await drained();

  now = new Date('2026-06-04T10:00:00.000Z');
  await sink.remove(google, 'loc-google', ['g-10'], 'c');
  await sink.remove(google, 'loc-google', ['g-10'], 'c');
  await eventually(
    async () => (await reviewOf(supplier.apiKey, id('g-10')))?.state === 'removed',
    'removal stored',
  );
  await drained();
  expect(await reviewOf(supplier.apiKey, id('g-10'))).toMatchObject({
    state: 'removed',
    removedAt: '2026-06-04T10:00:00.000Z',
    version: 2,
    rating: 5,
  });
  const summary = await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey });
  expect(summary.json).toMatchObject({ count: 1, ratedCount: 1, averageRating: 3, removedCount: 1 });
  const list = async (query: string) =>
    (
      (await stack.call('GET', `/v1/reviews${query}`, { key: supplier.apiKey })).json.items as {
        reviewId: string;
      }[]
    ).map((r) => r.reviewId);
  expect(await list('')).toEqual([id('g-11')]);
  expect((await list('?removed=include')).sort()).toEqual([id('g-10'), id('g-11')].sort());
  expect(await list('?removed=only')).toEqual([id('g-10')]);

  // A later version of the removed review (a stale sync page) changes nothing.
  await sink.submit(
    google,
    'loc-google',
    [googleReview('g-10', { rating: 1, updatedAt: '2026-06-05T00:00:00.000Z' })],
    'c',
  );
  // A removal that overtakes its review: the review never appears.
  await sink.remove(google, 'loc-google', ['g-12'], 'c');
  await drained();
  await sink.submit(google, 'loc-google', [googleReview('g-12')], 'c');
  await drained();
  expect(await reviewOf(supplier.apiKey, id('g-10'))).toMatchObject({
    state: 'removed',
    version: 2,
    rating: 5,
  });
  expect(await reviewOf(supplier.apiKey, id('g-12'))).toBeUndefined();
  expect((await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey })).json).toMatchObject({
    count: 1,
    removedCount: 1,
  });

  const removed = (await eventsOf(supplier.supplierId)).filter((e) => e.type === 'review.removed');
  expect(removed).toHaveLength(1);
  expect(removed[0]).toMatchObject({
    subject: id('g-10'),
    data: { version: 2, removedAt: '2026-06-04T10:00:00.000Z', rating: 5 },
  });
  expect(await stack.queueDepth('Ingest', 'dlq')).toBe(0);
});

it('answers the reply routes for reviews that cannot be answered, and keeps reply states in order on the review', async () => {
  const supplier = await stack.newSupplier('Reply Supplier');
  const google = connection(supplier.supplierId, 'google');
  const synced = reviewIdFor(supplier.supplierId, {
    kind: 'external',
    platform: 'google',
    externalId: 'g-20',
  });
  const yelpReviewId = reviewIdFor(supplier.supplierId, {
    kind: 'external',
    platform: 'yelp',
    externalId: 'y-1',
  });
  now = new Date('2026-06-05T10:00:00.000Z');
  await sink.submit(google, 'loc-google', [googleReview('g-20')], 'c');
  await sink.submit(
    connection(supplier.supplierId, 'yelp'),
    'loc-yelp',
    [googleReview('y-1', { excerpt: true })],
    'c',
  );
  const imported = await stack.call('POST', '/v1/reviews', {
    key: supplier.apiKey,
    body: {
      rating: 4,
      title: 'Nice',
      body: 'Good',
      reviewerName: 'Al',
      platform: 'google',
      externalId: 'g-21',
    },
  });
  await eventually(async () => (await storedItems(supplier.supplierId)).length === 3, 'three reviews stored');

  const reply = (id: string, body: unknown) =>
    stack.call('POST', `/v1/reviews/${id}/reply`, { key: supplier.apiKey, body });
  // Imported through the API (no connection): 409; synced from Yelp, whose API takes no replies: 409.
  expect((await reply(String(imported.json.reviewId), { comment: 'Thanks' })).status).toBe(409);
  const noReplies = await reply(yelpReviewId, { comment: 'Thanks' });
  expect(noReplies.status).toBe(409);
  expect(noReplies.json.detail).toBe('yelp does not take replies through its API');
  expect(
    (await stack.call('DELETE', `/v1/reviews/${yelpReviewId}/reply`, { key: supplier.apiKey })).status,
  ).toBe(409);
  expect((await reply('rev_00000000000000000000000000', { comment: 'Thanks' })).status).toBe(404);
  expect((await reply(synced, { comment: '' })).status).toBe(422);
  // Google takes at most 4096 bytes: refused before anything is queued.
  expect((await reply(synced, { comment: 'x'.repeat(4097) })).status).toBe(422);
  expect(await stack.queueDepth('Replies')).toBe(0);

  // The reply worker's store: the adapter's ordering rules against DynamoDB Local.
  const repository = new DynamoReviewRepository(
    stack.doc,
    stack.tableName('Reviews'),
    'local',
    stack.dynamoClient,
  );
  const state = (requestedAt: string, value: 'pending' | 'published' | 'failed', reason?: string) => ({
    action: 'reply' as const,
    state: value,
    comment: 'Thanks',
    requestedAt,
    updatedAt: now.toISOString(),
    ...(reason ? { reason } : {}),
  });
  const first = '2026-06-05T10:00:01.000Z';
  expect(await repository.recordReply(supplier.supplierId, synced, state(first, 'pending'))).toBe(true);
  expect(await repository.recordReply(supplier.supplierId, synced, state(first, 'published'))).toBe(true);
  // A redelivery of the finished request cannot set it back to pending.
  expect(await repository.recordReply(supplier.supplierId, synced, state(first, 'pending'))).toBe(false);
  // A newer request replaces it; an older one never does.
  const second = '2026-06-05T10:05:00.000Z';
  expect(
    await repository.recordReply(supplier.supplierId, synced, state(second, 'failed', 'not allowed')),
  ).toBe(true);
  expect(await repository.recordReply(supplier.supplierId, synced, state(first, 'pending'))).toBe(false);
  expect(await reviewOf(supplier.apiKey, synced)).toMatchObject({
    reply: { state: 'failed', reason: 'not allowed', requestedAt: second },
  });
  // No review (or only a removal's tombstone): nothing is recorded.
  expect(
    await repository.recordReply(
      supplier.supplierId,
      'rev_00000000000000000000000000',
      state(first, 'pending'),
    ),
  ).toBe(false);
});
