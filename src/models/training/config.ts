/**
 * Every setting of `npm run train`. Changing anything here (or the data) changes the artifacts;
 * bump the task's version when the change is meant to ship.
 */
import type { SentimentFeatureSpec } from '../ml/artifact';
import type { FtrlConfig } from './ftrl';

/** Written into every card as the training date; `SOURCE_DATE_EPOCH` overrides it (reproducible builds). */
export const RELEASE_DATE = '2025-11-22';

export function trainingDate(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch ? new Date(Number(epoch) * 1000).toISOString().slice(0, 10) : RELEASE_DATE;
}

export const SEED = 20251122;

export const VERSIONS = {
  sentiment: '1.1.0',
  'expense-category': '1.1.0',
  deception: '1.0.0',
} as const;

export interface SentimentCandidate {
  readonly name: string;
  readonly description: string;
  readonly features: SentimentFeatureSpec;
  readonly ftrl: FtrlConfig;
  /** Lexicon prior; null = plain logistic regression. */
  readonly prior: { readonly scale: number; readonly negation: number } | null;
}

const baseFeatures: SentimentFeatureSpec = {
  type: 'sentiment',
  bits: 18,
  negationScope: 2,
  bigrams: true,
  contrastWeighting: false,
};
const baseFtrl: FtrlConfig = { alpha: 0.1, beta: 1, l1: 0.5, l2: 1, epochs: 20, seed: SEED };
const basePrior = { scale: 2, negation: 0.5 };

/** Weights below this (absolute) are dropped from the sentiment artifact: -6% size, no LODO change. */
export const SENTIMENT_MIN_WEIGHT = 0.03;

/** Compared by leave-one-domain-out macro-F1; the best one is trained on all data and shipped. */
export const SENTIMENT_CANDIDATES: readonly SentimentCandidate[] = [
  {
    name: 'lr',
    description: 'logistic regression (FTRL) on hashed uni+bigrams with negation marking, no lexicon',
    features: baseFeatures,
    ftrl: baseFtrl,
    prior: null,
  },
  {
    name: 'lexicon-only',
    description: 'the AFINN+VADER prior weights alone (no training), same features and aggregation',
    features: baseFeatures,
    ftrl: { ...baseFtrl, epochs: 0 },
    prior: basePrior,
  },
  {
    name: 'lr+lexicon-prior',
    description: 'logistic regression regularised towards AFINN+VADER valences (prior scale 2)',
    features: baseFeatures,
    ftrl: baseFtrl,
    prior: basePrior,
  },
  {
    name: 'lr+lexicon-prior(scale 1)',
    description: 'as lr+lexicon-prior with a weaker prior',
    features: baseFeatures,
    ftrl: baseFtrl,
    prior: { ...basePrior, scale: 1 },
  },
  {
    name: 'lr+lexicon-prior(scale 3)',
    description: 'as lr+lexicon-prior with a stronger prior',
    features: baseFeatures,
    ftrl: baseFtrl,
    prior: { ...basePrior, scale: 3 },
  },
  {
    name: 'lr+lexicon-prior+contrast',
    description: 'as lr+lexicon-prior, words before "but" x0.5 and after x1.5 (VADER rule)',
    features: { ...baseFeatures, contrastWeighting: true },
    ftrl: baseFtrl,
    prior: basePrior,
  },
  {
    name: 'lr+lexicon-prior+contrast+idioms',
    description:
      'as lr+lexicon-prior+contrast, litotes and similar idioms ("not bad at all", "can\'t fault them") as one token with a positive prior',
    features: { ...baseFeatures, contrastWeighting: true, idioms: true },
    ftrl: baseFtrl,
    prior: basePrior,
  },
  {
    name: 'lr+lexicon-prior+stems',
    description: 'as lr+lexicon-prior plus light-stem features',
    features: { ...baseFeatures, stems: true },
    ftrl: baseFtrl,
    prior: basePrior,
  },
];

export const EXPENSE = {
  generator: { seed: SEED, perCategory: 600, typoRate: 0.25 },
  weights: { handwritten: 2, mcc: 0.3 },
  features: { type: 'expense', bits: 16, charMin: 3, charMax: 5, charWeight: 0.5, bigrams: true } as const,
  ftrl: { alpha: 0.5, beta: 1, l1: 0.5, l2: 1, epochs: 5, seed: SEED } satisfies FtrlConfig,
  /** Weights below this are dropped: -38% artifact size, same validation accuracy. */
  minWeight: 0.08,
  /**
   * Thresholds tried on the validation set: the highest one whose validation accuracy is within
   * `thresholdTolerance` of the best is used (0 = the best accuracy, ties to the higher threshold:
   * abstain on the least certain notes without losing validation accuracy).
   */
  thresholdGrid: [0, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6],
  thresholdTolerance: 0,
} as const;

export const DECEPTION = {
  features: {
    type: 'sentiment',
    bits: 18,
    negationScope: 0,
    bigrams: true,
    contrastWeighting: false,
  } as const,
  ftrl: { alpha: 0.1, beta: 1, l1: 1, l2: 1, epochs: 10, seed: SEED } satisfies FtrlConfig,
  minWeight: 0.03,
  folds: 5,
} as const;
