import { LEGACY_ARTIFACT_FORMAT, parseArtifact } from '#src/models/ml/artifact';
import { decodeWeights, encodeLegacyWeights, encodeWeights } from '#src/models/ml/codec';
import { modelFromArtifact } from '#src/models/ml/model';
import { serialiseArtifact } from '#src/models/training/card';
import { fitArtifact } from '#src/models/training/fit';
import { vectoriser } from '#src/models/ml/vectorise';
import { TINY_SENTIMENT, tinySentimentRecipe } from './helpers';

describe('training determinism', () => {
  it('gives byte-identical artifacts for the same data and seed', () => {
    const a = serialiseArtifact(fitArtifact(tinySentimentRecipe(), TINY_SENTIMENT));
    const b = serialiseArtifact(fitArtifact(tinySentimentRecipe(), TINY_SENTIMENT));
    expect(a).toBe(b);
  });

  it('depends on the seed (examples are visited in a seeded order)', () => {
    const r = tinySentimentRecipe();
    const a = serialiseArtifact(fitArtifact(r, TINY_SENTIMENT));
    const b = serialiseArtifact(fitArtifact({ ...r, ftrl: { ...r.ftrl, seed: 2 } }, TINY_SENTIMENT));
    expect(a).not.toBe(b);
  });
});

describe('predict', () => {
  const model = modelFromArtifact(fitArtifact(tinySentimentRecipe(), TINY_SENTIMENT));

  it('returns one prediction per text with label, confidence and model version', () => {
    const out = model.predict(['great food', 'awful and rude', '']);
    expect(out).toHaveLength(3);
    for (const p of out) {
      expect(['positive', 'negative']).toContain(p.label);
      expect(p.confidence).toBeGreaterThanOrEqual(0.5);
      expect(p.confidence).toBeLessThanOrEqual(1);
      expect(p.modelVersion).toBe('sentiment@0.0.1');
      expect(p.candidates).toBeUndefined();
    }
    expect(out[0].label).toBe('positive');
    expect(out[1].label).toBe('negative');
  });

  it('is a pure function of the text', () => {
    expect(model.predict(['lovely staff'])).toEqual(model.predict(['lovely staff']));
  });

  it('scores multi-sentence text as the sum of sentences over sqrt(count)', () => {
    const vec = vectoriser({ features: tinySentimentRecipe().features, aggregation: 'sentence-sqrt' });
    const one = vec('great food.');
    const two = vec('great food. great food.');
    expect(two.indices).toEqual(one.indices);
    two.values.forEach((v, i) => expect(v).toBeCloseTo((2 * one.values[i]) / Math.SQRT2, 10));
  });
});

describe('parseArtifact', () => {
  const artifact = fitArtifact(tinySentimentRecipe(), TINY_SENTIMENT);

  it('accepts what training writes', () => {
    expect(parseArtifact(JSON.parse(serialiseArtifact(artifact)))).toEqual(artifact);
  });

  it('rejects wrong formats and inconsistent fields', () => {
    expect(() => parseArtifact({ ...artifact, format: 'other' })).toThrow();
    expect(() => parseArtifact({ ...artifact, bias: [0, 0] })).toThrow(/bias/);
    expect(() => parseArtifact({ ...artifact, fallbackLabel: 'maybe' })).toThrow(/fallback/);
    expect(() => parseArtifact({ ...artifact, temperature: 0 })).toThrow(/temperature/);
    expect(() => parseArtifact({ ...artifact, features: { ...artifact.features, bits: 30 } })).toThrow(
      /bits/,
    );
    expect(() => parseArtifact({ ...artifact, weights: { ...artifact.weights, starts: 1 } })).toThrow(
      /starts/,
    );
    expect(() =>
      parseArtifact({ ...artifact, reference: { ...artifact.reference, confidence: [] } }),
    ).toThrow(/histogram/);
  });

  it('reads the previous format (wedsync-linear-v1) into the current one, same weights', () => {
    const buckets = 2 ** artifact.features.bits;
    const dense = decodeWeights(artifact.weights, buckets);
    const current = { ...artifact, weights: encodeWeights(dense) };
    const legacy = { ...artifact, format: LEGACY_ARTIFACT_FORMAT, weights: encodeLegacyWeights(dense) };
    expect(parseArtifact(JSON.parse(JSON.stringify(legacy)))).toEqual(current);
    const texts = ['great service', 'not great at all', 'awful. really awful'];
    expect(modelFromArtifact(parseArtifact(legacy)).predict(texts)).toEqual(
      modelFromArtifact(current).predict(texts),
    );
  });
});
