/** Turns a lexicon into a prior weight vector in the sentiment model's hash space. */
import type { SentimentFeatureSpec } from '../artifact';
import { featureBucket } from '../hash';
import { wordTokens } from '../tokenize';
import type { Lexicon } from './lexicons';

export interface PriorConfig {
  /** Weight given to a word with valence 1 (`u:<word>`). */
  readonly scale: number;
  /** Negated words (`n:<word>`) get -negation * scale * valence (VADER uses 0.74). */
  readonly negation: number;
}

export function lexiconPrior(lexicon: Lexicon, features: SentimentFeatureSpec, cfg: PriorConfig): Float64Array {
  const prior = new Float64Array(2 ** features.bits);
  for (const [entry, valence] of lexicon) {
    const tokens = wordTokens(entry);
    if (tokens.length === 1 && /^[a-z0-9_]+$/.test(tokens[0])) {
      prior[featureBucket(`u:${tokens[0]}`, features.bits)] += cfg.scale * valence;
      if (features.negationScope > 0) {
        prior[featureBucket(`n:${tokens[0]}`, features.bits)] -= cfg.negation * cfg.scale * valence;
      }
    } else if (tokens.length === 2 && features.bigrams) {
      prior[featureBucket(`b:${tokens[0]}_${tokens[1]}`, features.bits)] += cfg.scale * valence;
    }
  }
  return prior;
}
