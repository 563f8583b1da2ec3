/**
 * Features for expense notes: hashed words, word bigrams and character n-grams of each word
 * (robust to vendor-name variants and typos). Amounts, currencies and other tokens containing
 * digits are dropped: they carry no category information and would only add noise.
 * Names are hashed in parts (prefix, word, n-gram range) without building strings, and duplicate
 * buckets are merged in a reusable accumulator (no allocation per note): this runs once per note at
 * inference. A plain note's words are read straight into character codes (see {@link readWords}).
 */
import { bucketOf, fnvAdd, fnvAddCode, FNV_OFFSET } from './hash';
import {
  APOSTROPHE,
  isCurrencyCode,
  isLetterCode,
  isWordCode,
  plainCodes,
  readPlainCodes,
  SPACE,
} from './plain-codes';
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
  for (let i = 0; i < text.length; i++) if (isCurrencyCode(text.charCodeAt(i))) return true;
  return false;
}

const PREFIX = { w: fnvAdd(FNV_OFFSET, 'w:'), b: fnvAdd(FNV_OFFSET, 'b:'), c: fnvAdd(FNV_OFFSET, 'c:') };
const UNDERSCORE = '_'.charCodeAt(0);
const FNV_PRIME = 0x01000193;
const scratch = accumulatorCache();
/** Buckets of one word's character n-grams, by length then start (see `accumulateExpenseFeatures`). */
let ngramBuckets = new Int32Array(256);

/**
 * The words of the note being featurised, as character codes: word k is `codes[starts[k]..ends[k])`,
 * with a space on each side (the padding its character n-grams need). Reused from note to note.
 */
const wordCodes = {
  codes: new Uint16Array(256),
  starts: new Int32Array(32),
  ends: new Int32Array(32),
  count: 0,
  /** Codes in use (the next word's padding goes here). */
  used: 0,
};

/**
 * Fills {@link wordCodes} with `expenseWords(text)`. A plain note (ASCII but for currency symbols, and
 * none of the characters that emoticons, backquotes or "emo_" tokens need) is read in two passes
 * over its codes, without the strings and arrays `expenseWords` builds (a quarter of a note's
 * inference time went there); any other note takes `expenseWords` itself. The two agree on every note
 * (test/unit/models/expense-features.test.ts).
 */
function readWords(text: string): void {
  wordCodes.count = 0;
  wordCodes.used = 0;
  const n = readPlainCodes(text, true);
  if (n >= 0) scanWordCodes(n);
  else for (const w of expenseWords(text)) pushWord(w);
}

/**
 * `scanTokens`' word tokens of `plainCodes()` (plain-codes.ts) (its other tokens are punctuation, which
 * `expenseWords` drops) into {@link wordCodes}: `[a-z0-9]+`, then `'[a-z]+` parts without the apostrophe;
 * a token with a digit is dropped, as `expenseWords` drops it.
 */
function scanWordCodes(n: number): void {
  const s = plainCodes();
  let i = 0;
  while (i < n) {
    if (!isWordCode(s[i])) {
      i++;
      continue;
    }
    const start = openWord(n - i);
    const codes = wordCodes.codes;
    let at = start;
    let digit = false;
    let j = i;
    for (; j < n && isWordCode(s[j]); j++) {
      if (s[j] < 97) digit = true; // [0-9] sorts before [a-z]
      codes[at++] = s[j];
    }
    while (j + 1 < n && s[j] === APOSTROPHE && isLetterCode(s[j + 1])) {
      for (j++; j < n && isLetterCode(s[j]); j++) codes[at++] = s[j];
    }
    if (!digit) closeWord(start, at);
    i = j;
  }
}

/**
 * Starts a word of at most `length` codes in {@link wordCodes} (room for it and its padding made):
 * returns where its first code goes.
 */
