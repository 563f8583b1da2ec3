import { join } from 'node:path';
import { createModelEngine } from '../../../src/models/inference/engine';
import { analyseReviews } from '../../../src/reviews/domain/review-inference';
import type { Review } from '../../../src/reviews/domain/review';

const engine = createModelEngine(join(__dirname, '../../../layers/models/nodejs/models'));

const review = (id: string, overrides: Partial<Review> = {}): Review => ({
  reviewId: id,
  supplierId: 'sup_a',
  platform: 'wedsync',
  rating: 5,
  title: 'Wonderful',
  body: 'The flowers were beautiful and everyone loved them.',
  reviewerName: 'A',
  verified: true,
  reviewedAt: '2026-06-01T10:00:00.000Z',
  receivedAt: '2026-06-01T10:00:00.000Z',
  versionAt: '2026-06-01T10:00:00.000Z',
  origin: { kind: 'review-request', requestId: `rrq_${id}` },
  actor: { kind: 'couple', id: `rrq_${id}` },
  ...overrides,
});

describe('analyseReviews', () => {
  it('gives a verified, consistent review no flags', () => {
    const { reviews, observations } = analyseReviews([review('a')], [], engine, { timeBudgetMs: 5000 });
    expect(reviews[0]!.insights).toMatchObject({
      status: 'done',
      sentiment: { label: 'positive', variant: 'control' },
      authenticity: { reasons: [], score: 0 },
      flags: [],
    });
    expect(observations).toHaveLength(1);
  });

  it('flags near-duplicates of recent reviews and of earlier reviews in the same batch', () => {
    const text = 'Absolutely stunning arrangements, on time, great communication, would book again for sure.';
    const recent = [{ id: 'old', text: `Great. ${text}`, submittedAt: Date.parse('2026-05-01T00:00:00Z') }];
    const { reviews } = analyseReviews(
      [review('a', { title: 'Great', body: text }), review('b', { title: 'Great', body: `${text}!` })],
      recent,
      engine,
      { timeBudgetMs: 5000 },
    );
    expect(reviews[0]!.insights!.flags).toContain('near-duplicate');
    expect(reviews[1]!.insights!.authenticity!.duplicateOf).toEqual(expect.arrayContaining(['old', 'a']));
  });

  it('flags a burst from one source', () => {
    const batch = ['a', 'b', 'c'].map((id) =>
      review(id, {
        sourceHash: 'same-ip',
        verified: false,
        body: `Review ${id} text is different each time, ${id}.`,
      }),
    );
    const { reviews } = analyseReviews(batch, [], engine, { timeBudgetMs: 5000 });
    expect(reviews[2]!.insights!.flags).toContain('burst-from-source');
  });

  it('marks everything pending when the models fail, without throwing', () => {
    const failing = {
      forSupplier: () => {
        throw new Error('boom');
      },
    };
    const { reviews, observations } = analyseReviews([review('a')], [], failing, { timeBudgetMs: 5000 });
    expect(reviews[0]!.insights).toEqual({ status: 'pending', pendingReason: 'model-error: boom' });
    expect(observations).toEqual([]);
  });

  it('leaves the reviews after the time budget pending', () => {
    let now = 0;
    const { reviews } = analyseReviews([review('a'), review('b')], [], engine, {
      timeBudgetMs: 10,
      clock: () => (now += 8),
    });
    expect(reviews.map((r) => r.insights!.status)).toEqual(['done', 'pending']);
  });
});
