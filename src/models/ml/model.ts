/**
 * A loaded model: turns an artifact into `predict(texts)`. No I/O here (see `load.ts`).
 */
import { outputCount, type ModelArtifact, type ReferenceDistribution, type Task } from './artifact';
import { decodeWeights } from './codec';
import { dot, sigmoid, softmax, type LinearParams } from './linear';
import type { Candidate, Prediction } from './prediction';
import { sentenceUnits, vectoriser } from './vectorise';

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
  const params: LinearParams = {
    weights: decodeWeights(a.weights, 2 ** a.features.bits * outputs),
    bias: a.bias,
    outputs,
  };
  const vectorise = vectoriser(a);
  const modelVersion = `${a.task}@${a.version}`;
  const threshold = options.threshold ?? a.threshold;
  const fallback = a.fallbackLabel;

  const logits = (text: string): number[] =>
    dot(params, vectorise(text)).map((v, c) => (v + a.bias[c]) / a.temperature);

  const binary = (z: number): Candidate => {
    const p = sigmoid(z);
    return p >= 0.5 ? { label: a.labels[1], confidence: p } : { label: a.labels[0], confidence: 1 - p };
  };

  // Binary sentence-mean: each sentence is scored once; the document's logit is the weighted mean
  // of the sentence logits (equal to scoring the weighted mean vector), and the sentences are
  // returned as the units of drift.
  const predictBySentence = (text: string): Prediction => {
    const { vectors, weights } = sentenceUnits(a, text);
    let doc = 0;
    const units: Candidate[] = [];
    for (let s = 0; s < vectors.length; s++) {
      const z = (dot(params, vectors[s])[0] + a.bias[0]) / a.temperature;
      doc += weights[s] * z;
      units.push(binary(z));
    }
    return { ...binary(doc), modelVersion, units };
  };

  const predictOne = (text: string): Prediction => {
    if (outputs === 1 && a.aggregation === 'sentence-mean') return predictBySentence(text);
    const z = logits(text);
    if (outputs === 1) return { ...binary(z[0]), modelVersion };
    const probs = softmax(z);
    // The best label (ties to the alphabetically first, as the ranking below) without sorting.
    let best = 0;
    for (let i = 1; i < probs.length; i++) {
      if (probs[i] > probs[best] || (probs[i] === probs[best] && a.labels[i] < a.labels[best])) best = i;
    }
    const top = { label: a.labels[best], confidence: probs[best] };
    // Below the threshold: abstain to the fallback label and show the three best candidates
    // (also when the best candidate is the fallback itself, e.g. a note that is only an amount).
    if (fallback !== undefined && threshold !== undefined && top.confidence < threshold) {
      const ranked: Candidate[] = probs
        .map((confidence, i) => ({ label: a.labels[i], confidence }))
        .sort((x, y) => y.confidence - x.confidence || (x.label < y.label ? -1 : 1));
      return { label: fallback, confidence: top.confidence, modelVersion, candidates: ranked.slice(0, 3) };
    }
    return { label: top.label, confidence: top.confidence, modelVersion };
  };

  return {
    task: a.task,
    version: a.version,
    modelVersion,
    labels: a.labels,
    threshold,
    reference: a.reference,
    logits,
    predict: (texts) => texts.map(predictOne),
  };
}
