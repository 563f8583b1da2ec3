import fc from 'fast-check';
import {
  charNgrams,
  isNegator,
  lightStem,
  negationMask,
  normalise,
  splitSentences,
  wordCount,
  wordTokens,
} from '#src/models/ml/tokenize';

describe('normalise', () => {
  it('lower-cases, straightens quotes and dashes, and shortens letter runs', () => {
    expect(normalise('It’s SOOOO good — really')).toBe("it's soo good - really");
  });
});

describe('wordTokens', () => {
  it('folds contractions and keeps clause punctuation', () => {
    expect(wordTokens("We didn't love it, but the DJ's set was great!!")).toEqual([
      'we',
      'didnt',
      'love',
      'it',
      ',',
      'but',
      'the',
      'djs',
      'set',
      'was',
      'great',
      '!!',
    ]);
  });

  it('turns emoticons into single tokens', () => {
    expect(wordTokens('Loved it :) but the cake :(')).toEqual([
      'loved',
      'it',
      'emo_pos',
      'but',
      'the',
      'cake',
      'emo_neg',
    ]);
  });

  it('returns nothing for blank text', () => {
    expect(wordTokens('   ')).toEqual([]);
  });
});

describe('negationMask', () => {
  it('marks the words after a negator up to the scope', () => {
    const tokens = wordTokens('not good at all really');
    expect(negationMask(tokens, 2)).toEqual([false, true, true, false, false]);
  });

  it('stops at punctuation and at "but"', () => {
    expect(negationMask(wordTokens("wasn't cheap, lovely"), 3)).toEqual([false, true, false, false]);
    expect(negationMask(wordTokens('never late but rude'), 3)).toEqual([false, true, false, false]);
  });

  it('knows folded contractions as negators', () => {
    expect(isNegator('didnt')).toBe(true);
    expect(isNegator('did')).toBe(false);
  });
});

describe('splitSentences', () => {
  it('splits on sentence punctuation followed by space and on new lines', () => {
    expect(splitSentences('Great venue. Rude staff!\nWould not return? Maybe')).toEqual([
      'Great venue.',
      'Rude staff!',
      'Would not return?',
      'Maybe',
    ]);
  });

  it('keeps decimals together and never returns empty sentences', () => {
    expect(splitSentences('It cost 4.50 pounds.  ')).toEqual(['It cost 4.50 pounds.']);
    expect(splitSentences('')).toEqual([]);
  });
});

describe('charNgrams', () => {
  it('pads words with spaces and emits every length in range', () => {
    expect(charNgrams(['dj'], 3, 4)).toEqual([' dj', 'dj ', ' dj ']);
    expect(charNgrams(['a'], 3, 5)).toEqual([' a ']);
  });
});

describe('lightStem and wordCount', () => {
  it('strips common inflections but leaves short words alone', () => {
    expect(lightStem('disappointing')).toBe('disappoint');
    expect(lightStem('disappointed')).toBe('disappoint');
    expect(lightStem('stopped')).toBe('stop');
    expect(lightStem('class')).toBe('class');
    expect(lightStem('good')).toBe('good');
  });

  it('counts words without punctuation', () => {
    expect(wordCount('Great, really great!')).toBe(3);
  });
});

/**
 * The tokeniser as it was written with regular expressions (before the character scan that
 * replaced them for speed): the scan must give the same tokens on any text.
 */
function regexWordTokens(text: string): string[] {
  const withEmoticons = /[:;=<]/.test(text)
    ? text
        .replace(/(?:^|\s)(?:[:;=]-?[)\]dp]|<3)(?=\s|$)/gi, ' emo_pos ')
        .replace(/(?:^|\s)[:;=]-?[([/\\](?=\s|$)/g, ' emo_neg ')
    : text;
  const normalised = withEmoticons
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201b\u2032`´]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/([a-z])\1{2,}/g, '$1$1');
  const matches = normalised.match(/emo_pos|emo_neg|[a-z0-9]+(?:'[a-z]+)*|[!?]+|[.,;:]/g) ?? [];
  return matches.map((t) => t.replace(/'/g, ''));
}

describe('wordTokens against the regular-expression tokeniser', () => {
  const pieces = [
    'a',
    'B',
    'e',
    'o',
    'O',
    'oo',
    'z',
    '0',
    '9',
    "'",
    '`',
    '’',
    'emo_pos',
    'emo_neg',
    'emo_',
    '_',
    '!',
    '?',
    '.',
    ',',
    ';',
    ':',
    ' ',
    '\n',
    '\t',
    ':)',
    ':-(',
    '<3',
    ';p',
    '=]',
    'é',
    'İ',
    'K',
    '£',
    '-',
    '—',
    'don',
    't',
  ];
  it('gives the same tokens on any mix of letters, digits, apostrophes, punctuation and other scripts', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(wordTokens(text)).toEqual(regexWordTokens(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same tokens on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        expect(wordTokens(text)).toEqual(regexWordTokens(text));
      }),
      { numRuns: 2000 },
    );
  });
});
