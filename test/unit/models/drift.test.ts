import type { ReferenceDistribution } from '#src/models/ml/artifact';
import { DriftMonitor, expectedSentiment, ratingAgreement } from '#src/models/ml/drift';
import { loadModel } from '#src/models/ml/load';
import { CONFIDENCE_EDGES, histogram, labelShares, psi, PSI_EPSILON, psiLevel } from '#src/models/ml/psi';
import { MODELS_DIR } from './helpers';

describe('psi', () => {
  it('is zero for identical distributions', () => {
    expect(psi([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
  });

  it('matches a hand-computed value', () => {
    // (0.25 - 0.5) ln(0.25/0.5) + (0.75 - 0.5) ln(0.75/0.5) = 0.25 ln 2 + 0.25 ln 1.5
    expect(psi([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), 12);
    expect(psi([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.274653, 6);
  });

  it('is symmetric and floors empty bins at epsilon', () => {
    expect(psi([0.1, 0.9], [0.6, 0.4])).toBeCloseTo(psi([0.6, 0.4], [0.1, 0.9]), 12);
    const expected = (1 - PSI_EPSILON) * Math.log(1 / PSI_EPSILON) * 2;
    expect(psi([1, 0], [0, 1])).toBeCloseTo(expected, 6);
    expect(() => psi([1], [0.5, 0.5])).toThrow();
  });

  it('reads as stable / moderate / significant', () => {
    expect(psiLevel(0.05)).toBe('stable');
    expect(psiLevel(0.15)).toBe('moderate-shift');
    expect(psiLevel(0.3)).toBe('significant-shift');
  });
});

describe('histogram and label shares', () => {
  it('bins values with the last edge inclusive', () => {
    expect(histogram([0.55, 0.65, 0.65, 1], [0.5, 0.6, 0.7, 1])).toEqual([0.25, 0.5, 0.25]);
    expect(histogram([], [0, 1])).toEqual([0]);
  });

  it('counts label shares in the given order', () => {
    expect(labelShares(['a', 'b', 'b', 'c'], ['b', 'a'])).toEqual([0.5, 0.25]);
  });
});

const reference: ReferenceDistribution = {
  labels: { negative: 0.5, positive: 0.5 },
  confidenceEdges: [...CONFIDENCE_EDGES],
  confidence: [0, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.1],
  source: 'test',
  count: 100,
};

describe('DriftMonitor', () => {
  const confidences = [0.55, 0.65, 0.75, 0.85, 0.85, 0.92, 0.92, 0.97, 0.97, 0.995];

  it('reports insufficient data, then stability for reference-like traffic', () => {
    const m = new DriftMonitor(reference, { windowSize: 200, minCount: 50 });
    m.observe({ label: 'positive', confidence: 0.9 });
    expect(m.report().status).toBe('insufficient-data');
    for (let i = 0; i < 200; i++)
      m.observe({ label: i % 2 ? 'positive' : 'negative', confidence: confidences[i % 10] });
    const r = m.report();
    expect(r.count).toBe(200);
    expect(r.labelPsi).toBeLessThan(0.01);
    expect(r.confidencePsi).toBeLessThan(0.01);
    expect(r.status).toBe('stable');
  });

  it('rises as the live label mix shifts away from the reference', () => {
    const psiAt = (positiveShare: number): number => {
      const m = new DriftMonitor(reference, { windowSize: 1000 });
      for (let i = 0; i < 1000; i++) {
        m.observe({
          label: i < positiveShare * 1000 ? 'positive' : 'negative',
          confidence: confidences[i % 10],
        });
      }
      return m.report().labelPsi;
    };
    const values = [0.5, 0.6, 0.7, 0.8, 0.9].map(psiAt);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    expect(psiLevel(values[4])).toBe('significant-shift');
  });

  it('detects a shifted confidence distribution and keeps only the last window', () => {
    const m = new DriftMonitor(reference, { windowSize: 100, minCount: 10 });
    for (let i = 0; i < 100; i++)
      m.observe({ label: i % 2 ? 'positive' : 'negative', confidence: confidences[i % 10] });
    expect(m.report().confidencePsi).toBeLessThan(0.01);
    for (let i = 0; i < 100; i++) m.observe({ label: i % 2 ? 'positive' : 'negative', confidence: 0.52 });
    const r = m.report();
    expect(r.count).toBe(100);
    expect(r.confidenceHistogram[1]).toBe(1);
    expect(r.confidencePsi).toBeGreaterThan(1);
    expect(r.status).toBe('significant-shift');
  });

  it('counts labels the reference never saw', () => {
    const m = new DriftMonitor(reference, { minCount: 1 });
    m.observe({ label: 'neutral', confidence: 0.9 });
    expect(m.report().labelShares).toEqual({ negative: 0, positive: 0, neutral: 1 });
    expect(m.report().labelPsi).toBeGreaterThan(1);
  });

  it('drifts when real predictions move from positive to negative reviews', () => {
    const model = loadModel('sentiment', MODELS_DIR);
    const happy = [
      'Wonderful venue, lovely staff.',
      'Amazing photos, thank you so much!',
      'Great band, everyone danced.',
    ];
    const angry = [
      'Terrible service, rude staff.',
      'Awful photos and a horrible attitude.',
      'The worst DJ, a complete disaster.',
    ];
    const run = (texts: string[]) => {
      const m = new DriftMonitor(model.reference, { windowSize: 300, minCount: 1 });
      for (let i = 0; i < 300; i++) {
        const [p] = model.predict([texts[i % texts.length]]);
        m.observe(p);
      }
      return m.report();
    };
    const mixed = run([...happy, ...angry]);
    const negative = run(angry);
    expect(negative.labelPsi).toBeGreaterThan(mixed.labelPsi);
    expect(negative.labelShares.negative).toBe(1);
  });
});

describe('rating agreement', () => {
  it('maps stars to expected sentiment', () => {
    expect(expectedSentiment(5)).toBe('positive');
    expect(expectedSentiment(4)).toBe('positive');
    expect(expectedSentiment(3)).toBeNull();
    expect(expectedSentiment(2)).toBe('negative');
    expect(expectedSentiment(undefined)).toBeNull();
  });

  it('is the share of rated (non-3-star) observations whose label matches', () => {
    expect(
      ratingAgreement([
        { label: 'positive', confidence: 0.9, rating: 5 },
        { label: 'negative', confidence: 0.9, rating: 4 },
        { label: 'negative', confidence: 0.9, rating: 1 },
        { label: 'positive', confidence: 0.9, rating: 3 },
        { label: 'positive', confidence: 0.9 },
      ]),
    ).toEqual({ n: 3, rate: 2 / 3 });
    expect(ratingAgreement([{ label: 'positive', confidence: 0.9, rating: 3 }])).toBeNull();
  });
});
