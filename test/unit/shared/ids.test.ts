import fc from 'fast-check';
import { eventIdFor, ID_PATTERN, randomId } from '../../../src/shared/ids';
import { reviewIdFor } from '../../../src/reviews/domain/review-ids';

describe('review ids', () => {
  it('are stable for the same supplier and natural key', () => {
    const origin = { kind: 'external', platform: 'google', externalId: 'abc' } as const;
    expect(reviewIdFor('sup_1', origin)).toBe(reviewIdFor('sup_1', { ...origin }));
    expect(reviewIdFor('sup_1', origin)).toMatch(ID_PATTERN);
  });

  it('differ across suppliers, platforms and origin kinds', () => {
    const ids = new Set([
      reviewIdFor('sup_1', { kind: 'external', platform: 'google', externalId: 'abc' }),
      reviewIdFor('sup_2', { kind: 'external', platform: 'google', externalId: 'abc' }),
      reviewIdFor('sup_1', { kind: 'external', platform: 'facebook', externalId: 'abc' }),
      reviewIdFor('sup_1', { kind: 'idempotency-key', key: 'abc' }),
      reviewIdFor('sup_1', { kind: 'review-request', requestId: 'abc' }),
    ]);
    expect(ids.size).toBe(5);
  });

  it('cannot be made to collide by moving characters between key parts', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (a, b, c) => {
          const one = reviewIdFor(a, { kind: 'external', platform: 'google', externalId: b + c });
          const two = reviewIdFor(a + b, { kind: 'external', platform: 'google', externalId: c });
          return one !== two;
        },
      ),
    );
  });

  it('event ids are deterministic per subject and type', () => {
    expect(eventIdFor('rev_1', 'review.received')).toBe(eventIdFor('rev_1', 'review.received'));
    expect(eventIdFor('rev_1', 'review.received')).not.toBe(eventIdFor('rev_1', 'review.negative'));
    expect(eventIdFor('rev_1', 'review.received')).toMatch(ID_PATTERN);
  });

  it('random ids are well formed and distinct', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomId('rrq')));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
  });
});
