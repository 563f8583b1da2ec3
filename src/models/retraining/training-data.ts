/**
 * The data a retraining run starts from, shipped in the Models layer beside the models
 * (`nodejs/retraining/`, read from `<models dir>/../retraining`): the original training sentences
 * (the 3,000 UCI sentences the shipped model was trained on) and the frozen gold set (the held-out
 * reviews of ADR 0021, committed, never trained on). The gold set is pinned by its SHA-256: a
 * changed file stops the run instead of silently moving the bar.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabelledText } from '../training/datasets';
import { sha256Hex } from './active-config';

export const GOLD_SET_FILE = 'gold-reviews.tsv';
export const ORIGINAL_DATA_FILE = 'sentiment-original.tsv';
/** SHA-256 of gold-reviews.tsv (a copy of test/fixtures/models/reviews-heldout.tsv). */
export const GOLD_SET_SHA256 = '92a2b5b10549511aeb2f36e93d54ef122cdf6a83f8bdb96e5d170611bd382c28';

export interface GoldReview {
  readonly text: string;
  readonly label: 'positive' | 'negative';
}

export interface RetrainingData {
  readonly original: readonly LabelledText[];
  readonly gold: readonly GoldReview[];
}

export function retrainingDataDir(modelDir: string): string {
  return join(modelDir, '..', 'retraining');
}

export function readRetrainingData(dir: string): RetrainingData {
  const goldText = readFileSync(join(dir, GOLD_SET_FILE), 'utf8');
  if (sha256Hex(goldText) !== GOLD_SET_SHA256) {
    throw new Error(`${GOLD_SET_FILE} is not the frozen gold set (its SHA-256 changed)`);
  }
  return {
    original: parseOriginal(readFileSync(join(dir, ORIGINAL_DATA_FILE), 'utf8')),
    gold: parseGold(goldText),
  };
}

/** `source<TAB>text<TAB>label` with a header line. */
export function parseOriginal(text: string): LabelledText[] {
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim())
    .map((line) => {
      const [source, body, label] = line.split('\t');
      if (!source || !body || (label !== 'positive' && label !== 'negative')) {
        throw new Error(`bad training line: ${line.slice(0, 80)}`);
      }
      return { source, text: body, label };
    });
}

/** The held-out reviews' format: `set<TAB>domain<TAB>rating<TAB>label<TAB>text` with a header. */
export function parseGold(text: string): GoldReview[] {
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim())
    .map((line) => {
      const [, , , label, body] = line.split('\t');
      if (!body || (label !== 'positive' && label !== 'negative')) {
        throw new Error(`bad gold line: ${line.slice(0, 80)}`);
      }
      return { text: body, label };
    });
}
