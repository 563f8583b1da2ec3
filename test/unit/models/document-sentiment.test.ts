import { featureBucket } from '#src/models/ml/hash';
import { loadModel } from '#src/models/ml';
import { sentimentFeatureNames, sentimentFeatures } from '#src/models/ml/sentiment-features';
import { IDIOM_NEGATIVE, IDIOM_POSITIVE, rewriteIdioms, wordTokens } from '#src/models/ml/tokenize';
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
