/**
 * Every model artifact in the repository still predicts exactly what it predicted when the golden
 * fixture was recorded (scripts/golden-predictions.ts): labels, abstention candidates and sentence
 * units equal, every score within the fixture's rounding. Inference speed work must keep this green.
 */
import { readFileSync } from 'node:fs';
import {
  allModels,
  GOLDEN_PATH,
  goldenPrediction,
  goldenTexts,
  type GoldenCandidate,
  type GoldenFile,
} from '../../../scripts/golden-predictions';

const golden = JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as GoldenFile;
// Half a unit of the last stored decimal, plus room for the last bit of a double.
const tolerance = 0.5 * 10 ** -golden.decimals + 1e-12;

const close = (actual: number, expected: number): boolean => Math.abs(actual - expected) <= tolerance;

function sameCandidates(
  actual: readonly GoldenCandidate[] | undefined,
  expected: readonly GoldenCandidate[] | undefined,
): boolean {
  if (actual === undefined || expected === undefined) return actual === expected;
  return (
    actual.length === expected.length &&
    actual.every((c, i) => c.label === expected[i].label && close(c.confidence, expected[i].confidence))
  );
}

describe('golden predictions', () => {
  const models = allModels();

  it('cover every artifact in the repository and the same texts', () => {
    expect(Object.keys(golden.models).sort()).toEqual(models.map((m) => m.modelVersion).sort());
    expect(golden.texts).toEqual(goldenTexts());
    expect(golden.texts.length).toBeGreaterThan(500);
  });

  it.each(Object.keys(golden.models))('%s reproduces every label and score', (modelVersion) => {
    const model = models.find((m) => m.modelVersion === modelVersion)!;
    const expected = golden.models[modelVersion];
    const predictions = model.predict(golden.texts);
    expect(predictions).toHaveLength(expected.length);
    const mismatches: string[] = [];
    predictions.forEach((p, i) => {
      const text = golden.texts[i];
      const want = expected[i];
      // Unrounded values, so that the tolerance is against the exact stored rounding.
      const logits = model.logits(text);
      const got = goldenPrediction(p, logits);
      const ok =
        p.label === want.label &&
        close(p.confidence, want.confidence) &&
        logits.length === want.logits.length &&
        logits.every((z, c) => close(z, want.logits[c])) &&
        sameCandidates(p.candidates, want.candidates) &&
        sameCandidates(p.units, want.units);
      if (!ok)
        mismatches.push(
          `${JSON.stringify(text.slice(0, 60))}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`,
        );
    });
    expect(mismatches).toEqual([]);
  });

  it('fails on a changed score (the comparison is not vacuous)', () => {
    const [modelVersion] = Object.keys(golden.models);
    const model = models.find((m) => m.modelVersion === modelVersion)!;
    const text = golden.texts.find((t) => t.length > 20)!;
    const [p] = model.predict([text]);
    const stored = golden.models[modelVersion][golden.texts.indexOf(text)];
    expect(close(p.confidence, stored.confidence)).toBe(true);
    expect(close(p.confidence + 2 * tolerance, stored.confidence)).toBe(false);
  });
});
