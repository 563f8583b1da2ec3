import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureBucket } from '#src/models/ml/hash';
import { lexiconLabel, lexiconPrediction } from '#src/models/training/baselines';
import { fitTemperature } from '#src/models/training/calibrate';
import { EXPENSE } from '#src/models/training/config';
import { lengthBucket, readUci } from '#src/models/training/datasets';
import { generatedTsv, mappedMccRows } from '#src/models/training/expense-data';
import { generateExpenses, readVocabulary } from '#src/models/training/expense-generator';
import { trainFtrl } from '#src/models/training/ftrl';
import { classificationMetrics, expectedCalibrationError, sliceMetrics } from '#src/models/training/metrics';
import { trainNaiveBayes } from '#src/models/training/nb';
import { lexiconPrior } from '#src/models/training/prior';
import { createRng, shuffled } from '#src/models/training/rng';
import { REPO_ROOT, TINY_SENTIMENT } from './helpers';

const DATA = join(REPO_ROOT, 'data');

describe('metrics', () => {
  it('computes accuracy and macro-F1, counting null predictions as wrong', () => {
    const m = classificationMetrics(['a', 'a', 'b', 'b'], ['a', null, 'b', 'a'], ['a', 'b']);
    expect(m.accuracy).toBe(0.5);
    // a: p=1/2 r=1/2 f=.5; b: p=1 r=1/2 f=.6667
    expect(m.macroF1).toBeCloseTo((0.5 + 2 / 3) / 2, 4);
    expect(m.perClass.b.support).toBe(2);
  });

  it('finds the largest gap between slices', () => {
    const s = sliceMetrics(['a', 'a', 'a', 'a'], ['a', 'a', 'a', 'b'], ['x', 'x', 'y', 'y'], ['a', 'b']);
    expect(s.slices.x.accuracy).toBe(1);
    expect(s.slices.y.accuracy).toBe(0.5);
    expect(s.largestGap).toEqual({ accuracy: 0.5, between: ['x', 'y'] });
  });

  it('measures calibration error', () => {
    expect(expectedCalibrationError([0.95, 0.95], [true, true])).toBeCloseTo(0.05, 4);
    expect(expectedCalibrationError([0.75, 0.75, 0.75, 0.75], [true, true, true, false])).toBe(0);
  });
});

describe('lexicon baseline rule', () => {
  it('maps score signs and counts exactly 0 as the wrong label', () => {
    expect(lexiconLabel(2)).toBe('positive');
    expect(lexiconLabel(-0.1)).toBe('negative');
    expect(lexiconLabel(0)).toBeNull();
    expect(lexiconPrediction(0, 'positive')).toBe('negative');
    expect(lexiconPrediction(0, 'negative')).toBe('positive');
  });
});

describe('FTRL trainer', () => {
  const examples = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({
    x: { indices: [i % 2 === 0 ? 1 : 2, 3], values: [1, 1] },
    y: i % 2 === 0 ? 1 : 0,
  }));
  const cfg = { alpha: 0.5, beta: 1, l1: 0, l2: 0.1, epochs: 30, seed: 3 };

  it('learns a separable problem deterministically', () => {
    const a = trainFtrl(examples, 4, 1, cfg);
    expect(a.weights[1]).toBeGreaterThan(1);
    expect(a.weights[2]).toBeLessThan(-1);
    expect(Array.from(trainFtrl(examples, 4, 1, cfg).weights)).toEqual(Array.from(a.weights));
  });

  it('keeps the prior for features never seen and zeroes weak ones with L1', () => {
    const prior = new Float64Array(16);
    prior[9] = 0.7;
    const w = trainFtrl(examples, 4, 1, { ...cfg, l1: 100 }, prior).weights;
    expect(w[9]).toBe(0.7);
    expect(w[1]).toBe(0);
  });

  it('trains softmax models with one weight per class and bucket', () => {
    const multi = [0, 1, 2].flatMap((c) => [0, 1, 2].map(() => ({ x: { indices: [c], values: [1] }, y: c })));
    const t = trainFtrl(multi, 2, 3, cfg);
    expect(t.weights).toHaveLength(4 * 3);
    for (let c = 0; c < 3; c++) {
      const row = [0, 1, 2].map((k) => t.weights[c * 3 + k]);
      expect(row.indexOf(Math.max(...row))).toBe(c);
    }
  });
});

