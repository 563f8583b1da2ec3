/**
 * Features for expense notes: hashed words, word bigrams and character n-grams of each word
 * (robust to vendor-name variants and typos). Amounts, currencies and other tokens containing
 * digits are dropped: they carry no category information and would only add noise.
 * Names are hashed in parts (prefix, word, n-gram range) without building strings, and duplicate
 * buckets are merged in a reusable accumulator (no allocation per note): this runs once per note at
 * inference.
 */
import { bucketOf, fnvAdd, fnvAddCode, FNV_OFFSET } from './hash';
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
  const tokens = wordTokens(hasCurrency(text) ? text.replace(CURRENCY, ' ') : text);
  const words: string[] = [];
  for (const t of tokens) if (!isPunctuation(t) && !hasDigit(t)) words.push(t);
  return words;
}

/** True when `text` holds one of {@link CURRENCY}'s symbols (the replacement is skipped otherwise). */
function hasCurrency(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xa3 || c === 0x24 || c === 0x20ac || c === 0xa5) return true;
  }
  return false;
}

const PREFIX = { w: fnvAdd(FNV_OFFSET, 'w:'), b: fnvAdd(FNV_OFFSET, 'b:'), c: fnvAdd(FNV_OFFSET, 'c:') };
const UNDERSCORE = '_'.charCodeAt(0);
const SPACE = ' '.charCodeAt(0);
const FNV_PRIME = 0x01000193;
const scratch = accumulatorCache();
/** Buckets of one word's character n-grams, by length then start (see `accumulateExpenseFeatures`). */
let ngramBuckets = new Int32Array(256);
/** The character codes of " word " (the word being split into n-grams). */
let paddedCodes = new Uint16Array(64);

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
    // Character n-grams of " word " (see `charNgrams`), hashed as `c:<n-gram>`, added n by n and
    // left to right as `charNgrams` lists them. The FNV states of all n-grams starting at one
    // position are computed in one pass (each extends the one before by a character) into
    // `ngramBuckets`, then added in that order.
    const { charMin, charMax, charWeight } = cfg;
    for (const w of words) {
      const padded = w.length + 2;
      if (padded <= charMin) {
        sums.add(bucketOf(fnvAddCode(fnvAdd(fnvAddCode(PREFIX.c, SPACE), w), SPACE), bits), charWeight);
        continue;
      }
      const starts = padded - charMin + 1;
      const need = (charMax - charMin + 1) * starts;
      if (ngramBuckets.length < need) ngramBuckets = new Int32Array(2 * need);
      if (paddedCodes.length < padded) paddedCodes = new Uint16Array(2 * padded);
      paddedCodes[0] = SPACE;
      for (let k = 0; k < w.length; k++) paddedCodes[k + 1] = w.charCodeAt(k);
      paddedCodes[padded - 1] = SPACE;
      for (let i = 0; i < starts; i++) {
        let h = PREFIX.c;
        for (let end = i; end < padded && end < i + charMax; end++) {
          h = Math.imul(h ^ paddedCodes[end], FNV_PRIME);
          const n = end - i + 1;
          if (n >= charMin) ngramBuckets[(n - charMin) * starts + i] = bucketOf(h, bits);
        }
      }
      for (let n = charMin; n <= charMax; n++) {
        const row = (n - charMin) * starts;
        for (let i = 0; i + n <= padded; i++) sums.add(ngramBuckets[row + i], charWeight);
      }
    }
  }
  return sums;
}

export function expenseFeatures(text: string, cfg: ExpenseFeatureConfig): SparseVector {
  return l2Normalise(accumulateExpenseFeatures(text, cfg).toVector());
}
