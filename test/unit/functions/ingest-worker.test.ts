import type { StoreOutcome } from '../../../src/reviews/domain/review-versions';
import type { IngestOutcome } from '../../../src/reviews/use-cases/ingest-batch';
import type { SQSEvent } from 'aws-lambda';
import { processIngestBatch, type WorkerDeps } from '../../../functions/ingest-worker/worker';
import { reviewIdFor } from '../../../src/reviews/domain/review-ids';
import type { Review } from '../../../src/reviews/domain/review';
import type { DomainEvent } from '../../../src/events';
import { join } from 'node:path';
import { createModelEngine } from '../../../src/models/inference/engine';
import type { ModelsForSupplier } from '../../../src/reviews/domain/review-inference';

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

const engine = createModelEngine(join(__dirname, '../../../layers/models/nodejs/models'));
const modelsFor = (broken: boolean): ModelsForSupplier =>
  broken
    ? {
        forSupplier: () => {
          throw new Error('layer missing');
        },
      }
    : engine;

function fakes(chunkSize = 40, brokenModels = false) {
  const stored = new Map<string, Review>();
  const statsAdded: Record<string, number>[] = [];
  const retried: { reviewId: string }[] = [];
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
        const result = new Map<string, StoreOutcome>();
        for (const review of reviews) {
          result.set(
            review.reviewId,
            stored.has(review.reviewId) ? { kind: 'duplicate', version: 1 } : { kind: 'created' },
          );
          stored.set(review.reviewId, review);
        }
        return result;
      },
      get: async () => undefined,
      observeReply: async () => 'unchanged',
      recent: async () => [],
      completeInference: async () => true,
      list: async () => ({ items: [] }),
      summary: async () => ({
        count: 0,
        ratedCount: 0,
        averageRating: null,
        byRating: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
        byPlatform: {},
        byRecommendation: { positive: 0, negative: 0 },
        removedCount: 0,
      }),
      markRemoved: async () => ({ kind: 'tombstone' }),
      recordReply: async () => false,
    },
    events: { publish: async (events) => void published.push(...events) },
    rejected: { park: async (record) => void parked.push(record) },
    clock: { now: () => new Date('2026-06-01T10:00:01Z') },
    queueName: 'Ingest',
    chunkSize,
    models: modelsFor(brokenModels),
    modelStats: {
      add: async (_task, _variant, counters) => void statsAdded.push(counters),
      window: async () => ({}),
    },
    inferenceRetry: { send: async (body) => void retried.push(JSON.parse(body) as { reviewId: string }) },
    inferenceBudgetMs: 10_000,
    recentWindow: 50,
    onOutcome: (_id, outcome) => void outcomes.push(outcome.kind),
  };
  return {
    deps,
    stored,
    published,
    parked,
    outcomes,
    transactions,
    statsAdded,
    retried,
    setStoreDown: (down: boolean) => (storeDown = down),
  };
}

/**
 * A meeting point of two calls: each waits until the other has started. Made one after the other,
 * neither ever answers, so a batch that makes them in turn never settles (`settledWithin2s`).
 */
function meetingOfTwo(): () => Promise<void> {
  let arrivals = 0;
  let release: () => void = () => undefined;
  const both = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    arrivals += 1;
    if (arrivals === 2) release();
    await both;
  };
}

/** Events that reach `f.published` once `meet` lets them through. */
const publishingAfter = (meet: () => Promise<void>, f: ReturnType<typeof fakes>): WorkerDeps['events'] => ({
  publish: async (events) => {
    await meet();
    f.published.push(...events);
  },
});

/** The batch's result, or 'waited' when it has not settled within 2 s. */
function settledWithin2s(event: SQSEvent, deps: WorkerDeps) {
  const timeout = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 2_000).unref());
  return Promise.race([processIngestBatch(event, deps), timeout]);
}

