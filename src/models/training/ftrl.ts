/**
 * FTRL-Proximal training of hashed-feature logistic (binary) and softmax (multiclass) models
 * (McMahan et al., 2013), optionally regularised towards a prior weight vector instead of zero:
 * the learnt weights are `prior + delta` and L1/L2 act on `delta`, so features never seen in
 * training keep their prior (e.g. a lexicon valence). Deterministic for a given seed.
 */
import type { SparseVector } from '../ml/sparse';
import { sigmoid, softmax } from '../ml/linear';
import { createRng, shuffled } from './rng';

export interface FtrlConfig {
  readonly alpha: number;
  readonly beta: number;
  readonly l1: number;
  readonly l2: number;
  readonly epochs: number;
  readonly seed: number;
}

export interface TrainingExample {
  readonly x: SparseVector;
  /** Class index: 0/1 for binary, 0..K-1 for multiclass. */
  readonly y: number;
  readonly weight?: number;
}

export interface TrainedLinear {
  readonly weights: Float64Array;
  readonly bias: number[];
  readonly outputs: number;
}

/**
 * @param outputs 1 for binary logistic regression, K for a K-class softmax.
 * @param prior optional dense prior (same layout as the weights).
 */
export function trainFtrl(
  examples: readonly TrainingExample[],
  bits: number,
  outputs: number,
  cfg: FtrlConfig,
  prior?: Float64Array,
): TrainedLinear {
  const size = 2 ** bits * outputs;
  if (prior && prior.length !== size) throw new Error('prior has the wrong size');
  const z = new Float64Array(size);
  const n = new Float64Array(size);
  const biasZ = new Float64Array(outputs);
  const biasN = new Float64Array(outputs);
  const rng = createRng(cfg.seed);

  const delta = (i: number): number => {
    const zi = z[i];
    if (Math.abs(zi) <= cfg.l1) return 0;
    return -(zi - Math.sign(zi) * cfg.l1) / ((cfg.beta + Math.sqrt(n[i])) / cfg.alpha + cfg.l2);
  };
  const weightAt = (i: number): number => (prior ? prior[i] : 0) + delta(i);
  const biasAt = (c: number): number => -biasZ[c] / ((cfg.beta + Math.sqrt(biasN[c])) / cfg.alpha);

  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (const e of shuffled(order, rng)) {
      const ex = examples[e];
      const sw = ex.weight ?? 1;
      const { indices, values } = ex.x;
      const scores = new Array<number>(outputs);
      for (let c = 0; c < outputs; c++) {
        let s = biasAt(c);
        for (let k = 0; k < indices.length; k++) s += weightAt(indices[k] * outputs + c) * values[k];
        scores[c] = s;
      }
      const grads =
        outputs === 1 ? [sigmoid(scores[0]) - ex.y] : softmax(scores).map((p, c) => p - (c === ex.y ? 1 : 0));
      for (let c = 0; c < outputs; c++) {
        const g = grads[c] * sw;
        if (g === 0) continue;
        for (let k = 0; k < indices.length; k++) {
          const i = indices[k] * outputs + c;
          const gi = g * values[k];
          const sigma = (Math.sqrt(n[i] + gi * gi) - Math.sqrt(n[i])) / cfg.alpha;
          z[i] += gi - sigma * delta(i);
          n[i] += gi * gi;
        }
        const bs = (Math.sqrt(biasN[c] + g * g) - Math.sqrt(biasN[c])) / cfg.alpha;
        biasZ[c] += g - bs * biasAt(c);
        biasN[c] += g * g;
      }
    }
  }
  const weights = new Float64Array(size);
  for (let i = 0; i < size; i++) weights[i] = weightAt(i);
  const bias = Array.from({ length: outputs }, (_, c) => biasAt(c));
  return { weights, bias, outputs };
}
