/** Assembling the expense-category training data: generated notes, hand-written notes, mapped MCC rows. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUDGET_CATEGORIES } from '../../events';
import { readTsv, type LabelledText } from './datasets';
import { generateExpenses, readVocabulary, type GeneratorOptions } from './expense-generator';

/** The wedding budget categories: the same list the budget events use. */
export const EXPENSE_CATEGORIES = BUDGET_CATEGORIES;

/**
 * MCC descriptions mapped to wedding categories by `data/mcc/wedding_map.tsv` (exact text or
 * `group:<mcc group>`), de-duplicated by text; unmapped rows are dropped.
 */
export function mappedMccRows(dataDir: string, weight: number): LabelledText[] {
  const map = new Map<string, string>();
  for (const r of readTsv(join(dataDir, 'mcc', 'wedding_map.tsv'), 'map')) map.set(r.text, r.label);
  const seen = new Set<string>();
  const out: LabelledText[] = [];
  for (const r of readTsv(join(dataDir, 'mcc', 'train.tsv'), 'mcc')) {
    const category = map.get(r.text) ?? map.get(`group:${r.label}`);
    if (category === undefined || seen.has(r.text)) continue;
    seen.add(r.text);
    out.push({ text: r.text, label: category, source: 'mcc', weight });
  }
  return out.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

export interface ExpenseData {
  readonly generated: LabelledText[];
  readonly handwritten: LabelledText[];
  readonly mcc: LabelledText[];
  readonly heldout: LabelledText[];
}

export function generatedTsv(rows: readonly LabelledText[]): string {
  return ['text\tlabel', ...rows.map((r) => `${r.text}\t${r.label}`)].join('\n') + '\n';
}

export function loadExpenseData(
  dataDir: string,
  gen: GeneratorOptions,
  weights: { handwritten: number; mcc: number },
): ExpenseData {
  const vocab = readVocabulary(join(dataDir, 'expenses', 'vocabulary.json'));
  const generated = generateExpenses(vocab, gen);
  const handwritten = readTsv(join(dataDir, 'expenses', 'handwritten-train.tsv'), 'handwritten').map((r) => ({
    ...r,
    weight: weights.handwritten,
  }));
  const heldout = readTsv(join(dataDir, 'expenses', 'handwritten-heldout.tsv'), 'heldout');
  for (const r of [...generated, ...handwritten, ...heldout]) {
    if (!(EXPENSE_CATEGORIES as readonly string[]).includes(r.label))
      throw new Error(`unknown category ${r.label}: ${r.text}`);
  }
  return { generated, handwritten, mcc: mappedMccRows(dataDir, weights.mcc), heldout };
}

/** The generated file's bytes, for checking that `data/expenses/generated.tsv` is current. */
export function readGenerated(dataDir: string): string {
  return readFileSync(join(dataDir, 'expenses', 'generated.tsv'), 'utf8');
}