function openWord(length: number): number {
  const need = wordCodes.used + length + 2;
  if (wordCodes.codes.length < need) wordCodes.codes = grown(wordCodes.codes, new Uint16Array(2 * need));
  if (wordCodes.starts.length === wordCodes.count) {
    wordCodes.starts = grown(wordCodes.starts, new Int32Array(2 * wordCodes.count));
    wordCodes.ends = grown(wordCodes.ends, new Int32Array(2 * wordCodes.count));
  }
  wordCodes.codes[wordCodes.used] = SPACE;
  return wordCodes.used + 1;
}

/** Ends the word opened at `start` before `end` (its trailing space written). */
function closeWord(start: number, end: number): void {
  wordCodes.codes[end] = SPACE;
  wordCodes.starts[wordCodes.count] = start;
  wordCodes.ends[wordCodes.count] = end;
  wordCodes.count++;
  wordCodes.used = end + 1;
}

function pushWord(w: string): void {
  const start = openWord(w.length);
  for (let k = 0; k < w.length; k++) wordCodes.codes[start + k] = w.charCodeAt(k);
  closeWord(start, start + w.length);
}

function grown<T extends Uint16Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** FNV-1a state after `codes[start..end)`, continuing from `h` (as `fnvAdd` of their string). */
function fnvAddCodes(h: number, codes: Uint16Array, start: number, end: number): number {
  for (let i = start; i < end; i++) h = Math.imul(h ^ codes[i], FNV_PRIME);
  return h;
}

/**
 * The summed (not yet normalised) features of a note, in the module's reusable accumulator: valid
 * until the next call. The inference hot path; {@link expenseFeatures} copies and normalises.
 */
export function accumulateExpenseFeatures(text: string, cfg: ExpenseFeatureConfig): FeatureAccumulator {
  readWords(text);
  const { codes, starts, ends, count } = wordCodes;
  const bits = cfg.bits;
  const sums = scratch(bits);
  sums.clear();
  for (let k = 0; k < count; k++)
    sums.add(bucketOf(fnvAddCodes(PREFIX.w, codes, starts[k], ends[k]), bits), 1);
  if (cfg.bigrams) {
    for (let k = 1; k < count; k++) {
      const first = fnvAddCode(fnvAddCodes(PREFIX.b, codes, starts[k - 1], ends[k - 1]), UNDERSCORE);
      sums.add(bucketOf(fnvAddCodes(first, codes, starts[k], ends[k]), bits), 1);
    }
  }
  if (cfg.charWeight > 0) {
    // Character n-grams of " word " (see `charNgrams`), hashed as `c:<n-gram>`, added n by n and
    // left to right as `charNgrams` lists them. The FNV states of all n-grams starting at one
    // position are computed in one pass (each extends the one before by a character) into
    // `ngramBuckets`, then added in that order.
    const { charMin, charMax, charWeight } = cfg;
    for (let k = 0; k < count; k++) {
      // The padded word is codes[from..from + padded).
      const from = starts[k] - 1;
      const padded = ends[k] - starts[k] + 2;
      if (padded <= charMin) {
        sums.add(bucketOf(fnvAddCodes(PREFIX.c, codes, from, from + padded), bits), charWeight);
        continue;
      }
      const positions = padded - charMin + 1;
      const need = (charMax - charMin + 1) * positions;
      if (ngramBuckets.length < need) ngramBuckets = new Int32Array(2 * need);
      for (let i = 0; i < positions; i++) {
        let h = PREFIX.c;
        for (let end = i; end < padded && end < i + charMax; end++) {
          h = Math.imul(h ^ codes[from + end], FNV_PRIME);
          const n = end - i + 1;
          if (n >= charMin) ngramBuckets[(n - charMin) * positions + i] = bucketOf(h, bits);
        }
      }
      for (let n = charMin; n <= charMax; n++) {
        const row = (n - charMin) * positions;
        for (let i = 0; i + n <= padded; i++) sums.add(ngramBuckets[row + i], charWeight);
      }
    }
  }
  return sums;
}

export function expenseFeatures(text: string, cfg: ExpenseFeatureConfig): SparseVector {
  return l2Normalise(accumulateExpenseFeatures(text, cfg).toVector());
}