/** Five messages through a worker that stores chunks of 2: three transactions, no failure. */
async function inChunksOfTwo(...externalIds: string[]) {
  const f = fakes(2);
  const result = await processIngestBatch(batch(...externalIds.map((id) => message(id))), f.deps);
  expect(result.batchItemFailures).toEqual([]);
  expect(f.transactions).toEqual([2, 2, 1]);
  return f;
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

  it('gives a first store the facts the business KPIs need, and a duplicate none', async () => {
    const f = fakes();
    const seen: IngestOutcome[] = [];
    const deps: WorkerDeps = { ...f.deps, onOutcome: (_id, outcome) => void seen.push(outcome) };
    await processIngestBatch(batch(message('a', 2)), deps);
    await processIngestBatch(batch(message('a', 2)), deps);
    expect(seen.map((o) => [o.kind, 'facts' in o ? o.facts : undefined])).toEqual([
      ['created', { platform: 'google', rating: 2, negative: true, completesEmailedRequest: false }],
      ['duplicate', undefined],
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
    const f = await inChunksOfTwo('a', 'b', 'a', 'c', 'd');
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

  it('stores the sentiment and authenticity signals and flags a rating that contradicts the text', async () => {
    const f = fakes();
    const angry = JSON.parse(message('x', 5)) as { review: { title: string; body: string } };
    angry.review.title = 'Terrible, rude and late';
    angry.review.body = 'The worst service ever. Awful flowers, rude staff, ruined our day. Avoid.';
    await processIngestBatch(batch(message('a', 5), JSON.stringify(angry)), f.deps);
    const [, second] = [...f.stored.values()];
    expect(second!.insights).toMatchObject({
      status: 'done',
      sentiment: {
        label: 'negative',
        modelVersion: expect.stringMatching(/^sentiment@/),
        variant: 'control',
      },
      flags: ['rating-sentiment-mismatch'],
    });
    expect(second!.insights!.authenticity!.reasons).toEqual(expect.arrayContaining(['unverified']));
    expect(f.published.filter((e) => e.type === 'review.flagged').map((e) => e.subject)).toEqual([
      second!.reviewId,
    ]);
    expect(f.statsAdded).toHaveLength(1);
    expect(f.statsAdded[0]!.n).toBe(2);
  });

  it('stores reviews with inference pending and queues them when the models cannot load', async () => {
    const f = fakes(40, true);
    const result = await processIngestBatch(batch(message('a'), message('b')), f.deps);
    expect(result.batchItemFailures).toEqual([]);
    expect([...f.stored.values()].map((r) => r.insights)).toEqual([
      { status: 'pending', pendingReason: 'model-error: layer missing' },
      { status: 'pending', pendingReason: 'model-error: layer missing' },
    ]);
    expect(f.retried.map((r) => r.reviewId).sort()).toEqual([...f.stored.keys()].sort());
    expect(f.statsAdded).toHaveLength(0);
  });

  it('sends the events and the inference retries at once after the store, not one after the other', async () => {
    const f = fakes(40, true);
    const meet = meetingOfTwo();
    f.deps = { ...f.deps, events: publishingAfter(meet, f), inferenceRetry: { send: meet } };
    const result = await settledWithin2s(batch(message('a')), f.deps);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(f.published.map((e) => e.type)).toEqual(['review.received']);
  });

  it('fails the chunk when its events are refused, and counts its statistics once over the redelivery', async () => {
    const f = fakes();
    const publish = f.deps.events.publish;
    f.deps = {
      ...f.deps,
      events: {
        publish: async () => {
          throw new Error('events queue down');
        },
      },
    };
    const first = await processIngestBatch(batch(message('a'), message('b')), f.deps);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }]);
    f.deps = { ...f.deps, events: { publish } };
    const second = await processIngestBatch(batch(message('a'), message('b')), f.deps);
    expect(second.batchItemFailures).toEqual([]);
    // Announced on the redelivery (same ids as a first attempt's would have been) ...
    expect(f.published.map((e) => e.type)).toEqual(['review.received', 'review.received']);
    // ... and the two reviews counted in the statistics once: the redelivery found them stored.
    expect(f.statsAdded.map((counters) => counters.n)).toEqual([2]);
  });

  it('adds the model statistics once per batch, not once per chunk', async () => {
    const f = await inChunksOfTwo('a', 'b', 'c', 'd', 'e');
    // One counter update per model task and variant for the five reviews of the three chunks.
    expect(f.statsAdded.map((counters) => counters.n)).toEqual([5]);
  });

  it('writes the statistics of a one-chunk batch beside its events, not after them', async () => {
    const f = fakes();
    const meet = meetingOfTwo();
    const add = f.deps.modelStats.add;
    f.deps = {
      ...f.deps,
      events: publishingAfter(meet, f),
      modelStats: {
        ...f.deps.modelStats,
        add: async (...args) => {
          await meet();
          await add(...args);
        },
      },
    };
    const result = await settledWithin2s(batch(message('a')), f.deps);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(f.statsAdded.map((counters) => counters.n)).toEqual([1]);
  });

  it("counts the stored chunks' statistics when another chunk of the batch fails before its store", async () => {
    const f = fakes(2);
    const insertMany = f.deps.reviews.insertMany;
    let calls = 0;
    f.deps = {
      ...f.deps,
      reviews: {
        ...f.deps.reviews,
        insertMany: async (...args) => {
          calls += 1;
          if (calls === 2) throw new Error('store down for this chunk');
          return insertMany(...args);
        },
      },
    };
    const result = await processIngestBatch(
      batch(message('a'), message('b'), message('c'), message('d'), message('e')),
      f.deps,
    );
    expect(result.batchItemFailures).toHaveLength(2);
    expect(f.statsAdded.map((counters) => counters.n)).toEqual([3]);
  });

  it('leaves the rest pending once the time budget is spent', async () => {
    const f = fakes();
    f.deps = { ...f.deps, inferenceBudgetMs: -1 };
    await processIngestBatch(batch(message('a')), f.deps);
    expect([...f.stored.values()][0]!.insights).toEqual({ status: 'pending', pendingReason: 'time-budget' });
  });
});

describe('ingest worker correlation ids', () => {
  it("stores and announces a message's correlation id: the body's, else its attribute's (platform sync)", async () => {
    const f = fakes();
    const withBodyId = JSON.stringify({
      ...(JSON.parse(message('a')) as object),
      correlationId: 'from-body',
    });
    const attribute = (id: string) => ({ correlationId: { stringValue: id, dataType: 'String' } });
    const event = {
      Records: [
        { messageId: 'm0', body: withBodyId, messageAttributes: attribute('ignored-attr') },
        { messageId: 'm1', body: message('b'), messageAttributes: attribute('cor_sync1') },
        { messageId: 'm2', body: message('c'), messageAttributes: {} },
      ],
    } as unknown as SQSEvent;
    await processIngestBatch(event, f.deps);
    const idOf = (externalId: string) =>
      f.stored.get(reviewIdFor('sup_a', origin(externalId)))?.correlationId;
    expect([idOf('a'), idOf('b'), idOf('c')]).toEqual(['from-body', 'cor_sync1', undefined]);
    expect(f.published.map((e) => [e.subject, e.correlationId]).sort()).toEqual(
      [
        [reviewIdFor('sup_a', origin('a')), 'from-body'],
        [reviewIdFor('sup_a', origin('b')), 'cor_sync1'],
        [reviewIdFor('sup_a', origin('c')), undefined],
      ].sort(),
    );
  });
});
