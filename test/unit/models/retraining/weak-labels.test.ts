import { holdoutPosition, splitWeakLabels, weakLabel } from '../../../../src/models/retraining/weak-labels';

describe('weak labels from star ratings', () => {
  it('labels 1-2 stars negative, 4-5 positive, and leaves 3 stars and no stars out', () => {
    expect([1, 2, 3, 4, 5].map(weakLabel)).toEqual(['negative', 'negative', null, 'positive', 'positive']);
    expect(weakLabel(null)).toBeNull();
    expect(weakLabel(undefined)).toBeNull();
    expect(weakLabel(4.5)).toBeNull();
  });

  it('splits deterministically by review id, whatever order the store returned', () => {
    const reviews = Array.from({ length: 400 }, (_, i) => ({
      reviewId: `rev_${String(i).padStart(4, '0')}`,
      text: `review ${i}`,
      rating: (i % 5) + 1,
    }));
    const a = splitWeakLabels(reviews, 0.2);
    const b = splitWeakLabels([...reviews].reverse(), 0.2);
    expect(b).toEqual(a);
    // 3-star reviews (one in five) are left out, the rest split about 80/20.
    expect(a.leftOut).toBe(80);
    expect(a.train.length + a.recent.length).toBe(320);
    expect(a.recent.length).toBeGreaterThan(40);
    expect(a.recent.length).toBeLessThan(90);
    for (const r of a.recent) expect(holdoutPosition(r.reviewId)).toBeLessThan(0.2);
    for (const r of a.train) expect(holdoutPosition(r.reviewId)).toBeGreaterThanOrEqual(0.2);
    expect(new Set([...a.train, ...a.recent].map((r) => r.reviewId)).size).toBe(320);
  });

  it('leaves out reviews with no text, and labels the rest by their stars', () => {
    const split = splitWeakLabels(
      [
        { reviewId: 'a', text: '   ', rating: 5 },
        { reviewId: 'b', text: 'Lovely day', rating: 5 },
        { reviewId: 'c', text: 'Never again', rating: 1 },
      ],
      0,
    );
    expect(split.leftOut).toBe(1);
    expect(split.train).toEqual([
      { reviewId: 'b', text: 'Lovely day', label: 'positive' },
      { reviewId: 'c', text: 'Never again', label: 'negative' },
    ]);
  });
});
