/**
 * Features for expense notes: hashed words, word bigrams and character n-grams of each word
 * (robust to vendor-name variants and typos). Amounts, currencies and other tokens containing
 * digits are dropped: they carry no category information and would only add noise.
 * Names are hashed in parts (prefix, word, n-gram range) without building strings, and duplicate
 * buckets are merged in a reusable accumulator (no allocation per note): this runs once per note at
 * inference.
 */
import { bucketOf, fnvAdd, fnvAddCode, fnvAddRange, FNV_OFFSET } from './hash';
import { accumulatorCache, l2Normalise, type FeatureAccumulator, type SparseVector } from './sparse';
import { isPunctuation, wordTokens } from './tokenize';

export interface ExpenseFeatureConfig {
  readonly bits: number;
  readonly charMin: number;
  readonly charMax: number;
  /** Weight of each character n-gram relative to a whole word. */
  readonly charWeight: number;
  readonly bigrams: boolean;
}

const CURRENCY = /[£$€¥]/g;

/** True when `token` holds an ASCII digit (as `/[0-9]/.test(token)`, without a regex). */
function hasDigit(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** Words of an expense note without amounts, currencies or punctuation. */
export function expenseWords(text: string): string[] {
  return wordTokens(text.replace(CURRENCY, ' ')).filter((t) => !isPunctuation(t) && !hasDigit(t));
}

const PREFIX = { w: fnvAdd(FNV_OFFSET, 'w:'), b: fnvAdd(FNV_OFFSET, 'b:'), c: fnvAdd(FNV_OFFSET, 'c:') };
const UNDERSCORE = '_'.charCodeAt(0);
const scratch = accumulatorCache();

/**
 * The summed (not yet normalised) features of a note, in the module's reusable accumulator: valid
 * until the next call. The inference hot path; {@link expenseFeatures} copies and normalises.
 */
export function accumulateExpenseFeatures(text: string, cfg: ExpenseFeatureConfig): FeatureAccumulator {
  const words = expenseWords(text);
  const bits = cfg.bits;
  const sums = scratch(bits);
  sums.clear();
  for (const w of words) sums.add(bucketOf(fnvAdd(PREFIX.w, w), bits), 1);
  if (cfg.bigrams) {
    for (let i = 1; i < words.length; i++) {
      const h = fnvAdd(fnvAddCode(fnvAdd(PREFIX.b, words[i - 1]), UNDERSCORE), words[i]);
      sums.add(bucketOf(h, bits), 1);
    }
  }
  if (cfg.charWeight > 0) {
    // Character n-grams of " word " (see `charNgrams`), hashed as `c:<n-gram>`.
    for (const w of words) {
      const padded = ` ${w} `;
      if (padded.length <= cfg.charMin) {
        sums.add(bucketOf(fnvAdd(PREFIX.c, padded), bits), cfg.charWeight);
        continue;
      }
      for (let n = cfg.charMin; n <= cfg.charMax; n++) {
        for (let i = 0; i + n <= padded.length; i++) {
          sums.add(bucketOf(fnvAddRange(PREFIX.c, padded, i, i + n), bits), cfg.charWeight);
        }
      }
    }
  }
  return sums;
}

export function expenseFeatures(text: string, cfg: ExpenseFeatureConfig): SparseVector {
  return l2Normalise(accumulateExpenseFeatures(text, cfg).toVector());
}
