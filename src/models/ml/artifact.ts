/**
 * The on-disk model artifact (`model.json`) and its validation. One format serves every task: a
 * hashed-feature linear model (binary logistic or softmax) plus the reference distribution of its
 * predictions recorded at training time for drift monitoring.
 */
import * as z from 'zod';

export const TASKS = ['sentiment', 'deception', 'expense-category'] as const;
export type Task = (typeof TASKS)[number];

export const ARTIFACT_FORMAT = 'wedsync-linear-v1';

const sentimentFeaturesSchema = z.object({
  type: z.literal('sentiment'),
  bits: z.number().int().min(8).max(24),
  negationScope: z.number().int().min(0),
  bigrams: z.boolean(),
  contrastWeighting: z.boolean(),
  stems: z.boolean().optional(),
  idioms: z.boolean().optional(),
});

const expenseFeaturesSchema = z.object({
  type: z.literal('expense'),
  bits: z.number().int().min(8).max(24),
  charMin: z.number().int().min(1),
  charMax: z.number().int().min(1),
  charWeight: z.number().min(0),
  bigrams: z.boolean(),
});

const referenceSchema = z.object({
  /** Share of each label among reference predictions (sums to 1). */
  labels: z.record(z.string(), z.number()),
  /** Histogram bin edges of the confidence, ascending, first 0 and last 1. */
  confidenceEdges: z.array(z.number()).min(2),
  /** Share of reference predictions per confidence bin (length = edges - 1). */
  confidence: z.array(z.number()),
  /** What the reference predictions were made on. */
  source: z.string(),
  count: z.number().int().min(1),
});

export const artifactSchema = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  task: z.enum(TASKS),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  /** Binary: [negative class, positive class]; the logit is for labels[1]. Multiclass: softmax order. */
  labels: z.array(z.string()).min(2),
  features: z.discriminatedUnion('type', [sentimentFeaturesSchema, expenseFeaturesSchema]),
  /**
   * How a multi-sentence text is scored: as one unit, or sentence by sentence then combined
   * (`sentence-sqrt`: features summed and divided by sqrt(sentences); `sentence-mean`: weighted
   * mean of the sentence scores, contrast and summary sentences weighted up, see `vectorise.ts`).
   */
  aggregation: z.enum(['document', 'sentence-sqrt', 'sentence-mean']),
  /** Logits are divided by this before the sigmoid/softmax (calibration). */
  temperature: z.number().positive(),
  /** Multiclass only: below this top probability the prediction is `fallbackLabel`. */
  threshold: z.number().min(0).max(1).optional(),
  fallbackLabel: z.string().optional(),
  bias: z.array(z.number()),
  weights: z.object({
    count: z.number().int().min(0),
    scale: z.number().positive(),
    index: z.string(),
    value: z.string(),
  }),
  reference: referenceSchema,
});

export type ModelArtifact = z.infer<typeof artifactSchema>;
export type SentimentFeatureSpec = z.infer<typeof sentimentFeaturesSchema>;
export type ExpenseFeatureSpec = z.infer<typeof expenseFeaturesSchema>;
export type ReferenceDistribution = z.infer<typeof referenceSchema>;

/** Number of weight rows per bucket: 1 for a binary model, one per class otherwise. */
export function outputCount(a: Pick<ModelArtifact, 'labels'>): number {
  return a.labels.length === 2 ? 1 : a.labels.length;
}

export function parseArtifact(json: unknown): ModelArtifact {
  // Parsed once per model at cold start: zod's compiled fast path would cost more to build than
  // it saves on one parse (same checks either way).
  const a = artifactSchema.parse(json, { jitless: true });
  if (a.bias.length !== outputCount(a))
    throw new Error(`artifact: bias length ${a.bias.length} does not match labels`);
  if (a.reference.confidence.length !== a.reference.confidenceEdges.length - 1) {
    throw new Error('artifact: reference histogram does not match its edges');
  }
  if (a.fallbackLabel !== undefined && !a.labels.includes(a.fallbackLabel)) {
    throw new Error(`artifact: fallback label ${a.fallbackLabel} is not a label`);
  }
  return a;
}
