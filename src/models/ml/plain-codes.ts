/**
 * The fast paths of inference (expense notes, sentiment sentences) read a "plain" text straight
 * from its character codes instead of through `wordTokens`' strings. Plain: ASCII, and none of
 * `` ` : ; < = _ `` (the characters the emoticon rules, `normalise`'s quote mapping or "emo_" tokens
 * read). For such a text `normalise` takes its ASCII path, which this module repeats into a reused
 * buffer. Each fast path is tested equal to its string definition (test/unit/models).
 */

export const SPACE = 32;
export const APOSTROPHE = 39;
/** `[a-z0-9]`: a word token's characters after lower-casing. */
export const isWordCode = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
export const isLetterCode = (c: number): boolean => c >= 97 && c <= 122;

/** One of the currency symbols expense notes drop: £ $ € ¥. */
export function isCurrencyCode(c: number): boolean {
  return c === 0xa3 || c === 0x24 || c === 0x20ac || c === 0xa5;
}

/** Each ASCII code lower-cased, or -1 where the text is not plain (one lookup per character). */
const PLAIN_LOWER = new Int16Array(0x80);
for (let c = 0; c < 0x80; c++) PLAIN_LOWER[c] = c >= 65 && c <= 90 ? c + 32 : c;
for (const c of '`:;<=_') PLAIN_LOWER[c.charCodeAt(0)] = -1;

let normalised = new Uint16Array(256);

/** The codes {@link readPlainCodes} wrote last (valid until its next call). */
export function plainCodes(): Uint16Array {
  return normalised;
}

/**
 * `normalise`'s ASCII path over `text` into {@link plainCodes}: lower-cased, runs of 3+ identical
 * letters cut to 2; with `currencyAsSpace`, the currency symbols are read as spaces first (as
 * `expenseWords` replaces them). Returns the length, or -1 when the text is not plain.
 */
export function readPlainCodes(text: string, currencyAsSpace: boolean): number {
  if (normalised.length < text.length) normalised = new Uint16Array(2 * text.length);
  const out = normalised;
  let n = 0;
  let prev = -1;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const c = currencyAsSpace && isCurrencyCode(code) ? SPACE : code < 0x80 ? PLAIN_LOWER[code] : -1;
    if (c < 0) return -1;
    run = c === prev ? run + 1 : 1;
    prev = c;
    if (run < 3 || c < 97 || c > 122) out[n++] = c;
  }
  return n;
}
