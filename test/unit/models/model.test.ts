import { FILES_ARTIFACT_FORMAT, LEGACY_ARTIFACT_FORMAT, parseArtifact } from '#src/models/ml/artifact';
import { decodeWeights, encodeLegacyWeights, encodeWeights } from '#src/models/ml/codec';
import { modelFromArtifact } from '#src/models/ml/model';
import { artifactFiles, cardArtifact, serialiseArtifact } from '#src/models/training/card';
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

  it('reads the layer format (wedsync-linear-v3, weights in a file): same predictions, same v2 form', () => {
    const files = artifactFiles(artifact);
    const json = JSON.parse(files.model);
    expect(json.format).toBe(FILES_ARTIFACT_FORMAT);
    expect(json.weights).toEqual({
      count: artifact.weights.count,
      scale: artifact.weights.scale,
      groupBits: artifact.weights.groupBits,
      file: 'weights.bin',
      bytes: files.weights.length,
      sha256: cardArtifact(files).weights?.sha256,
    });
    const read: string[] = [];
    const parsed = parseArtifact(json, (file) => {
      read.push(file);
      return files.weights;
    });
    expect(read).toEqual(['weights.bin']);
    expect(parsed.format).toBe(FILES_ARTIFACT_FORMAT);
    const texts = ['great service', 'not great at all', 'awful. really awful'];
    const model = modelFromArtifact(parsed);
    expect(model.predict(texts)).toEqual(modelFromArtifact(artifact).predict(texts));
    expect(model.logits(texts[1])).toEqual(modelFromArtifact(artifact).logits(texts[1]));
    // The single-file form of a v3 artifact is what training wrote.
    expect(serialiseArtifact(parsed)).toBe(serialiseArtifact(artifact));
    expect(artifactFiles(parsed)).toEqual(files);
  });

  it('rejects a v3 artifact without its weights file, or with one that does not match', () => {
    const files = artifactFiles(artifact);
    const json = JSON.parse(files.model);
    const weights = () => files.weights;
    expect(() => parseArtifact(json)).toThrow(/weights\.bin.*readArtifact/);
    expect(() => parseArtifact(json, () => files.weights.subarray(1))).toThrow(/weights\.bytes/);
    expect(() => parseArtifact({ ...json, weights: { ...json.weights, file: '../x.bin' } }, weights)).toThrow(
      /weights\.file/,
    );
    expect(() => parseArtifact({ ...json, weights: { ...json.weights, sha256: 'abc' } }, weights)).toThrow(
      /sha256/,
    );
    const truncated = { ...json, weights: { ...json.weights, bytes: files.weights.length - 1 } };
    expect(() => modelFromArtifact(parseArtifact(truncated, () => files.weights.subarray(1)))).toThrow(
      /holds \d+ bytes/,
    );
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
