import {
  assignmentBucket,
  assignVariant,
  BUCKETS,
  ModelPool,
  parseRegistries,
  type ModelRegistry,
} from '#src/models/ml/registry';
import { MODELS_DIR } from './helpers';

const ab: ModelRegistry = {
  task: 'sentiment',
  variants: [
    { name: 'control', version: '1.0.0', weight: 70 },
    { name: 'challenger', version: '1.1.0', weight: 30 },
  ],
};

describe('A/B assignment', () => {
  it('is deterministic per supplier and task', () => {
    expect(assignmentBucket('sup-123', 'sentiment')).toBe(assignmentBucket('sup-123', 'sentiment'));
    expect(assignVariant(ab, 'sup-123')).toEqual(assignVariant(ab, 'sup-123'));
    const b = assignmentBucket('sup-123', 'sentiment');
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(BUCKETS);
  });

  it('assigns independently per task', () => {
    let differ = 0;
    for (let i = 0; i < 200; i++) {
      if (assignmentBucket(`s${i}`, 'sentiment') !== assignmentBucket(`s${i}`, 'expense-category')) differ++;
    }
    expect(differ).toBeGreaterThan(190);
  });

  it('splits suppliers in proportion to the weights', () => {
    const n = 20_000;
    let challenger = 0;
    for (let i = 0; i < n; i++) if (assignVariant(ab, `supplier-${i}`).name === 'challenger') challenger++;
    // binomial sd = sqrt(n * .3 * .7) ~ 65: allow 4 sd.
    expect(Math.abs(challenger - 0.3 * n)).toBeLessThan(260);
  });

  it('never assigns a zero-weight variant', () => {
    const off: ModelRegistry = { ...ab, variants: [ab.variants[0], { ...ab.variants[1], weight: 0 }] };
    for (let i = 0; i < 1000; i++) expect(assignVariant(off, `s${i}`).name).toBe('control');
  });
});

describe('parseRegistries', () => {
  it('accepts valid registries and rejects bad ones', () => {
    expect(parseRegistries([ab])).toEqual([ab]);
    expect(() => parseRegistries([{ ...ab, variants: [] }])).toThrow();
    expect(() =>
      parseRegistries([{ ...ab, variants: ab.variants.map((v) => ({ ...v, weight: 0 })) }]),
    ).toThrow();
    expect(() => parseRegistries([{ ...ab, variants: [ab.variants[0], ab.variants[0]] }])).toThrow();
    expect(() => parseRegistries([{ ...ab, task: 'weather' }])).toThrow();
    expect(() => parseRegistries([{ ...ab, variants: [{ ...ab.variants[0], version: '1.0' }] }])).toThrow(
      /version/,
    );
    expect(() => parseRegistries([{ ...ab, variants: [{ ...ab.variants[0], weight: -1 }] }])).toThrow(
      /weight/,
    );
    expect(() => parseRegistries({ task: ab.task })).toThrow(/array/);
  });
});

describe('ModelPool', () => {
  it('serves the assigned variant and loads each version once', () => {
    const pool = new ModelPool(MODELS_DIR, [
      { task: 'sentiment', variants: [{ name: 'control', version: '1.0.0', weight: 1 }] },
    ]);
    const a = pool.forSupplier('sentiment', 'a');
    const b = pool.forSupplier('sentiment', 'b');
    expect(a.variant).toBe('control');
    expect(a.model).toBe(b.model);
    expect(a.model.predict(['lovely'])[0].modelVersion).toBe('sentiment@1.0.0');
    expect(() => pool.forSupplier('expense-category', 'a')).toThrow(/no registry entry/);
  });
});
