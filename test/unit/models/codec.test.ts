import { decodeWeights, encodeWeights } from '#src/models/ml/codec';
import { featureBucket, hash32 } from '#src/models/ml/hash';

describe('hash32 / featureBucket', () => {
  it('is deterministic and seed-dependent', () => {
    expect(hash32('u:great')).toBe(hash32('u:great'));
    expect(hash32('u:great')).not.toBe(hash32('u:great', 1));
    expect(hash32('u:great')).not.toBe(hash32('u:grate'));
  });

  it('spreads similar names over the buckets', () => {
    const buckets = new Set<number>();
    for (let i = 0; i < 1000; i++) buckets.add(featureBucket(`u:word${i}`, 12));
    // 1000 names in 4096 buckets: a uniform hash leaves ~890 distinct buckets.
    expect(buckets.size).toBeGreaterThan(850);
    for (const b of buckets) expect(b).toBeLessThan(4096);
  });
});

describe('weight codec', () => {
  const dense = new Float64Array(1000);
  dense[3] = 2.5;
  dense[4] = -0.01;
  dense[400] = -1.25;
  dense[999] = 0.3;

  it('round-trips within the companded int8 error and keeps zeros', () => {
    const out = decodeWeights(encodeWeights(dense), dense.length);
    for (let i = 0; i < dense.length; i++) {
      // error of sqrt-companding: |d(w)| <= sqrt(|w|) * sqrt(max) / 127 (+ rounding slack)
      const bound = (Math.sqrt(Math.abs(dense[i])) * Math.sqrt(2.5)) / 127 + 1e-4;
      expect(Math.abs(out[i] - dense[i])).toBeLessThanOrEqual(bound);
    }
    expect(out[5]).toBe(0);
    expect(out[3]).toBeCloseTo(2.5, 5);
  });

  it('is deterministic and drops weights under minAbs', () => {
    expect(encodeWeights(dense)).toEqual(encodeWeights(dense));
    const pruned = encodeWeights(dense, 0.05);
    expect(pruned.count).toBe(3);
    expect(decodeWeights(pruned, dense.length)[4]).toBe(0);
  });

  it('rejects corrupt streams', () => {
    const enc = encodeWeights(dense);
    expect(() => decodeWeights(enc, 10)).toThrow(/out of range/);
    expect(() => decodeWeights({ ...enc, count: enc.count + 1 }, dense.length)).toThrow(/expected/);
  });
});
