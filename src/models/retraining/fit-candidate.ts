/**
 * Fitting a candidate from the current model: the same features and aggregation, the current
 * weights as the prior (FTRL learns `prior + delta`, so what the current model knows is kept
 * where the new data says nothing), trained on the original data plus the weak labels. The
 * candidate keeps the current model's temperature and reference distribution: the drift alarm
 * keeps comparing traffic with the same reference. Deterministic for the same inputs.
 */
import { decodeWeights } from '../ml/codec';
import { outputCount, type ModelArtifact } from '../ml/artifact';
import { fitArtifact } from '../training/fit';
import type { LabelledText } from '../training/datasets';
import type { FtrlConfig } from '../training/ftrl';
import { SEED, SENTIMENT_MIN_WEIGHT } from '../training/config';

/** Fewer passes than the first training (20): the prior already holds most of the answer. */
export const RETRAIN_FTRL: FtrlConfig = { alpha: 0.1, beta: 1, l1: 0.5, l2: 1, epochs: 5, seed: SEED };

export function fitCandidate(
  current: ModelArtifact,
  rows: readonly LabelledText[],
  version: string,
  ftrl: FtrlConfig = RETRAIN_FTRL,
): ModelArtifact {
  return fitArtifact(
    {
      task: current.task,
      version,
      labels: current.labels,
      features: current.features,
      aggregation: current.aggregation,
      ftrl,
      prior: Float64Array.from(
        decodeWeights(current.weights, 2 ** current.features.bits, outputCount(current)),
      ),
      minWeight: SENTIMENT_MIN_WEIGHT,
      ...(current.threshold !== undefined ? { threshold: current.threshold } : {}),
      ...(current.fallbackLabel !== undefined ? { fallbackLabel: current.fallbackLabel } : {}),
    },
    rows,
    current.temperature,
    current.reference,
  );
}
