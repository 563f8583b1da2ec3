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
 * A dense slot table makes each update O(1) without hashing or allocation; {@link clear} costs the
 * number of features held. Inference reads `indices`/`values` in place (valid until the next
 * clear); {@link toVector} copies them for callers that keep vectors (training).
 */
export class FeatureAccumulator {
  /** 1 + the position of a bucket in `indices`, 0 when the bucket holds nothing. */
  private readonly slots: Int32Array;
  indices = new Int32Array(64);
  values = new Float64Array(64);
  size = 0;

  constructor(buckets: number) {
    this.slots = new Int32Array(buckets);
  }

  add(index: number, value: number): void {
    const at = this.slots[index];
    if (at === 0) this.push(index, value);
    else this.values[at - 1] += value;
  }

  max(index: number, value: number): void {
    const at = this.slots[index];
    if (at === 0) this.push(index, value);
    else if (value > this.values[at - 1]) this.values[at - 1] = value;
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.slots[this.indices[i]] = 0;
    this.size = 0;
  }

  toVector(): SparseVector {
    return {
      indices: Array.from(this.indices.subarray(0, this.size)),
      values: Array.from(this.values.subarray(0, this.size)),
    };
  }

  private push(index: number, value: number): void {
    if (this.size === this.indices.length) {
      const indices = new Int32Array(this.size * 2);
      indices.set(this.indices);
      this.indices = indices;
      const values = new Float64Array(this.size * 2);
      values.set(this.values);
      this.values = values;
    }
    this.indices[this.size] = index;
    this.values[this.size] = value;
    this.size++;
    this.slots[index] = this.size;
  }
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
