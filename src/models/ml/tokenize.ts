/**
 * Text normalisation and tokenisation shared by training and inference. Pure functions; the
 * exact behaviour is part of every artifact's contract, so changes need a new model version.
 */

const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'none',
  'nobody',
  'nowhere',
  'neither',
  'nor',
  'cannot',
  'without',
  'hardly',
  'barely',
  'dont',
  'didnt',
  'doesnt',
  'isnt',
  'wasnt',
  'werent',
  'arent',
  'cant',
  'couldnt',
  'wouldnt',
  'shouldnt',
  'wont',
  'aint',
  'havent',
  'hasnt',
  'hadnt',
]);

/** Words that close a negation scope and start a new clause. */
const CLAUSE_BREAKERS = new Set(['but', 'however', 'although', 'though', 'yet', 'except']);

/** Lower-case, NFKC, straight quotes, collapse runs of 3+ identical letters to 2 ("soooo" -> "soo"). */
export function normalise(text: string): string {
  // Plain ASCII (most texts) needs neither NFKC nor the quote/dash mapping, and a text without a
  // run of three identical letters needs no run replacement: one scan decides both (speed).
  let ascii = true;
  let run = false;
  let prev = -1;
  let repeats = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 || c === 0x60) {
      ascii = false;
      break;
    }
    const lower = c >= 65 && c <= 90 ? c + 32 : c;
    repeats = lower === prev ? repeats + 1 : 1;
    prev = lower;
    if (repeats >= 3 && lower >= 97 && lower <= 122) run = true;
  }
  if (ascii) {
    const lower = text.toLowerCase();
    return run ? lower.replace(LETTER_RUN, '$1$1') : lower;
  }
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201b\u2032`´]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(LETTER_RUN, '$1$1');
}

const LETTER_RUN = /([a-z])\1{2,}/g;

const EMOTICON_POS = /(?:^|\s)(?:[:;=]-?[)\]dp]|<3)(?=\s|$)/gi;
const EMOTICON_NEG = /(?:^|\s)[:;=]-?[([/\\](?=\s|$)/g;
const EMOTICON_CHAR = /[:;=<]/;

const isWordCode = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const isLetterCode = (c: number): boolean => c >= 97 && c <= 122;
const APOSTROPHE = 39;

/**
 * The tokens of a normalised text, as `/emo_pos|emo_neg|[a-z0-9]+(?:'[a-z]+)*|[!?]+|[.,;:]/g` matches
 * them (same alternatives in the same order at each position), with apostrophes removed from word
 * tokens. A scan over the character codes instead of the regex and a fold per token (speed).
 */
function scanTokens(s: string): string[] {
  const out: string[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isWordCode(c)) {
      // "emo_pos"/"emo_neg" come first among the alternatives.
      if (c === 101 && (s.startsWith('emo_pos', i) || s.startsWith('emo_neg', i))) {
        out.push(s.slice(i, i + 7));
        i += 7;
        continue;
      }
      let j = i + 1;
      while (j < n && isWordCode(s.charCodeAt(j))) j++;
      let folded: string | undefined;
      // (?:'[a-z]+)*: an apostrophe counts only when a letter follows it.
      while (j + 1 < n && s.charCodeAt(j) === APOSTROPHE && isLetterCode(s.charCodeAt(j + 1))) {
        folded ??= s.slice(i, j);
        let k = j + 2;
        while (k < n && isLetterCode(s.charCodeAt(k))) k++;
        folded += s.slice(j + 1, k);
        j = k;
      }
      out.push(folded ?? s.slice(i, j));
      i = j;
    } else if (c === 33 || c === 63) {
      // [!?]+
      let j = i + 1;
      while (j < n && (s.charCodeAt(j) === 33 || s.charCodeAt(j) === 63)) j++;
      out.push(s.slice(i, j));
      i = j;
    } else {
      // [.,;:] is one token; anything else separates tokens.
      if (c === 46 || c === 44 || c === 59 || c === 58) out.push(s[i]);
      i++;
    }
  }
  return out;
}

/**
 * Word tokens of a text: letters/digits with inner apostrophes, runs of `!`/`?`, and clause
 * punctuation `.,;:` (kept so that callers can end negation scopes). Emoticons become
 * `emo_pos` / `emo_neg`. Contractions are folded: "don't" -> "dont", "it's" -> "its".
 */
export function wordTokens(text: string): string[] {
  // Both emoticon patterns need one of these characters: without any, they replace nothing (speed).
  const withEmoticons = EMOTICON_CHAR.test(text)
    ? text.replace(EMOTICON_POS, ' emo_pos ').replace(EMOTICON_NEG, ' emo_neg ')
    : text;
  return scanTokens(normalise(withEmoticons));
}

