import { assignVariant } from '../../../../src/models/ml';
import {
  nextVersion,
  parseActiveConfig,
  registryOf,
  sha256Hex,
} from '../../../../src/models/retraining/active-config';

const sha = sha256Hex('model');

describe('active model configuration', () => {
  it('describes control and canary as a registry, the canary at its share, assigned per review id', () => {
    const config = parseActiveConfig({
      task: 'sentiment',
      revision: 1,
      updatedAt: '2026-12-04T00:00:00.000Z',
      control: { version: '1.1.0', source: 'layer' },
      canary: {
        model: { version: '1.1.1', source: 'store', sha256: sha },
        share: 0.2,
        startedAt: '2026-12-04T00:00:00.000Z',
        reason: 'better',
      },
    });
    const registry = registryOf(config);
    expect(registry.variants).toEqual([
      { name: 'control', version: '1.1.0', weight: 0.8 },
      { name: 'canary', version: '1.1.1', weight: 0.2 },
    ]);
    const ids = Array.from({ length: 2000 }, (_, i) => `rev_${i}`);
    const canaryShare = ids.filter((id) => assignVariant(registry, id).name === 'canary').length / ids.length;
    expect(canaryShare).toBeGreaterThan(0.17);
    expect(canaryShare).toBeLessThan(0.23);
    // Deterministic: the same review always gets the same variant.
    expect(ids.map((id) => assignVariant(registry, id).name)).toEqual(
      ids.map((id) => assignVariant(registry, id).name),
    );
  });

  it('refuses a store artifact without its checksum and a share outside (0, 1)', () => {
    const base = {
      task: 'sentiment',
      revision: 0,
      updatedAt: 'x',
      control: { version: '1.1.0', source: 'layer' },
    };
    expect(() => parseActiveConfig({ ...base, control: { version: '1.1.1', source: 'store' } })).toThrow();
    expect(() =>
      parseActiveConfig({
        ...base,
        canary: {
          model: { version: '1.1.1', source: 'store', sha256: sha },
          share: 1,
          startedAt: 'x',
          reason: '',
        },
      }),
    ).toThrow();
  });

  it('takes the next patch version above every known one', () => {
    expect(nextVersion(['1.0.0', '1.1.0'])).toBe('1.1.1');
    expect(nextVersion(['1.1.0', '1.1.9', '1.1.10', '1.0.3'])).toBe('1.1.11');
    expect(nextVersion([])).toBe('1.0.1');
  });
});