describe('calibration', () => {
  it('shrinks over-confident logits (T > 1) and sharpens timid ones (T < 1)', () => {
    const y = [1, 0, 1, 0, 1, 0, 1, 0, 1, 1];
    const big = y.map(() => [8]);
    const small = y.map((v) => [v ? 0.1 : -0.1]);
    expect(fitTemperature(big, y)).toBeGreaterThan(1);
    expect(fitTemperature(small, y)).toBeLessThan(1);
  });
});

describe('lexicon prior', () => {
  const features = {
    type: 'sentiment' as const,
    bits: 12,
    negationScope: 2,
    bigrams: true,
    contrastWeighting: false,
  };

  it('puts scaled valences on words, flipped on negated words, averaged per feature', () => {
    const prior = lexiconPrior(
      new Map([
        ['good', 0.5],
        [':)', 0.4],
        ['=)', 0.6],
        ['fed up', -0.4],
      ]),
      features,
      { scale: 2, negation: 0.5 },
    );
    expect(prior[featureBucket('u:good', 12)]).toBeCloseTo(1, 10);
    expect(prior[featureBucket('n:good', 12)]).toBeCloseTo(-0.5, 10);
    expect(prior[featureBucket('u:emo_pos', 12)]).toBeCloseTo(1, 10);
    expect(prior[featureBucket('b:fed_up', 12)]).toBeCloseTo(-0.8, 10);
  });
});

describe('data', () => {
  it('reads all 3,000 UCI sentences, balanced per domain', () => {
    const rows = readUci(DATA);
    expect(rows).toHaveLength(3000);
    for (const d of ['amazon', 'imdb', 'yelp']) {
      expect(rows.filter((r) => r.source === d && r.label === 'positive')).toHaveLength(500);
    }
    expect(lengthBucket('one two three')).toBe('len:01-07');
  });

  it('generates the same expense notes for the same seed, matching data/expenses/generated.tsv', () => {
    const vocab = readVocabulary(join(DATA, 'expenses', 'vocabulary.json'));
    const a = generateExpenses(vocab, EXPENSE.generator);
    const b = generateExpenses(vocab, EXPENSE.generator);
    expect(a).toEqual(b);
    expect(generatedTsv(a)).toBe(readFileSync(join(DATA, 'expenses', 'generated.tsv'), 'utf8'));
    expect(new Set(a.map((r) => r.label)).size).toBe(18);
    expect(generateExpenses(vocab, { ...EXPENSE.generator, seed: 1 })).not.toEqual(a);
  });

  it('maps MCC descriptions to wedding categories', () => {
    const rows = mappedMccRows(DATA, 0.3);
    const byText = new Map(rows.map((r) => [r.text, r.label]));
    expect(byText.get('Florists')).toBe('flowers');
    expect(byText.get('Photographic Studios')).toBe('photography');
    expect(byText.get('HILTON HOTELS')).toBe('accommodation');
    expect(byText.has('Welding Repair')).toBe(false);
    expect(rows.every((r) => r.weight === 0.3)).toBe(true);
  });
});

describe('naive Bayes reference and rng', () => {
  it('classifies its own training data', () => {
    const nb = trainNaiveBayes(TINY_SENTIMENT, ['negative', 'positive']);
    expect(nb('great lovely food')).toBe('positive');
    expect(nb('rude and awful')).toBe('negative');
  });

  it('shuffles reproducibly', () => {
    expect(shuffled([1, 2, 3, 4, 5], createRng(9))).toEqual(shuffled([1, 2, 3, 4, 5], createRng(9)));
    expect([...shuffled([1, 2, 3, 4, 5], createRng(9))].sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
