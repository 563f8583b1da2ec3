/**
 * The hand-written held-out reviews (`test/fixtures/models/reviews-heldout.tsv`, CC0, written
 * for this project): never trained on and never used to choose a candidate; `npm run eval`
 * scores the shipped artifact and the lexicon baselines on them, sliced by set, length and domain.
 *
 * Sets: `polar` clearly positive or negative multi-sentence reviews (wedding suppliers, hotels,
 * restaurants; contrast and litotes included), `short` one-line reviews, `product` imbalanced
 * product reviews (about 80% positive, many of them lukewarm: "It's fine. Does the job.").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wordCount } from '../ml/tokenize';
import { classificationMetrics, sliceMetrics, type SliceReport } from './metrics';

export const HELDOUT_REVIEWS_FILE = 'reviews-heldout.tsv';

export interface HeldoutReview {
  readonly set: 'polar' | 'short' | 'product';
  readonly domain: string;
  readonly rating: number;
  readonly label: 'positive' | 'negative';
  readonly text: string;
}

export function readHeldoutReviews(fixturesDir: string): HeldoutReview[] {
  const lines = readFileSync(join(fixturesDir, HELDOUT_REVIEWS_FILE), 'utf8').split('\n');
  return lines
    .slice(1)
    .filter((l) => l.trim())
    .map((line) => {
      const [set, domain, rating, label, text] = line.split('\t');
      if (
        (set !== 'polar' && set !== 'short' && set !== 'product') ||
        (label !== 'positive' && label !== 'negative') ||
        !text ||
        !domain
      ) {
        throw new Error(`bad held-out review line: ${line}`);
      }
      return { set, domain, rating: Number(rating), label, text };
    });
}

/** Short = at most 25 words (one or two sentences), long = more. */
export function lengthClass(text: string): 'short' | 'long' {
  return wordCount(text) <= 25 ? 'short' : 'long';
}

export interface HeldoutReport {
  readonly all: { n: number; accuracy: number; macroF1: number };
  readonly bySet: SliceReport;
  readonly byLength: SliceReport;
  readonly byDomain: SliceReport;
  /** Texts the model got wrong (for the console; at most 12). */
  readonly errors: readonly { text: string; gold: string; predicted: string | null }[];
}

const LABELS = ['negative', 'positive'];

export function heldoutReport(
  rows: readonly HeldoutReview[],
  predicted: readonly (string | null)[],
): HeldoutReport {
  const gold = rows.map((r) => r.label);
  const m = classificationMetrics(gold, predicted, LABELS);
  const slice = (of: (r: HeldoutReview) => string) => sliceMetrics(gold, predicted, rows.map(of), LABELS);
  return {
    all: { n: m.n, accuracy: m.accuracy, macroF1: m.macroF1 },
    bySet: slice((r) => `set:${r.set}`),
    byLength: slice((r) => `length:${lengthClass(r.text)}`),
    byDomain: slice((r) => `domain:${r.domain}`),
    errors: rows
      .map((r, i) => ({ text: r.text, gold: r.label, predicted: predicted[i] }))
      .filter((e) => e.predicted !== e.gold)
      .slice(0, 12)
      .map((e) => ({ ...e, text: e.text.length > 90 ? `${e.text.slice(0, 87)}...` : e.text })),
  };
}
