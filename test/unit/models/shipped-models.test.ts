import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions, listVersions, loadModel } from '#src/models/ml/load';
import { parseRegistries } from '#src/models/ml/registry';
import { MODELS_DIR, REPO_ROOT } from './helpers';

describe('artifacts in layers/models', () => {
  it('have a card whose hashes and sizes match model.json and weights.bin (format v3)', () => {
    const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
    for (const task of ['sentiment', 'expense-category'] as const) {
      for (const version of listVersions(task, MODELS_DIR)) {
        const dir = join(MODELS_DIR, task, version);
        const model = readFileSync(join(dir, 'model.json'));
        const weights = readFileSync(join(dir, 'weights.bin'));
        const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'));
        expect(card.artifact.sha256).toBe(sha256(model));
        expect(card.artifact.bytes).toBe(model.length);
        expect(card.artifact.weights).toEqual({
          file: 'weights.bin',
          bytes: weights.length,
          sha256: sha256(weights),
        });
        // model.json names the same file, size and hash (the card's hash of model.json pins them).
        const named = JSON.parse(model.toString('utf8'));
        expect(named.format).toBe('wedsync-linear-v3');
        expect(named.weights).toMatchObject(card.artifact.weights);
      }
    }
    for (const task of ['sentiment', 'expense-category'] as const) {
      const version = listVersions(task, MODELS_DIR).at(-1) as string;
      const card = JSON.parse(readFileSync(join(MODELS_DIR, task, version, 'card.json'), 'utf8'));
      expect(card.deployable).toBe(true);
      expect(card.referenceDistribution.count).toBeGreaterThan(0);
      expect(card.licence.trainingData.length).toBeGreaterThan(0);
    }
  });

  it('do not include the non-commercial deception model', () => {
    expect(listVersions('deception', MODELS_DIR)).toEqual([]);
    expect(existsSync(join(REPO_ROOT, 'models-eval', 'deception'))).toBe(true);
  });

  it('are listed in the default registry', () => {
    const registries = parseRegistries(JSON.parse(readFileSync(join(MODELS_DIR, 'registry.json'), 'utf8')));
    expect(registries.map((r) => r.task).sort()).toEqual(['expense-category', 'sentiment']);
  });
});

describe('shipped sentiment model', () => {
  const model = loadModel('sentiment', MODELS_DIR);

  it('gets clear wedding reviews right with a calibrated confidence', () => {
    const out = model.predict([
      'Absolutely amazing photographer, the photos are stunning. Highly recommend!',
      'The DJ turned up late, was rude to our guests and the music was awful.',
    ]);
    expect(out.map((p) => p.label)).toEqual(['positive', 'negative']);
    for (const p of out) expect(p.confidence).toBeGreaterThan(0.8);
    expect(out[0].modelVersion).toBe(`sentiment@${model.version}`);
  });

  it('handles negation', () => {
    expect(model.predict(['The food was not good.'])[0].label).toBe('negative');
  });
});

describe('shipped expense model', () => {
  const model = loadModel('expense-category', MODELS_DIR);

  it('categorises typical notes, vendor names and typos', () => {
    const notes = [
      'deposit for the florist',
      'DJ balance',
      "Mum's hat",
      'Final payment - Rosewood Manor',
      'photograhper',
    ];
    expect(model.predict(notes).map((p) => p.label)).toEqual([
      'flowers',
      'music-and-entertainment',
      'attire',
      'venue',
      'photography',
    ]);
  });

  it('abstains on notes without category information', () => {
    const [p] = model.predict(['£450']);
    expect(p.label).toBe('other');
    expect(p.candidates).toHaveLength(3);
    expect(p.confidence).toBeLessThan(model.threshold as number);
  });
});

describe('loadModel', () => {
  it('picks the newest version and fails clearly when none exists', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(() => loadModel('deception', MODELS_DIR)).toThrow(/no deception model/);
  });
});
