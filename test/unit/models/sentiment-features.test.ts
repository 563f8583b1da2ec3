/**
 * The sentiment features as their definition states them, built from strings (`sentimentFeatureNames`:
 * `wordTokens`, idioms, negation mask, "but" weights, names hashed by `featureBucket`), against
 * `sentimentFeatures`, which reads a plain sentence's tokens straight into character codes
 * (`sentence-tokens.ts`): equal on every text and sentence of the corpora and on generated ones, bit
 * for bit.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { featureBucket } from '#src/models/ml/hash';
import { IDIOM_KEYWORD, PUNCTUATION, readPlainSentence, tokenCodes } from '#src/models/ml/sentence-tokens';
import {
  sentimentFeatureNames,
  sentimentFeatures,
  type SentimentFeatureConfig,
} from '#src/models/ml/sentiment-features';
import { SparseBuilder, type SparseVector } from '#src/models/ml/sparse';
import {
  isIdiomKeyword,
  isPunctuation,
  splitSentences,
  tokenFlags,
  wordTokens,
} from '#src/models/ml/tokenize';
import { goldenTexts } from '../../../scripts/golden-predictions';
import { textColumn } from './helpers';

/** The shipped models' configurations (1.1.0, 1.0.0) and one with stems. */
const CONFIGS: readonly SentimentFeatureConfig[] = [
  { bits: 18, negationScope: 2, bigrams: true, contrastWeighting: true, idioms: true },
  { bits: 18, negationScope: 2, bigrams: true, contrastWeighting: true },
  { bits: 16, negationScope: 3, bigrams: true, contrastWeighting: false, stems: true, idioms: true },
];

/** The features by their definition, one string per name (names sharing a bucket keep the largest weight). */
function reference(text: string, cfg: SentimentFeatureConfig): SparseVector {
  const b = new SparseBuilder();
  for (const [name, weight] of sentimentFeatureNames(text, cfg)) b.max(featureBucket(name, cfg.bits), weight);
  return b.build();
}

const same = (text: string, cfg: SentimentFeatureConfig): boolean =>
  JSON.stringify(sentimentFeatures(text, cfg)) === JSON.stringify(reference(text, cfg));

/** The tokens last read as codes, as strings, and their kinds. */
function tokensRead(): { tokens: string[]; kinds: number[] } {
  const { codes, starts, ends, kinds, count } = tokenCodes;
  const tokens: string[] = [];
  for (let k = 0; k < count; k++) tokens.push(String.fromCharCode(...codes.subarray(starts[k], ends[k])));
  return { tokens, kinds: Array.from(kinds.subarray(0, count)) };
}

/** What the features need to know of a token, from its string. */
const kindOf = (t: string): number =>
  isPunctuation(t) ? PUNCTUATION : tokenFlags(t) | (isIdiomKeyword(t) ? IDIOM_KEYWORD : 0);

/** Texts that take each path: emoticon and quote characters, "_", non-ASCII, letter runs, idioms. */
const EDGES = [
  '',
  '   ',
  '!?!',
  "DON'T you dare. It's the couple's day; o'' a'b'c 9'th x'9 rock'n'roll",
  "Sooooo GOOOOD!!! aaa aAa AAAA baa'aa",
  'Loved it :) :-) <3 but awful :( =D',
  'a;b:c d=e f<g x_y emo_pos emo_neg emo_',
  'Fantastic `really` ´lovely´ “best” day — truly ‘perfect’ service…',
  'Café crème brûlée ＦＵＬＬＷＩＤＴＨ ﬁnal',
  'Not bad at all, but NOT good either. However it could have been better!',
  "We can't fault them; we couldn't recommend them highly enough. No complaints?!",
  'not not not the food, the band but the cake though yet except',
  'tab\tand\nnew line',
  "o''k a''b rock'n'roll's",
  'Don`t go, it`s a ``trap``',
  // Their codes hash (FNV-1a) as "hasnt" and "problem" do: a lookup by hash alone would take them for those.
  'apxvply the food was great, not aqrgaqj though',
  `${'x'.repeat(300)} ${'word '.repeat(80)}`,
];

const corpus = (): string[] => {
  const texts = [
    ...EDGES,
    ...['amazon_cells_labelled.txt', 'imdb_labelled.txt', 'yelp_labelled.txt'].flatMap((file) =>
      textColumn(join('data', 'sentiment', 'uci', file), false),
    ),
    ...textColumn(join('data', 'sentiment', 'reference', 'wedding-reviews.tsv'), true),
    ...goldenTexts(),
  ];
  return [...new Set([...texts, ...texts.flatMap(splitSentences)])];
};

describe('sentiment features', () => {
  const texts = corpus();

  it('read most corpus sentences as plain ones, with the tokens and kinds of wordTokens', () => {
    const plain = texts.filter(readPlainSentence);
    expect(plain.length).toBeGreaterThan(0.9 * texts.length);
    const differ = plain.filter((t) => {
      readPlainSentence(t);
      const { tokens, kinds } = tokensRead();
      const expected = wordTokens(t);
      return JSON.stringify([tokens, kinds]) !== JSON.stringify([expected, expected.map(kindOf)]);
    });
    expect(differ).toEqual([]);
  });

  it.each(CONFIGS.map((cfg) => [JSON.stringify(cfg), cfg] as const))(
    'equal their string definition on every text and sentence of the corpora (%s)',
    (_, cfg) => {
      expect(texts.filter((t) => !same(t, cfg))).toEqual([]);
    },
  );

  it('equal their string definition on generated sentences, under other configurations', () => {
    // Words the features treat apart (negators, clause breakers, "but", idiom triggers and key
    // words), letter runs, apostrophes, digits, every punctuation token, and what sends a sentence
    // to `wordTokens`: emoticon and quote characters, "_", other non-ASCII.
    const pieces = [
      'the',
      'Food',
      'GREAT',
      'not',
      'Never',
      "don't",
      "isn't",
      'without',
      'but',
      'BUT',
      'however',
      'though',
      'would',
      'could',
      'have',
      'been',
      'better',
      'bad',
      'enough',
      'no',
      'complaints',
      'hesitate',
      'sooooo',
      'gooood',
      'aaa',
      "it's",
      "o'",
      "''",
      "'quoted'",
      'don`t',
      'apxvply',
      '9th',
      '2026',
      'x9',
      '!',
      '?',
      '!?!',
      '.',
      ',',
      ';',
      ':',
      ':)',
      '<3',
      '=(',
      '_',
      'emo_pos',
      '`',
      '’',
      'é',
      'Ｆ',
      '-',
      '(',
    ];
    const separators = [' ', ' ', ' ', '', '\t', '\n', ', '];
    const sentence = fc
      .array(fc.tuple(fc.constantFrom(...pieces), fc.constantFrom(...separators)), { maxLength: 24 })
      .map((parts) => parts.map(([piece, sep]) => piece + sep).join(''));
    const config = fc.record({
      bits: fc.integer({ min: 8, max: 18 }),
      negationScope: fc.integer({ min: 0, max: 3 }),
      bigrams: fc.boolean(),
      contrastWeighting: fc.boolean(),
      stems: fc.boolean(),
      idioms: fc.boolean(),
    });
    fc.assert(
      fc.property(sentence, config, (text, cfg) => {
        expect(sentimentFeatures(text, cfg)).toEqual(reference(text, cfg));
      }),
      { numRuns: 3000 },
    );
  });
});
