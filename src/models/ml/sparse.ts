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
