import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '#src/models/ml';
import { readTsv } from '#src/models/training/datasets';
import { MODELS_DIR, REPO_ROOT } from './helpers';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'models', 'expense-notes-heldout.tsv');
const normalised = (t: string) => t.toLowerCase().replace(/\s+/g, ' ').trim();

describe('shipped expense model on the independent hand-written notes', () => {
  const notes = readTsv(FIXTURE, 'independent-heldout');

  it('are never read by the training code (short generic notes may still coincide with generated ones)', () => {
    for (const file of ['expense-data.ts', 'expense-generator.ts', 'fit.ts']) {
      expect(readFileSync(join(REPO_ROOT, 'src', 'models', 'training', file), 'utf8')).not.toContain(
        'expense-notes-heldout',
      );
    }
  });

  it('gets at least 95% right, answering "other" where nothing fits', () => {
    const model = loadModel('expense-category', MODELS_DIR);
    const predicted = model.predict(notes.map((n) => n.text));
    const correct = predicted.filter((p, i) => p.label === notes[i].label).length;
    expect(correct / notes.length).toBeGreaterThanOrEqual(0.95);
    // The notes that occur verbatim among the generated training notes are the easy ones: the
    // rest must hold up too.
    const training = new Set(
      readTsv(join(REPO_ROOT, 'data', 'expenses', 'generated.tsv'), 'generated').map((r) =>
        normalised(r.text),
      ),
    );
    const unseen = notes
      .map((n, i) => ({ n, p: predicted[i] }))
      .filter(({ n }) => !training.has(normalised(n.text)));
    expect(unseen.length).toBeGreaterThan(80);
    expect(unseen.filter(({ n, p }) => n.label === p.label).length / unseen.length).toBeGreaterThanOrEqual(
      0.94,
    );
    const others = notes.map((n, i) => ({ n, p: predicted[i] })).filter(({ n }) => n.label === 'other');
    expect(others.filter(({ p }) => p.label === 'other').length).toBeGreaterThanOrEqual(others.length - 1);
  });
});