/** True for punctuation tokens produced by {@link wordTokens}: one or more of `!?.,;:` and nothing else. */
export function isPunctuation(token: string): boolean {
  if (token.length === 0) return false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    // ! ? . , ; :
    if (c !== 33 && c !== 63 && c !== 46 && c !== 44 && c !== 59 && c !== 58) return false;
  }
  return true;
}

export function isNegator(token: string): boolean {
  return NEGATORS.has(token);
}

export function isClauseBreaker(token: string): boolean {
  return CLAUSE_BREAKERS.has(token);
}

/**
 * Marks the tokens in the scope of a negator: the next `scope` word tokens, stopping early at
 * punctuation or a clause breaker ("but"). Returns one flag per input token.
 */
export function negationMask(tokens: readonly string[], scope: number): boolean[] {
  const mask = new Array<boolean>(tokens.length).fill(false);
  let remaining = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isPunctuation(t) || isClauseBreaker(t)) {
      remaining = 0;
      continue;
    }
    if (isNegator(t)) {
      remaining = scope;
      continue;
    }
    if (remaining > 0) {
      mask[i] = true;
      remaining--;
    }
  }
  return mask;
}

/**
 * Splits a review into sentences on `.`, `!`, `?` or line breaks followed by white space, keeping
 * decimal numbers and abbreviations such as "e.g." mostly intact. Never returns an empty list for a
 * non-blank text.
 */
export function splitSentences(text: string): string[] {
  // Without a line break or a sentence end followed by white space there is nothing to split on.
  if (!SENTENCE_BREAK_HINT.test(text)) {
    const trimmed = text.trim();
    return trimmed ? [trimmed] : [];
  }
  const parts = text
    .split(SENTENCE_BREAK)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return parts.length > 0 ? parts : text.trim() ? [text.trim()] : [];
}

const SENTENCE_BREAK = /(?<=[.!?])\s+(?=\S)|\n+/;
/** Matches wherever {@link SENTENCE_BREAK} can (a superset, without its look-behind). */
const SENTENCE_BREAK_HINT = /[.!?]\s|\n/;

/** Number of word tokens (no punctuation), used for length slices. */
export function wordCount(text: string): number {
  return wordTokens(text).filter((t) => !isPunctuation(t)).length;
}

/**
 * Character n-grams of each word padded with spaces (" flo", "flor", ...), lengths `min..max`.
 * Words shorter than `min` - 2 produce just the padded word.
 */
export function charNgrams(words: readonly string[], min: number, max: number): string[] {
  const out: string[] = [];
  for (const w of words) {
    const padded = ` ${w} `;
    if (padded.length <= min) {
      out.push(padded);
      continue;
    }
    for (let n = min; n <= max; n++) {
      for (let i = 0; i + n <= padded.length; i++) out.push(padded.slice(i, i + n));
    }
  }
  return out;
}

const SUFFIXES: readonly [string, string][] = [
  ['ingly', ''],
  ['edly', ''],
  ['iness', 'y'],
  ['ness', ''],
  ['ing', ''],
  ['ies', 'y'],
  ['ied', 'y'],
  ['ed', ''],
  ['ly', ''],
  ['es', ''],
  ['s', ''],
];

/**
 * A deliberately light suffix stripper ("disappointing", "disappointed" -> "disappoint"): used
 * as an extra feature so that learnt weights transfer between inflections. Words of 4 letters or
 * fewer, and words ending in "ss", are kept as they are.
 */
export function lightStem(word: string): string {
  if (word.length <= 4 || word.endsWith('ss') || !/^[a-z]+$/.test(word)) return word;
  for (const [suffix, replacement] of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      let stem = word.slice(0, word.length - suffix.length) + replacement;
      if (/([b-df-hj-np-tv-z])\1$/.test(stem) && !/(ll|ss|ff|zz)$/.test(stem)) stem = stem.slice(0, -1);
      return stem;
    }
  }
  return word;
}

/** Token that stands for a positive idiom built from negative words ("not bad at all", "can't fault them"). */
export const IDIOM_POSITIVE = 'idiom_pos';
/** Token that stands for a negative idiom built from positive words ("could have been better"). */
export const IDIOM_NEGATIVE = 'idiom_neg';

/**
 * Idioms whose words mislead a bag of words: litotes and "can't recommend them enough". Matched
 * on the space-joined folded tokens; each becomes one idiom token, so the negator inside it neither
 * carries its own (negative) weight nor negates the words after it.
 */
