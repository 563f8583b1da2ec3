/** Classification metrics. A `null` prediction (a lexicon score of exactly 0) is always wrong. */

export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface Metrics {
  readonly n: number;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly perClass: Record<string, ClassMetrics>;
}

const round = (x: number): number => Math.round(x * 10000) / 10000;

export function classificationMetrics(
  gold: readonly string[],
  predicted: readonly (string | null)[],
  labels: readonly string[],
): Metrics {
  if (gold.length !== predicted.length) throw new Error('gold and predicted differ in length');
  let correct = 0;
  const perClass: Record<string, ClassMetrics> = {};
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) correct++;
  let f1Sum = 0;
  for (const label of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      const g = gold[i] === label;
      const p = predicted[i] === label;
      if (g && p) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    f1Sum += f1;
    perClass[label] = { precision: round(precision), recall: round(recall), f1: round(f1), support: tp + fn };
  }
  return {
    n: gold.length,
    accuracy: round(gold.length > 0 ? correct / gold.length : 0),
    macroF1: round(labels.length > 0 ? f1Sum / labels.length : 0),
    perClass,
  };
}

/** Expected calibration error over 10 equal-width confidence bins. */
export function expectedCalibrationError(confidence: readonly number[], correct: readonly boolean[]): number {
  const bins = 10;
  const sumConf = new Array<number>(bins).fill(0);
  const sumAcc = new Array<number>(bins).fill(0);
  const count = new Array<number>(bins).fill(0);
  confidence.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.floor(c * bins));
    sumConf[b] += c;
    sumAcc[b] += correct[i] ? 1 : 0;
    count[b]++;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++)
    if (count[b] > 0) ece += Math.abs(sumAcc[b] - sumConf[b]) / confidence.length;
  return round(ece);
}

export interface SliceReport {
  readonly slices: Record<string, { n: number; accuracy: number; macroF1: number }>;
  /** Largest accuracy difference between two slices, and which. */
  readonly largestGap: { accuracy: number; between: [string, string] };
}

export function sliceMetrics(
  gold: readonly string[],
  predicted: readonly (string | null)[],
  sliceOf: readonly string[],
  labels: readonly string[],
): SliceReport {
  const names = [...new Set(sliceOf)].sort();
  const slices: SliceReport['slices'] = {};
  for (const name of names) {
    const idx = sliceOf.map((s, i) => (s === name ? i : -1)).filter((i) => i >= 0);
    const m = classificationMetrics(
      idx.map((i) => gold[i]),
      idx.map((i) => predicted[i]),
      labels,
    );
    slices[name] = { n: m.n, accuracy: m.accuracy, macroF1: m.macroF1 };
  }
  let lo = names[0];
  let hi = names[0];
  for (const name of names) {
    if (slices[name].accuracy < slices[lo].accuracy) lo = name;
    if (slices[name].accuracy > slices[hi].accuracy) hi = name;
  }
  return {
    slices,
    largestGap: { accuracy: round(slices[hi].accuracy - slices[lo].accuracy), between: [hi, lo] },
  };
}
