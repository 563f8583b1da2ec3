import fc from 'fast-check';
import {
  decodeWeights,
  denseWeights,
  encodedWeights,
  encodeLegacyWeights,
  encodeWeights,
  unpackWeights,
  upgradeLegacyWeights,
  weightsFileBytes,
  type BinaryWeights,
  type EncodedWeights,
} from '#src/models/ml/codec';
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

  it('groups buckets so that a group holds about eight non-empty buckets', () => {
    const wide = new Float64Array(2 ** 12);
    for (let b = 0; b < wide.length; b += 16) wide[b] = 1; // 256 non-empty buckets
    const enc = encodeWeights(wide);
    // 2^12 / 2^groupBits groups * 8 >= 256 non-empty buckets, the largest such groupBits.
    expect(enc.groupBits).toBe(7);
    const p = unpackWeights(enc, wide.length, 1);
    expect(p.starts).toHaveLength(2 ** 5 + 1);
    expect(Array.from(denseWeights(p))).toEqual(Array.from(Float32Array.from(wide)));
  });

  it('rejects corrupt encodings', () => {
    const enc = encodeWeights(dense);
    expect(() => decodeWeights(enc, 10)).toThrow(/groups|starts/);
    expect(() => decodeWeights({ ...enc, count: enc.count + 1 }, dense.length)).toThrow(/entries/);
    const starts = new Uint32Array(new Uint8Array(Buffer.from(enc.starts, 'base64')).buffer);
    starts[1] = starts[starts.length - 1] + 1; // group 0 claims more entries than there are
    const broken = { ...enc, starts: Buffer.from(starts.buffer).toString('base64') };
    expect(() => decodeWeights(broken, dense.length)).toThrow(/ascending/);
    expect(() => encodeWeights(new Float64Array(10), 0, 3)).toThrow(/multiple/);
  });

  describe('the v3 weights file', () => {
    // 64 buckets of 3 outputs, a third of them non-empty.
    const multi = new Float64Array(64 * 3).map((_, i) => (i % 7 === 0 ? ((i % 5) - 2) / 3 : 0));
    const binaryOf = (enc: EncodedWeights): BinaryWeights => ({
      count: enc.count,
      scale: enc.scale,
      groupBits: enc.groupBits,
      data: new Uint8Array(weightsFileBytes(enc)),
    });

    it('holds the base64 arrays back to back and views them in place', () => {
      for (const [table, outputs] of [
        [dense, 1],
        [multi, 3],
      ] as const) {
        const enc = encodeWeights(table, 0, outputs);
        const buckets = table.length / outputs;
        const fromFile = unpackWeights(binaryOf(enc), buckets, outputs);
        const fromBase64 = unpackWeights(enc, buckets, outputs);
        expect(fromFile).toEqual(fromBase64);
        expect(fromFile.q.buffer).toBe(fromFile.starts.buffer);
        expect(Array.from(denseWeights(fromFile))).toEqual(Array.from(decodeWeights(enc, buckets, outputs)));
        // Back to base64 (the single-file form) unchanged.
        expect(encodedWeights(binaryOf(enc), buckets, outputs)).toEqual(enc);
        expect(encodedWeights(enc, buckets, outputs)).toBe(enc);
      }
    });

    it('copies a file that does not start on a 4-byte boundary', () => {
      const enc = encodeWeights(multi, 0, 3);
      const bin = binaryOf(enc);
      const shifted = new Uint8Array(bin.data.length + 1).subarray(1);
      shifted.set(bin.data);
      expect(unpackWeights({ ...bin, data: shifted }, 64, 3)).toEqual(unpackWeights(bin, 64, 3));
    });

    it('rejects a file of the wrong length or with broken group starts', () => {
      const bin = binaryOf(encodeWeights(dense));
      expect(() => unpackWeights({ ...bin, data: bin.data.subarray(1) }, dense.length, 1)).toThrow(
        /holds \d+ bytes/,
      );
      expect(() => unpackWeights({ ...bin, count: bin.count + 1 }, dense.length, 1)).toThrow(/bytes/);
      // Read as a 3-output file, the same bytes are too short.
      expect(() => unpackWeights(bin, dense.length, 3)).toThrow(/bytes/);
      const broken = new Uint8Array(bin.data);
      new Uint32Array(broken.buffer, 0, 2)[1] = bin.count + 1;
      expect(() => unpackWeights({ ...bin, data: broken }, dense.length, 1)).toThrow(/ascending/);
    });
  });

  it('reads the legacy (v1) encoding into the same weights', () => {
    const legacy = encodeLegacyWeights(dense, 0.005);
    const upgraded = upgradeLegacyWeights(legacy, dense.length, 1);
    expect(upgraded).toEqual(encodeWeights(dense, 0.005));
    expect(() => upgradeLegacyWeights(legacy, 10, 1)).toThrow(/out of range/);
    expect(() => upgradeLegacyWeights({ ...legacy, count: legacy.count + 1 }, dense.length, 1)).toThrow(
      /expected/,
    );
  });
});

