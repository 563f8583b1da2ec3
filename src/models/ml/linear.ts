/** Scoring of hashed-feature linear models (binary logistic or softmax). */
import type { SparseVector } from './sparse';

export interface LinearParams {
  /** Dense weights, `outputs` consecutive entries per hash bucket. */
  readonly weights: Float32Array;
  readonly bias: readonly number[];
  /** 1 for a binary model, the number of classes otherwise. */
  readonly outputs: number;
}

/** Raw scores w·x (without bias), one per output. */
export function dot(p: LinearParams, x: SparseVector): number[] {
  const out = new Array<number>(p.outputs).fill(0);
  const k = p.outputs;
  for (let i = 0; i < x.indices.length; i++) {
    const base = x.indices[i] * k;
    const v = x.values[i];
    for (let c = 0; c < k; c++) out[c] += p.weights[base + c] * v;
  }
  return out;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function softmax(z: readonly number[]): number[] {
  let m = -Infinity;
  for (const v of z) m = Math.max(m, v);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
