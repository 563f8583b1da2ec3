import { decodeEntries, decodeWeights, encodeWeights, weightRows } from '#src/models/ml/codec';
import { featureBucket, hash32 } from '#src/models/ml/hash';
import { FeatureAccumulator, SparseBuilder } from '#src/models/ml/sparse';

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

describe('weight rows (multi-output models)', () => {
  const outputs = 3;
  const buckets = 50;
  const dense = new Float64Array(buckets * outputs);
  dense[0] = 1; // bucket 0, output 0
  dense[2] = -0.5; // bucket 0, output 2
  dense[7 * outputs + 1] = 0.25;
  dense[49 * outputs + 2] = 2;

  it('hold exactly the non-zero entries of the dense table, by bucket', () => {
    const enc = encodeWeights(dense);
    const table = decodeWeights(enc, dense.length);
    const rows = weightRows(decodeEntries(enc, dense.length), buckets, outputs);
    const rebuilt = new Float32Array(dense.length);
    for (let b = 0; b < buckets; b++) {
      for (let e = rows.first[b]; e < rows.first[b] + rows.count[b]; e++) {
        rebuilt[b * outputs + rows.output[e]] = rows.weight[e];
      }
    }
    expect(Array.from(rebuilt)).toEqual(Array.from(table));
    expect(Array.from(rows.count).filter((c) => c > 0)).toEqual([2, 1, 1]);
    expect(rows.count[1]).toBe(0);
  });

  it('refuse more outputs than they can hold', () => {
    const enc = encodeWeights(dense);
    expect(() => weightRows(decodeEntries(enc, dense.length), 1, 256)).toThrow(/outputs/);
  });
});

describe('FeatureAccumulator', () => {
  it('sums or keeps the largest value per bucket, in first-seen order, and clears', () => {
    const acc = new FeatureAccumulator(16);
    acc.add(9, 1);
    acc.add(3, 0.5);
    acc.add(9, 0.25);
    expect(acc.toVector()).toEqual({ indices: [9, 3], values: [1.25, 0.5] });
    acc.clear();
    expect(acc.toVector()).toEqual({ indices: [], values: [] });
    acc.max(3, 0.5);
    acc.max(3, 1.5);
    acc.max(3, 1);
    acc.max(0, 2);
    expect(acc.toVector()).toEqual({ indices: [3, 0], values: [1.5, 2] });
  });

  it('grows past its initial capacity and matches SparseBuilder', () => {
    const acc = new FeatureAccumulator(1024);
    const builder = new SparseBuilder();
    for (let i = 0; i < 500; i++) {
      const bucket = (i * 37) % 1021;
      acc.add(bucket, i / 7);
      builder.add(bucket, i / 7);
    }
    expect(acc.toVector()).toEqual(builder.build());
  });
});
