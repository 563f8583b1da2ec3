/**
 * Sentence features for the sentiment model: hashed unigrams (negated words get their own
 * feature `n:<word>`), hashed bigrams, optional VADER-style contrast weighting (words before
 * the last "but" count half, words after it one and a half) and optional idiom tokens
 * ("not bad at all" -> `idiom_pos`, see `rewriteIdioms`).
 */
import { bucketOf, fnvAdd, fnvAddCode, FNV_OFFSET } from './hash';
import { accumulatorCache, type FeatureAccumulator, type SparseVector } from './sparse';
import {
  isClauseBreaker,
  isPunctuation,
  lightStem,
  negationMask,
  rewriteIdioms,
  wordTokens,
} from './tokenize';

export interface SentimentFeatureConfig {
  /** Hash space is 2^bits buckets. */
  readonly bits: number;
  /** Number of words after a negator that are marked as negated (0 disables negation handling). */
  readonly negationScope: number;
  readonly bigrams: boolean;
  readonly contrastWeighting: boolean;
  /** Adds a light-stem feature (`s:<stem>` / `ns:<stem>`) beside each inflected word. */
  readonly stems?: boolean;
  /** Replaces litotes and similar idioms by one idiom token before anything else. */
  readonly idioms?: boolean;
}

function sentenceTokens(sentence: string, cfg: SentimentFeatureConfig): string[] {
  const tokens = wordTokens(sentence);
  return cfg.idioms ? rewriteIdioms(tokens) : tokens;
}

function lastBreakerIndex(tokens: readonly string[], cfg: SentimentFeatureConfig): number {
  let lastBreaker = -1;
  if (cfg.contrastWeighting) {
    for (let i = 0; i < tokens.length; i++) if (tokens[i] === 'but') lastBreaker = i;
  }
  return lastBreaker;
}

/** Feature names of one sentence with their weights, before hashing (also used for the lexicon prior). */
export function sentimentFeatureNames(sentence: string, cfg: SentimentFeatureConfig): Map<string, number> {
  const tokens = sentenceTokens(sentence, cfg);
  const negated = cfg.negationScope > 0 ? negationMask(tokens, cfg.negationScope) : [];
  const lastBreaker = lastBreakerIndex(tokens, cfg);
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

// FNV states after each feature-name prefix: names are hashed in parts, never concatenated.
const PREFIX = {
  u: fnvAdd(FNV_OFFSET, 'u:'),
  n: fnvAdd(FNV_OFFSET, 'n:'),
  s: fnvAdd(FNV_OFFSET, 's:'),
  ns: fnvAdd(FNV_OFFSET, 'ns:'),
  b: fnvAdd(FNV_OFFSET, 'b:'),
};
const UNDERSCORE = '_'.charCodeAt(0);

const BANG = fnvAdd(PREFIX.u, '!');
const QUESTION = fnvAdd(PREFIX.u, '?');
const scratch = accumulatorCache();

/**
 * The hashed features of {@link sentimentFeatureNames} (a feature seen twice keeps its largest
 * weight), computed without building the names, in the module's reusable accumulator (valid until
 * the next call): the per-sentence hot path of inference. {@link sentimentFeatures} copies them.
 */
export function accumulateSentimentFeatures(
  sentence: string,
  cfg: SentimentFeatureConfig,
): FeatureAccumulator {
  const tokens = sentenceTokens(sentence, cfg);
  const negated = cfg.negationScope > 0 ? negationMask(tokens, cfg.negationScope) : [];
  const lastBreaker = lastBreakerIndex(tokens, cfg);
  const bits = cfg.bits;
  const acc = scratch(bits);
  acc.clear();
  let prevWord: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const weight = lastBreaker < 0 ? 1 : i < lastBreaker ? 0.5 : 1.5;
    if (isPunctuation(t)) {
      if (t.startsWith('!')) acc.max(bucketOf(BANG, bits), weight);
      else if (t.startsWith('?')) acc.max(bucketOf(QUESTION, bits), weight);
      prevWord = undefined;
      continue;
    }
    acc.max(bucketOf(fnvAdd(negated[i] ? PREFIX.n : PREFIX.u, t), bits), weight);
    if (cfg.stems) {
      const stem = lightStem(t);
      if (stem !== t) acc.max(bucketOf(fnvAdd(negated[i] ? PREFIX.ns : PREFIX.s, stem), bits), weight);
    }
    if (cfg.bigrams && prevWord !== undefined && !isClauseBreaker(t)) {
      acc.max(bucketOf(fnvAdd(fnvAddCode(fnvAdd(PREFIX.b, prevWord), UNDERSCORE), t), bits), weight);
    }
    prevWord = t;
  }
  return acc;
}

export function sentimentFeatures(sentence: string, cfg: SentimentFeatureConfig): SparseVector {
  return accumulateSentimentFeatures(sentence, cfg).toVector();
}
