import { modelFromArtifact } from '#src/models/ml/model';
import { fitArtifact } from '#src/models/training/fit';
import { TINY_EXPENSES, tinyExpenseRecipe } from './helpers';

describe('confidence threshold (multiclass)', () => {
  const artifact = fitArtifact(tinyExpenseRecipe(0.5), TINY_EXPENSES);

  it('predicts the top class when it clears the threshold', () => {
    const [p] = modelFromArtifact(artifact, { threshold: 0 }).predict(['florist balance']);
    expect(p.label).toBe('flowers');
    expect(p.candidates).toBeUndefined();
  });

  it('abstains to the fallback label with the three best candidates below the threshold', () => {
    const model = modelFromArtifact(artifact, { threshold: 0.999 });
    const [p] = model.predict(['florist balance']);
    expect(p.label).toBe('other');
    expect(p.candidates).toHaveLength(3);
    const c = p.candidates ?? [];
    expect(c[0].label).toBe('flowers');
    expect(c[0].confidence).toBe(p.confidence);
    expect(c[0].confidence).toBeGreaterThanOrEqual(c[1].confidence);
    expect(c[1].confidence).toBeGreaterThanOrEqual(c[2].confidence);
    expect(c.reduce((s, x) => s + x.confidence, 0)).toBeCloseTo(1, 10);
  });

  it('uses the artifact threshold unless overridden', () => {
    expect(modelFromArtifact(artifact).threshold).toBe(0.5);
    expect(modelFromArtifact(artifact, { threshold: 0.2 }).threshold).toBe(0.2);
  });

  it('abstains more as the threshold rises', () => {
    const texts = ['florist', 'DJ', 'band', 'bouquet', 'hotel', 'cake', 'quartet', 'misc'];
    const abstentions = [0, 0.4, 0.6, 0.8, 0.99].map(
      (t) =>
        modelFromArtifact(artifact, { threshold: t })
          .predict(texts)
          .filter((p) => p.candidates).length,
    );
    for (let i = 1; i < abstentions.length; i++)
      expect(abstentions[i]).toBeGreaterThanOrEqual(abstentions[i - 1]);
    expect(abstentions[0]).toBe(0);
    expect(abstentions[abstentions.length - 1]).toBeGreaterThan(0);
  });
});