const IDIOMS: readonly [RegExp, string][] = [
  [/\bnot (?:too |so |that |half )?bad(?: at all)?\b/g, IDIOM_POSITIVE],
  [/\b(?:cant|cannot|couldnt|can not|could not) (?:fault|complain)\b/g, IDIOM_POSITIVE],
  [
    /\b(?:cant|cannot|couldnt|can not|could not) (?:have )?(?:been |be )?(?:happier|better)\b/g,
    IDIOM_POSITIVE,
  ],
  [
    /\b(?:cant|cannot|couldnt|can not|could not) (?:recommend|thank|praise) (?:[a-z]+ ){0,3}(?:highly |more |enough )*enough\b/g,
    IDIOM_POSITIVE,
  ],
  [/\bnothing (?:was |is )?(?:ever )?too much (?:trouble|bother)\b/g, IDIOM_POSITIVE],
  // Added after the first held-out run (see the sentiment card): two common litotes it missed.
  [/\bnothing (?:to|i could|we could) (?:complain about|fault)\b/g, IDIOM_POSITIVE],
  [
    /\b(?:couldnt|could not|cant|cannot) (?:have )?ask(?:ed)? for (?:any ?thing )?(?:more|better)\b/g,
    IDIOM_POSITIVE,
  ],
  [/\bno (?:complaints|problems?|issues|regrets)\b/g, IDIOM_POSITIVE],
  [/\b(?:not|never) (?:a |one )?(?:single )?(?:problem|issue|complaint)\b/g, IDIOM_POSITIVE],
  [/\b(?:wouldnt|would not|didnt|did not|dont|do not) hesitate\b/g, IDIOM_POSITIVE],
  [
    /\b(?:didnt|did not|doesnt|does not|never|wont|will not|wouldnt|would not) disappoint(?:ed)?\b/g,
    IDIOM_POSITIVE,
  ],
  [/\b(?:could|should) have been (?:better|worse)\b/g, IDIOM_NEGATIVE],
];

const IDIOM_TRIGGERS = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'cant',
  'cannot',
  'couldnt',
  'can',
  'could',
  'should',
  'wouldnt',
  'would',
  'didnt',
  'did',
  'doesnt',
  'does',
  'dont',
  'do',
  'wont',
  'will',
]);

/**
 * Words of which every match of an idiom above holds one, as a whole token (a pattern's last word,
 * or "complain" for "nothing to complain about"). A rewrite only takes words away, so tokens holding
 * none of them hold no idiom, before or after any rewrite.
 */
const IDIOM_KEYWORDS = new Set([
  'bad',
  'fault',
  'complain',
  'happier',
  'better',
  'enough',
  'trouble',
  'bother',
  'more',
  'complaints',
  'problem',
  'problems',
  'issues',
  'regrets',
  'issue',
  'complaint',
  'hesitate',
  'disappoint',
  'disappointed',
  'worse',
]);

/**
 * True for a word some idiom needs: {@link rewriteFoundIdioms} returns tokens without one as they
 * are, so inference need not run its patterns on them (most sentences with a trigger word).
 */
export function isIdiomKeyword(token: string): boolean {
  return IDIOM_KEYWORDS.has(token);
}

/**
 * Replaces the idioms above by {@link IDIOM_POSITIVE} / {@link IDIOM_NEGATIVE}. Tokens without
 * any trigger word are returned as they are (the common case costs one set lookup per token).
 */
export function rewriteIdioms(tokens: readonly string[]): string[] {
  for (let i = 0; i < tokens.length; i++)
    if (IDIOM_TRIGGERS.has(tokens[i])) return rewriteFoundIdioms(tokens);
  return tokens as string[];
}

/** {@link rewriteIdioms} for tokens known to hold a trigger word: the same tokens when nothing matched. */
export function rewriteFoundIdioms(tokens: readonly string[]): string[] {
  let joined = tokens.join(' ');
  let changed = false;
  for (const [pattern, replacement] of IDIOMS) {
    const next = joined.replace(pattern, replacement);
    if (next !== joined) {
      changed = true;
      joined = next;
    }
  }
  return changed ? joined.split(' ') : (tokens as string[]);
}

/** Bits of {@link tokenFlags}. */
export const TOKEN_NEGATOR = 1;
export const TOKEN_CLAUSE_BREAKER = 2;
export const TOKEN_IDIOM_TRIGGER = 4;
/** The token "but" (contrast weighting). */
export const TOKEN_BUT = 8;

const FLAGS = new Map<string, number>();
for (const [words, flag] of [
  [NEGATORS, TOKEN_NEGATOR],
  [CLAUSE_BREAKERS, TOKEN_CLAUSE_BREAKER],
  [IDIOM_TRIGGERS, TOKEN_IDIOM_TRIGGER],
  [new Set(['but']), TOKEN_BUT],
] as const) {
  for (const w of words) FLAGS.set(w, (FLAGS.get(w) ?? 0) | flag);
}

/** What a word token is to the sentiment features, in one lookup: negator, clause breaker, idiom trigger, "but". */
export function tokenFlags(token: string): number {
  return FLAGS.get(token) ?? 0;
}

/** The words {@link tokenFlags} or {@link isIdiomKeyword} say anything of (for lookups by character codes). */
export function flaggedWords(): string[] {
  return [...new Set([...FLAGS.keys(), ...IDIOM_KEYWORDS])];
}
