/**
 * A loaded model: turns an artifact into `predict(texts)`. No I/O here (see `load.ts`).
 */
import { outputCount, type ModelArtifact, type ReferenceDistribution, type Task } from './artifact';
import { denseWeights, unpackWeights } from './codec';
import { dot, sigmoid, type LinearParams } from './linear';
import type { Candidate, Prediction } from './prediction';
import { accumulateExpenseFeatures } from './expense-features';
import { accumulateSentimentFeatures } from './sentiment-features';
import { vectoriser, weightedSentences } from './vectorise';

export interface ModelOptions {
  /** Overrides the artifact's abstention threshold (multiclass models only). */
  readonly threshold?: number;
}

export interface Model {
  readonly task: Task;
  readonly version: string;
  /** `<task>@<version>` as reported in each prediction. */
  readonly modelVersion: string;
  readonly labels: readonly string[];
  readonly threshold: number | undefined;
  readonly reference: ReferenceDistribution;
  /** Calibrated raw logits per output (before threshold logic); exposed for evaluation. */
  logits(text: string): number[];
  predict(texts: readonly string[]): Prediction[];
}

export function modelFromArtifact(a: ModelArtifact, options: ModelOptions = {}): Model {
  const outputs = outputCount(a);
  const buckets = 2 ** a.features.bits;
  // The fused path reads the packed weights in place (see `codec.ts`); the general path builds the
  // dense table once, if it is ever taken.
  const packed = unpackWeights(a.weights, buckets, outputs);
  let params: LinearParams | undefined;
  const linear = (): LinearParams => (params ??= { weights: denseWeights(packed), bias: a.bias, outputs });
  const vectorise = vectoriser(a);
  const modelVersion = `${a.task}@${a.version}`;
  const threshold = options.threshold ?? a.threshold;
  const fallback = a.fallbackLabel;
  const features = a.features;
  const bias = a.bias;
  const temperature = a.temperature;

  // Scratch of the hot path: one text at a time (inference is synchronous), nothing allocated per
  // text but the answer. Every sum runs in the order of the general path (vectoriser, `dot`,
  // `softmax`), so the results are bit-identical to it (test/unit/models/golden-predictions.test.ts).
  const raw = new Float64Array(outputs);
  const z = new Float64Array(outputs);
  const probs = new Float64Array(outputs);

  // Multi-output models: where each bucket's entries are, found in its group on the bucket's first
  // use and kept in one number, ((1 + first entry) << 8) + entry count (0 while unknown). A note has
  // many features (character n-grams) over a large table, so a group scan per feature would cost
  // more than the product; this table costs nothing per weight at load (zeroed memory, touched only
  // where used), and one read gives both numbers.
  const rowInfo = outputs === 1 ? undefined : new Int32Array(buckets);
  if (outputs > 255) throw new Error(`${outputs} outputs do not fit a row`);
  const resolveRow = (bucket: number): void => {
    const { starts, slots, groupBits } = packed;
    const slot = bucket & ((1 << groupBits) - 1);
    const g = bucket >>> groupBits;
    let e = starts[g];
    const end = starts[g + 1];
    while (e < end && slots[e] < slot) e++;
    let count = 0;
    while (e + count < end && slots[e + count] === slot) count++;
    rowInfo![bucket] = (e + 1) * 256 + count;
  };

  /** w·x of one unit (a whole text or one sentence) into `raw`, read from the features in place. */
  const unitDot = (text: string): Float64Array => {
    let acc;
    let scale = 1;
    if (features.type === 'expense') {
      acc = accumulateExpenseFeatures(text, features);
      // L2 normalisation as `l2Normalise` does it (a zero vector stays as it is).
      let sum = 0;
      for (let i = 0; i < acc.size; i++) sum += acc.values[i] * acc.values[i];
      if (sum !== 0) scale = 1 / Math.sqrt(sum);
    } else acc = accumulateSentimentFeatures(text, features);
    raw.fill(0);
    const { indices, values, size } = acc;
    // Zero weights are absent: adding +0 never changes a sum, so this equals the dense product.
    const { starts, slots, output, q, table, groupBits } = packed;
    const mask = (1 << groupBits) - 1;
    if (outputs === 1) {
      let sum = 0;
      for (let i = 0; i < size; i++) {
        const bucket = indices[i];
        const slot = bucket & mask;
        const g = bucket >>> groupBits;
        for (let e = starts[g], end = starts[g + 1]; e < end; e++) {
          const s = slots[e];
          if (s < slot) continue;
          if (s === slot) sum += table[q[e] + 128] * (values[i] * scale);
          break;
        }
      }
      raw[0] = sum;
      return raw;
    }
    // Rows seen for the first time are found before the product, so that its loop makes no call
    // (measured: about 6% of a note's time).
    const rows = rowInfo!;
    for (let i = 0; i < size; i++) if (rows[indices[i]] === 0) resolveRow(indices[i]);
    for (let i = 0; i < size; i++) {
      const v = values[i] * scale;
      const info = rows[indices[i]];
      const first = (info >>> 8) - 1;
      for (let e = first, end = first + (info & 255); e < end; e++) raw[output[e]] += table[q[e] + 128] * v;
    }
    return raw;
  };

  /** Calibrated logits into `z`: the fused path for `document` models, the vectoriser otherwise. */
  const logitsInto = (text: string): Float64Array => {
    const scores = a.aggregation === 'document' ? unitDot(text) : dot(linear(), vectorise(text));
    for (let c = 0; c < outputs; c++) z[c] = (scores[c] + bias[c]) / temperature;
    return z;
  };

  const binary = (logit: number): Candidate => {
    const p = sigmoid(logit);
    return p >= 0.5 ? { label: a.labels[1], confidence: p } : { label: a.labels[0], confidence: 1 - p };
  };

  // Binary sentence-mean: each sentence is scored once; the document's logit is the weighted mean
  // of the sentence logits (equal to scoring the weighted mean vector), and the sentences are
  // returned as the units of drift.
  const predictBySentence = (text: string): Prediction => {
    const { sentences, weights: sentenceWeights } = weightedSentences(text);
    let doc = 0;
    const units: Candidate[] = [];
    for (let s = 0; s < sentences.length; s++) {
      const logit = (unitDot(sentences[s])[0] + bias[0]) / temperature;
      doc += sentenceWeights[s] * logit;
      units.push(binary(logit));
    }
    const { label, confidence } = binary(doc);
    return { label, confidence, modelVersion, units };
  };

  const predictOne = (text: string): Prediction => {
    if (outputs === 1 && a.aggregation === 'sentence-mean') return predictBySentence(text);
    const logits = logitsInto(text);
    if (outputs === 1) {
      const { label, confidence } = binary(logits[0]);
      return { label, confidence, modelVersion };
    }
    softmaxInto(logits, probs);
    // The best label (ties to the alphabetically first, as the ranking below) without sorting.
    let best = 0;
    for (let i = 1; i < outputs; i++) {
      if (probs[i] > probs[best] || (probs[i] === probs[best] && a.labels[i] < a.labels[best])) best = i;
    }
    const confidence = probs[best];
    // Below the threshold: abstain to the fallback label and show the three best candidates
    // (also when the best candidate is the fallback itself, e.g. a note that is only an amount).
    if (fallback !== undefined && threshold !== undefined && confidence < threshold) {
      return { label: fallback, confidence, modelVersion, candidates: topCandidates(probs, a.labels, 3) };
    }
    return { label: a.labels[best], confidence, modelVersion };
  };

  return {
    task: a.task,
    version: a.version,
    modelVersion,
    labels: a.labels,
    threshold,
    reference: a.reference,
    logits: (text) => Array.from(logitsInto(text)),
    predict: (texts) => texts.map(predictOne),
  };
}

/** `softmax` (linear.ts) into `out`, the same operations in the same order. */
function softmaxInto(zs: Float64Array, out: Float64Array): void {
  let m = -Infinity;
  for (let i = 0; i < zs.length; i++) m = Math.max(m, zs[i]);
  let sum = 0;
  for (let i = 0; i < zs.length; i++) {
    out[i] = Math.exp(zs[i] - m);
    sum += out[i];
  }
  for (let i = 0; i < zs.length; i++) out[i] /= sum;
}

/**
 * The `k` best labels, by probability then label (labels are unique, so the order is total): the
 * first `k` of sorting them all, without building and sorting every candidate.
 */
function topCandidates(probs: Float64Array, labels: readonly string[], k: number): Candidate[] {
  const top: number[] = [];
  const before = (i: number, j: number): boolean =>
    probs[i] > probs[j] || (probs[i] === probs[j] && labels[i] < labels[j]);
  for (let i = 0; i < probs.length; i++) {
    let at = top.length;
    while (at > 0 && before(i, top[at - 1])) at--;
    if (at < k) {
      top.splice(at, 0, i);
      if (top.length > k) top.pop();
    }
  }
  return top.map((i) => ({ label: labels[i], confidence: probs[i] }));
}
