/** Population stability index and the histograms it compares. Pure maths, no state. */

/** Floor for empty bins so that the logarithm stays finite (a common choice is 1e-4). */
export const PSI_EPSILON = 1e-4;

/**
 * PSI = sum over bins of (actual - expected) * ln(actual / expected), both given as shares that
 * sum to 1. Bins that are empty on one side are floored at `epsilon`.
 */
export function psi(expected: readonly number[], actual: readonly number[], epsilon = PSI_EPSILON): number {
  if (expected.length !== actual.length) throw new Error('psi: distributions differ in length');
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], epsilon);
    const a = Math.max(actual[i], epsilon);
    total += (a - e) * Math.log(a / e);
  }
  return total;
}

/** Shares of `values` per bin [edges[i], edges[i+1]) (the last bin includes its upper edge). */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of values) {
    let b = edges.length - 2;
    for (let i = 0; i < edges.length - 1; i++) {
      if (v < edges[i + 1]) {
        b = i;
        break;
      }
    }
    if (v >= edges[0]) counts[b]++;
  }
  const n = values.length;
  return counts.map((c) => (n > 0 ? c / n : 0));
}

/** Share of each label (in the given order) among `labels`. */
export function labelShares(labels: readonly string[], order: readonly string[]): number[] {
  const n = labels.length;
  return order.map((l) => (n > 0 ? labels.filter((x) => x === l).length / n : 0));
}

/** Conventional PSI reading: < 0.1 stable, 0.1-0.25 moderate shift, >= 0.25 significant shift. */
export function psiLevel(value: number): 'stable' | 'moderate-shift' | 'significant-shift' {
  return value < 0.1 ? 'stable' : value < 0.25 ? 'moderate-shift' : 'significant-shift';
}

/** Default confidence bin edges written into artifacts. */
export const CONFIDENCE_EDGES: readonly number[] = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1];
