/** Turns a lexicon into a prior weight vector in the sentiment model's hash space. */
import type { SentimentFeatureSpec } from '../ml/artifact';
import { featureBucket } from '../ml/hash';
import { IDIOM_NEGATIVE, IDIOM_POSITIVE, wordTokens } from '../ml/tokenize';
import type { Lexicon } from './lexicons';

export interface PriorConfig {
  /** Weight given to a word with valence 1 (`u:<word>`). */
  readonly scale: number;
  /** Negated words (`n:<word>`) get -negation * scale * valence (VADER uses 0.74). */
  readonly negation: number;
}

export const IDIOM_VALENCE = { positive: 0.6, negative: -0.4 } as const;

export function lexiconPrior(
  lexicon: Lexicon,
  features: SentimentFeatureSpec,
  cfg: PriorConfig,
): Float64Array {
  // Several entries can map to one feature (":)", ":-)" and "=)" all become `emo_pos`): average them.
  const byFeature = new Map<string, { sum: number; n: number }>();
  const put = (name: string, value: number): void => {
    const s = byFeature.get(name) ?? { sum: 0, n: 0 };
    byFeature.set(name, { sum: s.sum + value, n: s.n + 1 });
  };
  for (const [entry, valence] of lexicon) {
    const tokens = wordTokens(entry);
    if (tokens.length === 1 && /^[a-z0-9_]+$/.test(tokens[0])) {
      put(`u:${tokens[0]}`, cfg.scale * valence);
      if (features.negationScope > 0) put(`n:${tokens[0]}`, -cfg.negation * cfg.scale * valence);
    } else if (tokens.length === 2 && features.bigrams && tokens.every((t) => /^[a-z0-9_]+$/.test(t))) {
      put(`b:${tokens[0]}_${tokens[1]}`, cfg.scale * valence);
    }
  }
  if (features.idioms) {
    // Valences of the idiom tokens, on the lexicons' [-1, 1] scale: "not bad at all" / "can't
    // fault them" about as positive as "good"; "could have been better" mildly negative.
    put(`u:${IDIOM_POSITIVE}`, cfg.scale * IDIOM_VALENCE.positive);
    put(`u:${IDIOM_NEGATIVE}`, cfg.scale * IDIOM_VALENCE.negative);
  }
  const prior = new Float64Array(2 ** features.bits);
  for (const [name, { sum, n }] of [...byFeature.entries()].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    prior[featureBucket(name, features.bits)] += sum / n;
  }
  return prior;
}
