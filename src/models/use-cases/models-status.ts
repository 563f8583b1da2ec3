import type { ModelEngine } from '../inference/engine';
import { referenceAgreement } from '../inference/model-cards';
import { agreementAlarmState, MODEL_ALARMS, psiAlarmState } from '../inference/model-alarms';
import { summarise } from '../inference/window-stats';
import type { Task } from '../ml';
import type { ModelStatsStore } from '../ports';

/**
 * The ops view of the models.
 * 1. List every (task, variant) of the registry with its loaded model and card.
 * 2. Sum the shared prediction counters of the window for each variant.
 * 3. Derive traffic share, label mix, mean confidence, drift score (PSI against the training
 *    reference) and agreement with star ratings, and the state the alarms on them would be in.
 */
export async function modelsStatus(
  deps: {
    engine: ModelEngine;
    stats: ModelStatsStore;
    cardOf: (task: Task, version: string) => Record<string, unknown> | null;
  },
  since: Date,
) {
  const variants = deps.engine.variants();
  const rows = await Promise.all(
    variants.map(async ({ task, variant, weight, model }) => {
      const window = summarise(await deps.stats.window(task, variant, since), model.reference);
      const card = deps.cardOf(task, model.version);
      const reference = task === 'sentiment' ? referenceAgreement(card) : null;
      return { task, variant, weight, model, card, window, reference };
    }),
  );
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.task, (totals.get(row.task) ?? 0) + row.window.predictions);
  const weights = new Map<string, number>();
  for (const row of rows) weights.set(row.task, (weights.get(row.task) ?? 0) + row.weight);
  return {
    since: since.toISOString(),
    thresholds: MODEL_ALARMS,
    models: rows.map(({ task, variant, weight, model, card, window, reference }) => ({
      task,
      variant,
      modelVersion: model.modelVersion,
      configuredShare: round(weight / (weights.get(task) || 1)),
      trafficShare: totals.get(task) ? round(window.predictions / totals.get(task)!) : null,
      ...window,
      referenceAgreement: reference,
      alarms: {
        drift: psiAlarmState(window.driftScore, window.predictions),
        ...(task === 'sentiment'
          ? {
              agreement: agreementAlarmState(
                window.ratingAgreement.rate,
                window.ratingAgreement.rated,
                reference,
              ),
            }
          : {}),
      },
      card,
    })),
  };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
