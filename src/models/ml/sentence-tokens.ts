/**
 * The tokens of one sentence as character codes, with what the sentiment features need to know of
 * each (`tokenFlags`, `isPunctuation`, `isIdiomKeyword`): the hot path of sentiment inference reads
 * them in place (see `accumulateSentimentFeatures`). A plain sentence is read straight from its
 * codes, without the token strings, arrays and string lookups of `wordTokens` and `tokenFlags` (about
 * half of a sentence's time went there); any other sentence is read from `wordTokens`' strings. The
 * two agree on every sentence (test/unit/models/sentiment-features.test.ts).
 */
import { fnvAdd, FNV_OFFSET } from './hash';
import { APOSTROPHE, isLetterCode, isWordCode, plainCodes, readPlainCodes } from './plain-codes';
import { flaggedWords, isIdiomKeyword, isPunctuation, tokenFlags, TOKEN_BUT } from './tokenize';

/** Kind bit of a token that is an idiom key word (`isIdiomKeyword`); the other bits are `tokenFlags`'. */
export const IDIOM_KEYWORD = 16;
/** Kind bit of a punctuation token (`isPunctuation`). */
export const PUNCTUATION = 128;

/**
 * The tokens of the sentence read last: token k is `codes[starts[k]..ends[k])`, of kind `kinds[k]`.
 * Reused from sentence to sentence.
 */
export const tokenCodes = {
  codes: new Uint16Array(256),
  starts: new Int32Array(64),
  ends: new Int32Array(64),
  kinds: new Uint8Array(64),
  count: 0,
  /** Codes in use (the next token's go here). */
  used: 0,
  /** The kinds of all tokens, or-ed. */
  allKinds: 0,
  /** Index of the last "but" (-1 when none). */
  lastBut: -1,
};

/** Reads `tokens` (from `wordTokens`, or idioms rewritten) into {@link tokenCodes}. */
export function readTokenStrings(tokens: readonly string[]): void {
  clear();
  for (const t of tokens) {
    const start = openToken(t.length);
    for (let k = 0; k < t.length; k++) tokenCodes.codes[start + k] = t.charCodeAt(k);
    const kind = isPunctuation(t) ? PUNCTUATION : tokenFlags(t) | (isIdiomKeyword(t) ? IDIOM_KEYWORD : 0);
    closeToken(start, start + t.length, kind);
  }
}

/**
 * Reads `wordTokens(text)` into {@link tokenCodes} if the text is plain (ASCII, and none of the
 * characters that the emoticon rules, `normalise`'s quote mapping or "emo_" tokens read): returns
 * false, having read nothing useful, for any other text.
 */
export function readPlainSentence(text: string): boolean {
  const n = readPlainCodes(text, false);
  if (n < 0) return false;
  clear();
  scanCodes(n);
  return true;
}

const isBangOrQuestion = (c: number): boolean => c === 33 || c === 63;
/** `.,;:`: one token each. */
const isClausePunctuation = (c: number): boolean => c === 46 || c === 44 || c === 59 || c === 58;

/**
 * `scanTokens` over `plainCodes()` (no "emo_" token can start in a plain text): words
 * `[a-z0-9]+(?:'[a-z]+)*` without their apostrophes, runs of `!`/`?`, single `.,;:`.
 */
function scanCodes(n: number): void {
  const s = plainCodes();
  let i = 0;
  while (i < n) {
    const c = s[i];
    if (isWordCode(c)) i = scanWord(i, n);
    else if (isBangOrQuestion(c)) {
      let j = i + 1;
      while (j < n && isBangOrQuestion(s[j])) j++;
      pushPunctuation(i, j);
      i = j;
    } else {
      if (isClausePunctuation(c)) pushPunctuation(i, i + 1);
      i++;
    }
  }
}

/** Reads the word starting at `plainCodes()[i]`, its kind looked up by its codes; returns where it ends. */
function scanWord(i: number, n: number): number {
  const s = plainCodes();
  const start = openToken(n - i);
  const codes = tokenCodes.codes;
  let at = start;
  let j = i;
  for (; j < n && isWordCode(s[j]); j++) codes[at++] = s[j];
  // (?:'[a-z]+)*: an apostrophe counts only when a letter follows it.
  while (j + 1 < n && s[j] === APOSTROPHE && isLetterCode(s[j + 1])) {
    for (j++; j < n && isLetterCode(s[j]); j++) codes[at++] = s[j];
  }
  closeToken(start, at, wordKind(codes, start, at));
  return j;
}

function pushPunctuation(from: number, to: number): void {
  const start = openToken(to - from);
  const s = plainCodes();
  for (let i = from; i < to; i++) tokenCodes.codes[start + i - from] = s[i];
  closeToken(start, start + to - from, PUNCTUATION);
}

function clear(): void {
  tokenCodes.count = 0;
  tokenCodes.used = 0;
  tokenCodes.allKinds = 0;
  tokenCodes.lastBut = -1;
}

/** Starts a token of at most `length` codes (room made for it): returns where its first code goes. */
function openToken(length: number): number {
  const t = tokenCodes;
  if (t.codes.length < t.used + length) t.codes = grown(t.codes, new Uint16Array(2 * (t.used + length)));
  if (t.starts.length === t.count) {
    t.starts = grown(t.starts, new Int32Array(2 * t.count));
    t.ends = grown(t.ends, new Int32Array(2 * t.count));
    t.kinds = grown(t.kinds, new Uint8Array(2 * t.count));
  }
  return t.used;
}

/** Ends the token opened at `start` before `end`. */
function closeToken(start: number, end: number, kind: number): void {
  const t = tokenCodes;
  t.starts[t.count] = start;
  t.ends[t.count] = end;
  t.kinds[t.count] = kind;
  t.allKinds |= kind;
  if (kind & TOKEN_BUT) t.lastBut = t.count;
  t.count++;
  t.used = end;
}

function grown<T extends Uint16Array | Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

// The words with a kind, by the FNV-1a state of their codes (a token's codes are compared with the
// word's on a hit, so a colliding state cannot give another word's kind).
const KNOWN = new Map<number, { readonly word: string; readonly kind: number }>();
for (const word of flaggedWords()) {
  const h = fnvAdd(FNV_OFFSET, word);
  if (KNOWN.has(h)) throw new Error(`${word} and ${KNOWN.get(h)!.word} share a hash`);
  KNOWN.set(h, { word, kind: tokenFlags(word) | (isIdiomKeyword(word) ? IDIOM_KEYWORD : 0) });
}

/** The kind of the word `codes[start..end)`, as `readTokenStrings` gives it to its string. */
function wordKind(codes: Uint16Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ codes[i], 0x01000193);
  const known = KNOWN.get(h);
  if (known === undefined || known.word.length !== end - start) return 0;
  for (let i = start; i < end; i++) if (known.word.charCodeAt(i - start) !== codes[i]) return 0;
  return known.kind;
}
