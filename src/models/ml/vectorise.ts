/**
 * Text -> sparse feature vector, exactly as the model was trained. With `sentence-sqrt`
 * aggregation a text is split into sentences, each is featurised on its own (so negation and
 * contrast scopes never cross a sentence) and the sum is divided by sqrt(sentence count).
 */
import type { ModelArtifact } from './artifact';
import { expenseFeatures } from './expense-features';
import { sentimentFeatures } from './sentiment-features';
import { SparseBuilder, type SparseVector } from './sparse';
import { splitSentences } from './tokenize';

export type VectoriserSpec = Pick<ModelArtifact, 'features' | 'aggregation'>;

export function vectoriser(spec: VectoriserSpec): (text: string) => SparseVector {
  const f = spec.features;
  const unit =
    f.type === 'sentiment' ? (t: string) => sentimentFeatures(t, f) : (t: string) => expenseFeatures(t, f);
  if (spec.aggregation === 'document') return unit;
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