describe('packed weights of multi-output models', () => {
  const outputs = 3;
  const buckets = 64;
  const dense = new Float64Array(buckets * outputs);
  dense[0] = 1; // bucket 0, output 0
  dense[2] = -0.5; // bucket 0, output 2
  dense[7 * outputs + 1] = 0.25;
  dense[49 * outputs + 2] = 2;

  it('hold exactly the non-zero entries of the dense table, by bucket and output', () => {
    const enc = encodeWeights(dense, 0, outputs);
    const p = unpackWeights(enc, buckets, outputs);
    const rebuilt = new Float32Array(dense.length);
    for (let g = 0; g + 1 < p.starts.length; g++) {
      for (let e = p.starts[g]; e < p.starts[g + 1]; e++) {
        rebuilt[((g << p.groupBits) + p.slots[e]) * outputs + p.output[e]] = p.table[p.q[e] + 128];
      }
    }
    expect(Array.from(rebuilt)).toEqual(Array.from(denseWeights(p)));
    expect(Array.from(p.output)).toEqual([0, 2, 1, 2]);
    expect(Array.from(denseWeights(p)).filter((w) => w !== 0)).toHaveLength(4);
    // The legacy encoding of the same table upgrades to the same packing.
    expect(upgradeLegacyWeights(encodeLegacyWeights(dense), buckets, outputs)).toEqual(enc);
  });

  it('refuse more outputs than a byte can name', () => {
    expect(() => encodeWeights(new Float64Array(257), 0, 257)).toThrow(/outputs/);
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

  it('sums a first -0 from 0 as SparseBuilder does, and keeps a max of -0 as it is', () => {
    // fast-check found this: toEqual tells -0 from 0, and the vectors are meant to be identical.
    const acc = new FeatureAccumulator(64);
    const builder = new SparseBuilder();
    acc.add(0, -0);
    builder.add(0, -0);
    acc.max(1, -0);
    builder.max(1, -0);
    expect(acc.toVector()).toEqual(builder.build());
    expect(Object.is(acc.toVector().values[0], 0)).toBe(true);
    expect(Object.is(acc.toVector().values[1], -0)).toBe(true);
  });

  it('matches SparseBuilder on any sequence of updates, across clears (add and max)', () => {
    const acc = new FeatureAccumulator(2 ** 18);
    const update = fc.tuple(
      fc.boolean(),
      fc.integer({ min: 0, max: 2 ** 18 - 1 }),
      fc.double({ noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(update, { maxLength: 300 }), { maxLength: 4 }), (texts) => {
        for (const updates of texts) {
          acc.clear();
          const builder = new SparseBuilder();
          // Few distinct buckets too, so that updates hit buckets already held.
          for (const [isMax, bucket, value] of updates) {
            const b = bucket % 3 === 0 ? bucket % 17 : bucket;
            if (isMax) {
              acc.max(b, value);
              builder.max(b, value);
            } else {
              acc.add(b, value);
              builder.add(b, value);
            }
          }
          expect(acc.toVector()).toEqual(builder.build());
        }
      }),
      { numRuns: 300 },
    );
  });
});
