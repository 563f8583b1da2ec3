/**
 * Fitting a hashed linear model on labelled texts and packing it as an artifact. Evaluation
 * always goes through the packed (quantised) artifact so the numbers are those of what ships.
 */
import { ARTIFACT_FORMAT, type ModelArtifact, type ReferenceDistribution, type Task } from '../ml/artifact';
import { encodeWeights } from '../ml/codec';
import { modelFromArtifact, type Model } from '../ml/model';
import type { Prediction } from '../ml/prediction';
import { CONFIDENCE_EDGES, histogram } from '../ml/psi';
import { vectoriser } from '../ml/vectorise';
import type { LabelledText } from './datasets';
import { trainFtrl, type FtrlConfig } from './ftrl';

export interface Recipe {
  readonly task: Task;
  readonly version: string;
  readonly labels: readonly string[];
  readonly features: ModelArtifact['features'];
  readonly aggregation: ModelArtifact['aggregation'];
  readonly ftrl: FtrlConfig;
  /** Dense prior in the weight layout (sentiment: lexicon valences). */
  readonly prior?: Float64Array;
  readonly threshold?: number;
  readonly fallbackLabel?: string;
  /** Weights smaller than this in absolute value are dropped from the artifact (size). */
  readonly minWeight?: number;
}

const PLACEHOLDER_REFERENCE: ReferenceDistribution = {
  labels: {},
  confidenceEdges: [...CONFIDENCE_EDGES],
  confidence: new Array<number>(CONFIDENCE_EDGES.length - 1).fill(0),
  source: 'none',
  count: 1,
};

export function fitArtifact(
  recipe: Recipe,
  rows: readonly LabelledText[],
  temperature = 1,
  reference: ReferenceDistribution = PLACEHOLDER_REFERENCE,
): ModelArtifact {
  const outputs = recipe.labels.length === 2 ? 1 : recipe.labels.length;
  const vectorise = vectoriser(recipe);
  const examples = rows.map((r) => {
    const y = recipe.labels.indexOf(r.label);
    if (y < 0) throw new Error(`unknown label ${r.label}`);
    return { x: vectorise(r.text), y, weight: r.weight };
  });
  const trained = trainFtrl(examples, recipe.features.bits, outputs, recipe.ftrl, recipe.prior);
  return {
    format: ARTIFACT_FORMAT,
    task: recipe.task,
    version: recipe.version,
    labels: [...recipe.labels],
    features: recipe.features,
    aggregation: recipe.aggregation,
    temperature,
    ...(recipe.threshold !== undefined ? { threshold: recipe.threshold } : {}),
    ...(recipe.fallbackLabel !== undefined ? { fallbackLabel: recipe.fallbackLabel } : {}),
    bias: trained.bias.map((b) => Number(b.toPrecision(6))),
    weights: encodeWeights(trained.weights, recipe.minWeight ?? 0, outputs),
    reference,
  };
}

export function fitModel(recipe: Recipe, rows: readonly LabelledText[], temperature = 1): Model {
  return modelFromArtifact(fitArtifact(recipe, rows, temperature));
}

/** Reference distribution of a model's predictions (label shares and confidence histogram). */
export function referenceFrom(
  predictions: readonly Prediction[],
  labels: readonly string[],
  source: string,
): ReferenceDistribution {
  const r4 = (x: number): number => Math.round(x * 10000) / 10000;
  const shares: Record<string, number> = {};
  for (const l of [...labels].sort())
    shares[l] = r4(predictions.filter((p) => p.label === l).length / predictions.length);
  return {
    labels: shares,
    confidenceEdges: [...CONFIDENCE_EDGES],
    confidence: histogram(
      predictions.map((p) => p.confidence),
      CONFIDENCE_EDGES,
    ).map(r4),
    source,
    count: predictions.length,
  };
}
