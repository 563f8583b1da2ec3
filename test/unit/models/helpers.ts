/** Shared fixtures for the ML unit tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledText } from '#src/models/training/datasets';
import type { Recipe } from '#src/models/training/fit';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const LAYER_DIR = join(REPO_ROOT, 'layers', 'models');
export const MODELS_DIR = join(LAYER_DIR, 'nodejs', 'models');

export const TINY_SENTIMENT: LabelledText[] = [
  ['great service and lovely food', 'positive'],
  ['absolutely wonderful day, thank you', 'positive'],
  ['the photos are beautiful', 'positive'],
  ['friendly staff and great value', 'positive'],
  ['terrible service and cold food', 'negative'],
  ['the photos were awful', 'negative'],
  ['rude staff, would not recommend', 'negative'],
  ['late, disorganised and expensive', 'negative'],
].map(([text, label]) => ({ text, label, source: 'fixture' }));

export function tinySentimentRecipe(): Recipe {
  return {
    task: 'sentiment',
    version: '0.0.1',
    labels: ['negative', 'positive'],
    features: { type: 'sentiment', bits: 12, negationScope: 2, bigrams: true, contrastWeighting: false },
    aggregation: 'sentence-sqrt',
    ftrl: { alpha: 0.5, beta: 1, l1: 0, l2: 0.1, epochs: 20, seed: 1 },
  };
}

export const TINY_EXPENSES: LabelledText[] = [
  ['florist deposit', 'flowers'],
  ['bridal bouquet', 'flowers'],
  ['buttonholes', 'flowers'],
  ['DJ balance', 'music'],
  ['band deposit', 'music'],
  ['string quartet', 'music'],
  ['wedding insurance', 'other'],
  ['misc', 'other'],
].map(([text, label]) => ({ text, label, source: 'fixture' }));

export function tinyExpenseRecipe(threshold: number): Recipe {
  return {
    task: 'expense-category',
    version: '0.0.1',
    labels: ['flowers', 'music', 'other'],
    features: { type: 'expense', bits: 12, charMin: 3, charMax: 5, charWeight: 0.5, bigrams: true },
    aggregation: 'document',
    ftrl: { alpha: 0.5, beta: 1, l1: 0, l2: 0.1, epochs: 20, seed: 1 },
    threshold,
    fallbackLabel: 'other',
  };
}

/** The texts of a tab-separated corpus file (every line's part before its last tab). */
export function textColumn(path: string, header = true): string[] {
  return readFileSync(join(REPO_ROOT, path), 'utf8')
    .split('\n')
    .slice(header ? 1 : 0)
    .filter((line) => line.includes('\t'))
    .map((line) => line.slice(0, line.lastIndexOf('\t')));
}
