import { ProblemError } from '../../../src/shared/problem';
import { reviewIdFor } from '../../../src/reviews/domain/review-ids';
import { reviewSubmittedMessage } from '../../../src/reviews/domain/review-schemas';
import { signReviewToken } from '../../../src/access/domain/review-token';
import { submitReview } from '../../../src/reviews/use-cases/submit-review';

const now = new Date('2026-06-01T10:00:00Z');
const body = { rating: 5, title: 'Great', body: 'Lovely', reviewerName: 'Sam' };

function setup(ring: string[][] = [['k1']]) {
  const sent: { body: string; attributes?: Record<string, string> }[] = [];
  let fetches = 0;
  const deps = {
    queue: {
      send: async (b: string, attributes?: Record<string, string>) => void sent.push({ body: b, attributes }),
    },
    keys: {
      keyRing: async (options?: { forceFetch?: boolean }) => {
        fetches += 1;
        return options?.forceFetch ? ring[ring.length - 1]! : ring[0]!;
      },
    },
    clock: { now: () => now },
  };
  return { deps, sent, fetches: () => fetches };
}

async function problemOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemError) return error.problem;
    throw error;
  }
  throw new Error('no problem raised');
}

describe('submitReview', () => {
  it('queues a valid message keyed by platform + externalId for supplier imports', async () => {
    const { deps, sent } = setup();
    const result = await submitReview(
      { kind: 'supplier', supplierId: 'sup_a', keyId: 'key_1' },
      { ...body, platform: 'google', externalId: 'g1' },
      undefined,
      deps,
    );
    expect(result.reviewId).toBe(
      reviewIdFor('sup_a', { kind: 'external', platform: 'google', externalId: 'g1' }),
    );
    const message = reviewSubmittedMessage().parse(JSON.parse(sent[0]!.body));
    expect(message).toMatchObject({
      supplierId: 'sup_a',
      actor: { kind: 'supplier', id: 'key_1' },
      review: { platform: 'google', submittedAt: now.toISOString() },
    });
    expect(sent[0]!.attributes).toEqual({ type: 'review.submitted', supplierId: 'sup_a' });
  });

  it('uses the Idempotency-Key when there is no external id, and refuses neither', async () => {
    const { deps } = setup();
    const principal = { kind: 'supplier', supplierId: 'sup_a', keyId: 'key_1' } as const;
    const result = await submitReview(principal, body, 'order-1', deps);
    expect(result.reviewId).toBe(reviewIdFor('sup_a', { kind: 'idempotency-key', key: 'order-1' }));
    expect((await problemOf(submitReview(principal, body, undefined, deps))).status).toBe(422);
    expect((await problemOf(submitReview(principal, body, 'has space', deps))).status).toBe(400);
  });

  it('takes the tenant from a couple token, never from the body', async () => {
    const { deps, sent } = setup();
    const token = signReviewToken(
      {
        supplierId: 'sup_b',
        requestId: 'rrq_9',
        expiresAt: new Date('2026-07-01T00:00:00Z'),
        delivery: 'email',
      },
      ['k1'],
    );
    const result = await submitReview({ kind: 'review-token', token }, body, undefined, deps);
    expect(result.reviewId).toBe(reviewIdFor('sup_b', { kind: 'review-request', requestId: 'rrq_9' }));
    expect(JSON.parse(sent[0]!.body)).toMatchObject({
      supplierId: 'sup_b',
      review: { platform: 'wedsync' },
      actor: { kind: 'couple' },
    });
    const withPlatform = await problemOf(
      submitReview(
        { kind: 'review-token', token },
        { ...body, platform: 'google', externalId: 'x' },
        undefined,
        deps,
      ),
    );
    expect(withPlatform.status).toBe(422);
  });

  it('queues a shareable-link review with the unverified review-link origin, same review id', async () => {
    const { deps, sent } = setup();
    const token = signReviewToken(
      {
        supplierId: 'sup_b',
        requestId: 'rrq_9',
        expiresAt: new Date('2026-07-01T00:00:00Z'),
        delivery: 'link',
      },
      ['k1'],
    );
    const result = await submitReview({ kind: 'review-token', token }, body, undefined, deps);
    expect(JSON.parse(sent[0]!.body)).toMatchObject({
      supplierId: 'sup_b',
      origin: { kind: 'review-link', requestId: 'rrq_9' },
    });
    // One request is one review, whichever way its link travelled.
    expect(result.reviewId).toBe(reviewIdFor('sup_b', { kind: 'review-request', requestId: 'rrq_9' }));
  });

  it('refetches the key ring once when a token was signed after a rotation', async () => {
    const { deps, fetches } = setup([['old'], ['new', 'old']]);
    const token = signReviewToken(
      {
        supplierId: 'sup_b',
        requestId: 'rrq_9',
        expiresAt: new Date('2026-07-01T00:00:00Z'),
        delivery: 'email',
      },
      ['new'],
    );
    await submitReview({ kind: 'review-token', token }, body, undefined, deps);
    expect(fetches()).toBe(2);
  });

  it('answers 401 for an expired or foreign token and queues nothing', async () => {
    const { deps, sent } = setup();
    const expired = signReviewToken(
      { supplierId: 'sup_b', requestId: 'r', expiresAt: new Date('2026-05-01T00:00:00Z'), delivery: 'email' },
      ['k1'],
    );
    const foreign = signReviewToken(
      { supplierId: 'sup_b', requestId: 'r', expiresAt: new Date('2026-07-01T00:00:00Z'), delivery: 'email' },
      ['other'],
    );
    expect(
      await problemOf(submitReview({ kind: 'review-token', token: expired }, body, undefined, deps)),
    ).toMatchObject({ status: 401, detail: 'the review link has expired' });
    expect(
      (await problemOf(submitReview({ kind: 'review-token', token: foreign }, body, undefined, deps))).status,
    ).toBe(401);
    expect(sent).toHaveLength(0);
  });

  it('lets a queue failure surface (the API answers 5xx, the client retries with the same id)', async () => {
    const { deps } = setup();
    deps.queue.send = async () => {
      throw new Error('queue down');
    };
    await expect(
      submitReview({ kind: 'supplier', supplierId: 's', keyId: 'k' }, body, 'x', deps),
    ).rejects.toThrow('queue down');
  });
});
