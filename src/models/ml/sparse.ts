/** Sparse feature vectors: parallel arrays of hashed indices and values (no duplicate indices). */
export interface SparseVector {
  readonly indices: readonly number[];
  readonly values: readonly number[];
}

/** Accumulates feature values by index; insertion order is kept so output is deterministic. */
export class SparseBuilder {
  private readonly map = new Map<number, number>();

  add(index: number, value: number): void {
    this.map.set(index, (this.map.get(index) ?? 0) + value);
  }

  /** Keeps the largest value seen for an index (presence features with clause weights). */
  max(index: number, value: number): void {
    const prev = this.map.get(index);
    if (prev === undefined || value > prev) this.map.set(index, value);
  }

  build(): SparseVector {
    const indices: number[] = [];
    const values: number[] = [];
    for (const [i, v] of this.map) {
      indices.push(i);
      values.push(v);
    }
    return { indices, values };
  }
}

/** Scales a vector to unit L2 norm (the zero vector is returned unchanged). */
export function l2Normalise(v: SparseVector): SparseVector {
  let sum = 0;
  for (const x of v.values) sum += x * x;
  if (sum === 0) return v;
  const inv = 1 / Math.sqrt(sum);
  return { indices: v.indices, values: v.values.map((x) => x * inv) };
}

/**
 * Reusable accumulator of the features of one text over a hash space of `buckets`: values summed
 * ({@link add}) or kept at their largest ({@link max}) per bucket, buckets in first-seen order (the
 * order `SparseBuilder` and the vectors built from it have, so sums over them are bit-identical).
 * A small open-addressing table (bucket -> position, linear probing, at most half full) makes each
 * update O(1) without allocation; it grows with the text, so it stays a few KB and in the
 * innermost cache where a dense slot table of 2^16-2^18 buckets would not. {@link clear} costs the
 * number of features held. Inference reads `indices`/`values` in place (valid until the next
 * clear); {@link toVector} copies them for callers that keep vectors (training).
 */
export class FeatureAccumulator {
  /** 1 + bucket per table slot, 0 when free. */
  private keys = new Int32Array(256);
  /** Position in `indices` of each occupied slot. */
  private positions = new Int32Array(256);
  /** The table slot of each feature, in `indices` order (what {@link clear} frees). */
  private slotOf = new Int32Array(128);
  private mask = 255;
  private shift = 24;
  indices = new Int32Array(128);
  values = new Float64Array(128);
  size = 0;

  /** `buckets` bounds the indices (2^bits; every caller passes a `bucketOf`); the table does not depend on it. */
  constructor(readonly buckets: number) {}

  add(index: number, value: number): void {
    const at = this.find(index);
    // `0 + value` as SparseBuilder sums from 0: a first -0 is stored as 0, so vectors stay identical.
    if (at < 0) this.push(index, 0 + value, ~at);
    else this.values[at] += value;
  }

  max(index: number, value: number): void {
    const at = this.find(index);
    if (at < 0) this.push(index, value, ~at);
    else if (value > this.values[at]) this.values[at] = value;
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.keys[this.slotOf[i]] = 0;
    this.size = 0;
  }

  toVector(): SparseVector {
    return {
      indices: Array.from(this.indices.subarray(0, this.size)),
      values: Array.from(this.values.subarray(0, this.size)),
    };
  }

  /** The position of `index` (in [0, buckets)) in `indices`, or ~slot of the free table slot where it goes. */
  private find(index: number): number {
    const key = index + 1;
    let slot = Math.imul(index, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = this.keys[slot];
      if (k === key) return this.positions[slot];
      if (k === 0) return ~slot;
      slot = (slot + 1) & this.mask;
    }
  }

  private push(index: number, value: number, slot: number): void {
    if (this.size === this.indices.length) {
      this.indices = grow(this.indices, new Int32Array(this.size * 2));
      this.values = grow(this.values, new Float64Array(this.size * 2));
      this.slotOf = grow(this.slotOf, new Int32Array(this.size * 2));
    }
    this.indices[this.size] = index;
    this.values[this.size] = value;
    this.keys[slot] = index + 1;
    this.positions[slot] = this.size;
    this.slotOf[this.size] = slot;
    this.size++;
    // At most half full: a larger table, the features re-inserted in order.
    if (2 * this.size > this.keys.length) this.rehash(2 * this.keys.length);
  }

  private rehash(capacity: number): void {
    this.keys = new Int32Array(capacity);
    this.positions = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    for (let i = 0; i < this.size; i++) {
      let slot = Math.imul(this.indices[i], 0x9e3779b1) >>> this.shift;
      while (this.keys[slot] !== 0) slot = (slot + 1) & this.mask;
      this.keys[slot] = this.indices[i] + 1;
      this.positions[slot] = i;
      this.slotOf[i] = slot;
    }
  }
}

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** One accumulator per hash-space size, for a module's synchronous featurisation. */
export function accumulatorCache(): (bits: number) => FeatureAccumulator {
  const bySize = new Map<number, FeatureAccumulator>();
  return (bits) => {
    let acc = bySize.get(bits);
    if (!acc) {
      acc = new FeatureAccumulator(2 ** bits);
      bySize.set(bits, acc);
    }
    return acc;
  };
}
