import type { SQSEvent } from 'aws-lambda';
import { processIngestBatch, type WorkerDeps } from '../../../functions/ingest-worker/worker';
import { reviewIdFor } from '../../../src/domain/ids';
import type { Review } from '../../../src/domain/review';
import type { DomainEvent } from '../../../src/domain/review';

const origin = (externalId: string) => ({ kind: 'external', platform: 'google', externalId }) as const;
const message = (externalId: string, rating = 5) =>
  JSON.stringify({
    type: 'review.submitted',
    version: 1,
    supplierId: 'sup_a',
    reviewId: reviewIdFor('sup_a', origin(externalId)),
    origin: origin(externalId),
    actor: { kind: 'supplier', id: 'key_1' },
    receivedAt: '2026-06-01T10:00:00Z',
    review: {
      rating,
      title: 't',
      body: 'b',
      reviewerName: 'n',
      platform: 'google',
      submittedAt: '2026-06-01T12:00:00+02:00',
    },
  });
const batch = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) }) as unknown as SQSEvent;

function fakes(chunkSize = 40) {
  const stored = new Map<string, Review>();
  const published: DomainEvent[] = [];
  const parked: { messageId: string; reason: string }[] = [];
  const outcomes: string[] = [];
  const transactions: number[] = [];
  let storeDown = false;
  const deps: WorkerDeps = {
    reviews: {
      insertMany: async (_supplierId, reviews) => {
        if (storeDown) throw new Error('store down');
        transactions.push(reviews.length);
        const result = new Map<string, 'created' | 'duplicate'>();
        for (const review of reviews) {
          result.set(review.reviewId, stored.has(review.reviewId) ? 'duplicate' : 'created');
          stored.set(review.reviewId, review);
        }
        return result;
      },
      get: async () => undefined,
      list: async () => ({ items: [] }),
      summary: async () => ({
        count: 0,
        averageRating: null,
        byRating: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
        byPlatform: {},
      }),
    },
    events: { publish: async (events) => void published.push(...events) },
    rejected: { park: async (record) => void parked.push(record) },
    clock: { now: () => new Date('2026-06-01T10:00:01Z') },
    queueName: 'Ingest',
    chunkSize,
    onOutcome: (_id, outcome) => void outcomes.push(outcome.kind),
  };
  return {
    deps,
    stored,
    published,
    parked,
    outcomes,
    transactions,
    setStoreDown: (down: boolean) => (storeDown = down),
  };
}

describe('ingest worker batch', () => {
  it('stores new reviews, normalises times to UTC and announces them', async () => {
    const f = fakes();
    const result = await processIngestBatch(batch(message('a'), message('b', 1)), f.deps);
    expect(result.batchItemFailures).toEqual([]);
    expect([...f.stored.values()].map((r) => r.reviewedAt)).toEqual([
      '2026-06-01T10:00:00.000Z',
      '2026-06-01T10:00:00.000Z',
    ]);
    expect(f.published.map((e) => e.type).sort()).toEqual([
      'review.negative',
      'review.received',
      'review.received',
    ]);
  });

  it('treats a duplicate as done and re-announces it with the same event ids', async () => {
    const f = fakes();
    await processIngestBatch(batch(message('a')), f.deps);
    await processIngestBatch(batch(message('a')), f.deps);
    expect(f.outcomes).toEqual(['created', 'duplicate']);
    expect(f.published[0]!.id).toBe(f.published[1]!.id);
  });

  it('parks poison messages with their reason instead of failing them', async () => {
    const f = fakes();
    const forged = JSON.parse(message('a')) as Record<string, unknown>;
    forged.supplierId = 'sup_b';
    const result = await processIngestBatch(
      batch('nope', '{"type":"review.submitted"}', JSON.stringify(forged), message('ok')),
      f.deps,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(f.parked.map((p) => [p.messageId, p.reason])).toEqual([
      ['m0', 'invalid-json'],
      ['m1', 'invalid-message'],
      ['m2', 'review-id-mismatch'],
    ]);
    expect(f.stored.size).toBe(1);
  });

  it('reports transient failures per record so only they are retried', async () => {
    const f = fakes();
    f.setStoreDown(true);
    const result = await processIngestBatch(batch(message('a'), 'poison'), f.deps);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(f.parked).toHaveLength(1);
  });

  it('writes a batch in chunked transactions and reports a message sent twice as a duplicate', async () => {
    const f = fakes(2);
    const result = await processIngestBatch(
      batch(message('a'), message('b'), message('a'), message('c'), message('d')),
      f.deps,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(f.transactions).toEqual([2, 2, 1]);
    expect(f.outcomes).toEqual(['created', 'created', 'duplicate', 'created', 'created']);
    expect(f.stored.size).toBe(4);
  });

  it('fails a record whose parking fails, so it is retried and cannot vanish', async () => {
    const f = fakes();
    f.deps.rejected.park = async () => {
      throw new Error('rejected store down');
    };
    const result = await processIngestBatch(batch('poison'), f.deps);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
  });
});
