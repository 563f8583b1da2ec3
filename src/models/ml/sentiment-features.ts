/**
 * Sentence features for the sentiment model: hashed unigrams (negated words get their own
 * feature `n:<word>`), hashed bigrams, optional VADER-style contrast weighting (words before
 * the last "but" count half, words after it one and a half) and optional idiom tokens
 * ("not bad at all" -> `idiom_pos`, see `rewriteIdioms`).
 */
import { bucketOf, fnvAdd, fnvAddCode, FNV_OFFSET } from './hash';
import { accumulatorCache, type FeatureAccumulator, type SparseVector } from './sparse';
import {
  IDIOM_KEYWORD,
  PUNCTUATION,
  readPlainSentence,
  readTokenStrings,
  tokenCodes,
} from './sentence-tokens';
import {
  isClauseBreaker,
  isPunctuation,
  lightStem,
  negationMask,
  rewriteFoundIdioms,
  rewriteIdioms,
  TOKEN_CLAUSE_BREAKER,
  TOKEN_IDIOM_TRIGGER,
  TOKEN_NEGATOR,
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
const FNV_PRIME = 0x01000193;
const scratch = accumulatorCache();

/**
 * Reads the sentence's tokens, idioms rewritten when `cfg` asks for it, into `tokenCodes`: a plain
 * sentence from its codes, any other (or one that may hold an idiom) from `wordTokens`' strings.
 * Returns the token strings when it built them (always when `cfg.stems`: `lightStem` reads strings).
 */
function readTokens(sentence: string, cfg: SentimentFeatureConfig): readonly string[] | undefined {
  const plain = !cfg.stems && readPlainSentence(sentence);
  if (plain && !(cfg.idioms && mayHoldIdiom())) return undefined;
  let tokens = wordTokens(sentence);
  if (!plain) readTokenStrings(tokens);
  if (cfg.idioms && mayHoldIdiom()) {
    const rewritten = rewriteFoundIdioms(tokens);
    if (rewritten !== tokens) {
      tokens = rewritten;
      readTokenStrings(tokens);
    }
  }
  return tokens;
}

/** An idiom needs a trigger word and one of its key words (`isIdiomKeyword`). */
function mayHoldIdiom(): boolean {
  const kinds = tokenCodes.allKinds;
  return (kinds & TOKEN_IDIOM_TRIGGER) !== 0 && (kinds & IDIOM_KEYWORD) !== 0;
}

/**
 * The hashed features of {@link sentimentFeatureNames} (a feature seen twice keeps its largest
 * weight), computed without building the names, in the module's reusable accumulator (valid until
 * the next call): the per-sentence hot path of inference. {@link sentimentFeatures} copies them.
 * The tokens are read as codes with their kinds (negator, clause breaker, "but", punctuation; see
 * `sentence-tokens.ts`), the negation scope is followed in the same pass as the features (as
 * `negationMask` marks it), and a word's unigram, its bigram with the word before and the bigram
 * prefix for the next word are hashed in one loop over its codes (each FNV state as `fnvAdd`
 * computes it).
 */
export function accumulateSentimentFeatures(
  sentence: string,
  cfg: SentimentFeatureConfig,
): FeatureAccumulator {
  const strings = readTokens(sentence, cfg);
  const { codes, starts, ends, kinds, count } = tokenCodes;
  const lastBreaker = cfg.contrastWeighting ? tokenCodes.lastBut : -1;
  const scope = cfg.negationScope;
  const bits = cfg.bits;
  const acc = scratch(bits);
  acc.clear();
  let remaining = 0;
  let hasPrev = false;
  /** FNV state of `b:<previous word>_`. */
  let prevBigram = 0;
  for (let k = 0; k < count; k++) {
    const f = kinds[k];
    const weight = lastBreaker < 0 ? 1 : k < lastBreaker ? 0.5 : 1.5;
    if (f & PUNCTUATION) {
      remaining = 0;
      const c = codes[starts[k]];
      if (c === 33) acc.max(bucketOf(BANG, bits), weight);
      else if (c === 63) acc.max(bucketOf(QUESTION, bits), weight);
      hasPrev = false;
      continue;
    }
    // The negation scope (`negationMask`): a clause breaker ends it, a negator opens it.
    let negated = false;
    if (f & TOKEN_CLAUSE_BREAKER) remaining = 0;
    else if (f & TOKEN_NEGATOR) remaining = scope;
    else if (remaining > 0) {
      negated = true;
      remaining--;
    }
    let unigram = negated ? PREFIX.n : PREFIX.u;
    let bigram = prevBigram;
    let nextBigram = PREFIX.b;
    for (let i = starts[k], end = ends[k]; i < end; i++) {
      const c = codes[i];
      unigram = Math.imul(unigram ^ c, FNV_PRIME);
      bigram = Math.imul(bigram ^ c, FNV_PRIME);
      nextBigram = Math.imul(nextBigram ^ c, FNV_PRIME);
    }
    acc.max(bucketOf(unigram, bits), weight);
    if (cfg.stems) {
      const t = strings![k];
      const stem = lightStem(t);
      if (stem !== t) acc.max(bucketOf(fnvAdd(negated ? PREFIX.ns : PREFIX.s, stem), bits), weight);
    }
    if (cfg.bigrams && hasPrev && !(f & TOKEN_CLAUSE_BREAKER)) acc.max(bucketOf(bigram, bits), weight);
    prevBigram = fnvAddCode(nextBigram, UNDERSCORE);
    hasPrev = true;
  }
  return acc;
}

export function sentimentFeatures(sentence: string, cfg: SentimentFeatureConfig): SparseVector {
  return accumulateSentimentFeatures(sentence, cfg).toVector();
}
