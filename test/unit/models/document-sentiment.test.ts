import fc from 'fast-check';
import { featureBucket } from '#src/models/ml/hash';
import { loadModel } from '#src/models/ml';
import { sentimentFeatureNames, sentimentFeatures } from '#src/models/ml/sentiment-features';
import {
  IDIOM_NEGATIVE,
  IDIOM_POSITIVE,
  isIdiomKeyword,
  rewriteFoundIdioms,
  rewriteIdioms,
  wordTokens,
} from '#src/models/ml/tokenize';
import { sentenceWeights } from '#src/models/ml/vectorise';
import { classificationMetrics } from '#src/models/training/metrics';
import { readHeldoutReviews } from '#src/models/training/heldout-reviews';
import { join } from 'node:path';
import { MODELS_DIR, REPO_ROOT } from './helpers';

const idioms = (text: string) => rewriteIdioms(wordTokens(text));

describe('rewriteIdioms', () => {
  it('turns litotes and "can\'t recommend enough" into one positive token', () => {
    expect(idioms('Not bad at all!')).toEqual([IDIOM_POSITIVE, '!']);
    expect(idioms("We can't fault them")).toEqual(['we', IDIOM_POSITIVE, 'them']);
    expect(idioms("I couldn't recommend them highly enough.")).toEqual(['i', IDIOM_POSITIVE, '.']);
    expect(idioms('No complaints, nothing was too much trouble')).toEqual([
      IDIOM_POSITIVE,
      ',',
      IDIOM_POSITIVE,
    ]);
  });

  it('marks "could have been better" negative and leaves ordinary negation alone', () => {
    expect(idioms('It could have been better')).toEqual(['it', IDIOM_NEGATIVE]);
    expect(idioms('The food was not good')).toEqual(['the', 'food', 'was', 'not', 'good']);
  });
});

/** Idioms of every pattern and alternative (folded tokens, as `rewriteFoundIdioms` reads them). */
const IDIOM_PHRASES = [
  'not bad',
  'not too bad at all',
  'not half bad',
  'cant fault',
  'could not complain',
  'cannot have been happier',
  'couldnt be better',
  'can not recommend them highly enough',
  'cant thank you enough',
  'couldnt praise the staff more enough',
  'nothing was ever too much trouble',
  'nothing too much bother',
  'nothing to complain about',
  'nothing we could fault',
  'couldnt have asked for anything more',
  'cant ask for any thing better',
  'no complaints',
  'no problem',
  'no problems',
  'no issues',
  'no regrets',
  'not a single problem',
  'never one issue',
  'not complaint',
  'wouldnt hesitate',
  'do not hesitate',
  'didnt disappoint',
  'will not disappointed',
  'could have been better',
  'should have been worse',
];

describe('isIdiomKeyword', () => {
  const pieces = [...IDIOM_PHRASES, 'the', 'was', 'not', 'could', 'have', 'been', 'at', 'all', ',', '!', '.'];
  const tokensOf = fc
    .array(fc.constantFrom(...pieces), { maxLength: 8 })
    .map((parts) => parts.join(' ').split(' ').filter(Boolean));

  it('names a word of every idiom: tokens full of idioms but for these words are left as they are', () => {
    fc.assert(
      fc.property(tokensOf, (tokens) => {
        const stripped = tokens.map((t) => (isIdiomKeyword(t) ? 'x' : t));
        expect(rewriteFoundIdioms(stripped)).toBe(stripped);
      }),
      { numRuns: 3000 },
    );
  });

  it('is tested on tokens that do hold idioms', () => {
    for (const phrase of IDIOM_PHRASES) expect(rewriteFoundIdioms(phrase.split(' ')).length).toBe(1);
  });
});

describe('sentimentFeatures', () => {
  it('hashes exactly the names sentimentFeatureNames lists (the prior and inference agree)', () => {
    const cfg = {
      bits: 18,
      negationScope: 2,
      bigrams: true,
      contrastWeighting: true,
      stems: true,
      idioms: true,
    };
    const text = "The DJ wasn't late, but the sound was poor!! Not bad at all though.";
    const names = sentimentFeatureNames(text, cfg);
    const v = sentimentFeatures(text, cfg);
    expect(v.indices).toEqual([...names.keys()].map((n) => featureBucket(n, 18)));
    expect(v.values).toEqual([...names.values()]);
  });
});

describe('sentenceWeights', () => {
  it('weights a contrast sentence up and the one before it down, and a summary twice', () => {
    expect(sentenceWeights(['The food was great.', 'But the band was late.'])).toEqual([0.5, 1.5]);
    expect(sentenceWeights(['Lovely venue.', 'Cold food.', 'Overall, a good day.'])).toEqual([1, 1, 2]);
  });
});

describe('shipped sentiment model, document level', () => {
  const model = loadModel('sentiment', MODELS_DIR);

  it('scores a document as the weighted mean of its sentence logits and reports the sentences', () => {
    expect(model.version).toBe('1.1.0');
    const [p] = model.predict(['The food was great. But the band was late and rude.']);
    expect(p.units).toHaveLength(2);
    expect(p.label).toBe('negative');
    const logit = (text: string) => model.logits(text)[0];
    const mean = 0.25 * logit('The food was great.') + 0.75 * logit('But the band was late and rude.');
    expect(logit('The food was great. But the band was late and rude.')).toBeCloseTo(mean, 5);
  });

  it('handles contrast across sentences and litotes', () => {
    const texts = [
      'The band was late. But the food was great and the staff were lovely.',
      'Not bad at all.',
      'I cannot recommend them enough.',
      'Not good at all.',
    ];
    expect(model.predict(texts).map((p) => p.label)).toEqual([
      'positive',
      'positive',
      'positive',
      'negative',
    ]);
  });

  it('gives a review repeated twenty times the confidence of the review once', () => {
    const once = 'The photographer was wonderful and the photos are stunning.';
    const [a, b] = model.predict([once, Array.from({ length: 20 }, () => once).join(' ')]);
    expect(b.confidence).toBeCloseTo(a.confidence, 6);
  });

  it('meets the targets on the hand-written held-out reviews it never saw', () => {
    const rows = readHeldoutReviews(join(REPO_ROOT, 'test', 'fixtures', 'models'));
    const score = (set: string) => {
      const part = rows.filter((r) => r.set === set);
      const predicted = model.predict(part.map((r) => r.text)).map((p) => p.label);
      return classificationMetrics(
        part.map((r) => r.label),
        predicted,
        ['negative', 'positive'],
      );
    };
    expect(score('polar').accuracy).toBeGreaterThanOrEqual(0.95);
    expect(score('product').macroF1).toBeGreaterThanOrEqual(0.75);
  });
});
