/**
 * Text -> sparse feature vector, exactly as the model was trained. With a sentence aggregation
 * a text is split into sentences and each is featurised on its own (so negation and contrast
 * scopes never cross a sentence), then:
 * - `sentence-sqrt`: the sum is divided by sqrt(sentence count);
 * - `sentence-mean`: a weighted mean of the sentence vectors, so the document's logit is the
 *   weighted mean of the sentence logits (a linear model: bias included, as the weights sum to 1).
 *   A sentence opening with a contrast ("But", "However", "That said") weighs 1.5 and the one
 *   before it 0.5 (VADER's "but" rule, across sentences); a summary ("Overall", "All in all")
 *   weighs 2. The confidence of a document then does not grow with its length.
 */
import type { ModelArtifact } from './artifact';
import { expenseFeatures } from './expense-features';
import { sentimentFeatures } from './sentiment-features';
import { SparseBuilder, type SparseVector } from './sparse';
import { splitSentences } from './tokenize';

export type VectoriserSpec = Pick<ModelArtifact, 'features' | 'aggregation'>;

const CONTRAST_OPENER =
  /^\W*(?:but|however|still|although|though|yet|nevertheless|nonetheless|that said|having said that|even so|on the other hand)\b/i;
const SUMMARY_OPENER =
  /^\W*(?:overall|all in all|in short|in summary|to sum up|in conclusion|all told|bottom line|in the end)\b/i;

/** Weight of each sentence in a `sentence-mean` document (see the module comment). */
export function sentenceWeights(sentences: readonly string[]): number[] {
  const w = sentences.map(() => 1);
  for (let i = 0; i < sentences.length; i++) {
    if (SUMMARY_OPENER.test(sentences[i])) w[i] = 2;
    else if (CONTRAST_OPENER.test(sentences[i])) {
      w[i] = 1.5;
      if (i > 0) w[i - 1] *= 0.5;
    }
  }
  return w;
}

export interface SentenceUnits {
  readonly vectors: SparseVector[];
  /** Normalised: they sum to 1. */
  readonly weights: number[];
}

/**
 * The sentences of a text with their normalised `sentence-mean` weights; a text of one sentence (or
 * none) is one unit: the text itself, untrimmed, with weight 1.
 */
export function weightedSentences(text: string): {
  sentences: readonly string[];
  weights: readonly number[];
} {
  const sentences = splitSentences(text);
  if (sentences.length <= 1) return { sentences: [text], weights: [1] };
  const raw = sentenceWeights(sentences);
  const total = raw.reduce((a, b) => a + b, 0);
  return { sentences, weights: raw.map((w) => w / total) };
}

/** The sentences of a text as separate vectors with their `sentence-mean` weights. */
export function sentenceUnits(spec: VectoriserSpec, text: string): SentenceUnits {
  const unit = unitFeaturiser(spec);
  const { sentences, weights } = weightedSentences(text);
  return { vectors: sentences.map(unit), weights: [...weights] };
}

function unitFeaturiser(spec: VectoriserSpec): (text: string) => SparseVector {
  const f = spec.features;
  return f.type === 'sentiment' ? (t) => sentimentFeatures(t, f) : (t) => expenseFeatures(t, f);
}

export function vectoriser(spec: VectoriserSpec): (text: string) => SparseVector {
  const unit = unitFeaturiser(spec);
  if (spec.aggregation === 'document') return unit;
  if (spec.aggregation === 'sentence-mean') {
    return (text) => {
      const { vectors, weights } = sentenceUnits(spec, text);
      if (vectors.length === 1) return vectors[0];
      const b = new SparseBuilder();
      vectors.forEach((v, s) => {
        for (let i = 0; i < v.indices.length; i++) b.add(v.indices[i], v.values[i] * weights[s]);
      });
      return b.build();
    };
  }
  return (text) => {
    const sentences = splitSentences(text);
    if (sentences.length <= 1) return unit(text);
    const b = new SparseBuilder();
    const norm = 1 / Math.sqrt(sentences.length);
    for (const s of sentences) {
      const v = unit(s);
      for (let i = 0; i < v.indices.length; i++) b.add(v.indices[i], v.values[i] * norm);
    }
    return b.build();
  };
}
