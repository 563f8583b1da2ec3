/**
 * Sentence features for the sentiment model: hashed unigrams (negated words get their own
 * feature `n:<word>`), hashed bigrams, and optional VADER-style contrast weighting (words before
 * the last "but" count half, words after it one and a half).
 */
import { featureBucket } from './hash';
import { SparseBuilder, type SparseVector } from './sparse';
import { isClauseBreaker, isPunctuation, lightStem, negationMask, wordTokens } from './tokenize';

export interface SentimentFeatureConfig {
  /** Hash space is 2^bits buckets. */
  readonly bits: number;
  /** Number of words after a negator that are marked as negated (0 disables negation handling). */
  readonly negationScope: number;
  readonly bigrams: boolean;
  readonly contrastWeighting: boolean;
  /** Adds a light-stem feature (`s:<stem>` / `ns:<stem>`) beside each inflected word. */
  readonly stems?: boolean;
}

/** Feature names of one sentence with their weights, before hashing (also used for the lexicon prior). */
export function sentimentFeatureNames(sentence: string, cfg: SentimentFeatureConfig): Map<string, number> {
  const tokens = wordTokens(sentence);
  const negated = cfg.negationScope > 0 ? negationMask(tokens, cfg.negationScope) : [];
  let lastBreaker = -1;
  if (cfg.contrastWeighting) {
    for (let i = 0; i < tokens.length; i++) if (tokens[i] === 'but') lastBreaker = i;
  }
  const out = new Map<string, number>();
  const put = (name: string, w: number): void => {
    const prev = out.get(name);
    if (prev === undefined || w > prev) out.set(name, w);
  };
  let prevWord: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const weight = lastBreaker < 0 ? 1 : i < lastBreaker ? 0.5 : 1.5;
    if (isPunctuation(t)) {
      if (t.startsWith('!')) put('u:!', weight);
      else if (t.startsWith('?')) put('u:?', weight);
      prevWord = undefined;
      continue;
    }
    put(negated[i] ? `n:${t}` : `u:${t}`, weight);
    if (cfg.stems) {
      const stem = lightStem(t);
      if (stem !== t) put(negated[i] ? `ns:${stem}` : `s:${stem}`, weight);
    }
    if (cfg.bigrams && prevWord !== undefined && !isClauseBreaker(t)) put(`b:${prevWord}_${t}`, weight);
    prevWord = t;
  }
  return out;
}

export function sentimentFeatures(sentence: string, cfg: SentimentFeatureConfig): SparseVector {
  const b = new SparseBuilder();
  for (const [name, w] of sentimentFeatureNames(sentence, cfg)) b.add(featureBucket(name, cfg.bits), w);
  return b.build();
}
