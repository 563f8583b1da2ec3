import type { ModelEngine } from '../inference/engine';
import type { Observation } from '../inference/observation';
import type { Task } from '../ml';
import type { Clock } from '../../shared/clock';
import type { ModelStatsStore } from '../ports';
import { recordObservations } from './record-observations';

/**
 * Classify texts for a supplier with the variant it is assigned to.
 * 1. Pick the supplier's variant of the task's model (deterministic A/B assignment).
 * 2. Predict every text; the answer names label, confidence, model version and variant
 *    (expense categories below the model's threshold say `other` with the top candidates).
 * 3. Count the predictions in the shared statistics (best effort: never fails the request).
 */
export async function classifyTexts(
  supplierId: string,
  task: Task,
  texts: readonly string[],
  deps: {
    models: ModelEngine;
    modelStats: ModelStatsStore;
    clock: Clock;
    onStatsError: (error: unknown) => void;
  },
) {
  // A model that cannot load is an outage, not bad input: it surfaces as a logged 503.
  const { variant, model } = deps.models.forSupplier(task, supplierId);
  const predictions = model.predict(texts);
  const observations: Observation[] = predictions.map((p, i) => ({
    reviewId: `classify-${i}`,
    task,
    variant,
    model,
    label: p.label,
    confidence: p.confidence,
    ...(p.units ? { units: p.units } : {}),
  }));
  await recordObservations(observations, deps.modelStats, deps.clock.now()).catch(deps.onStatsError);
  return {
    task,
    results: predictions.map((p) => ({
      label: p.label,
      confidence: Math.round(p.confidence * 10_000) / 10_000,
      modelVersion: p.modelVersion,
      variant,
      ...(p.candidates ? { candidates: p.candidates } : {}),
    })),
  };
}
