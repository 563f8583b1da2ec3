/** Scoring a model on the frozen gold set and on held-back recent reviews (agreement with their stars). */
import type { Model } from '../ml';
import { classificationMetrics } from '../training/metrics';
import type { ModelEvaluation } from './rollout-policy';
import type { GoldReview } from './training-data';
import type { WeakLabelled } from './weak-labels';

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function evaluateModel(
  model: Model,
  gold: readonly GoldReview[],
  recent: readonly WeakLabelled[],
): ModelEvaluation {
  const goldPred = model.predict(gold.map((g) => g.text)).map((p) => p.label);
  const m = classificationMetrics(
    gold.map((g) => g.label),
    goldPred,
    model.labels,
  );
  const recentPred = model.predict(recent.map((r) => r.text));
  const agreed = recentPred.filter((p, i) => p.label === recent[i]!.label).length;
  return {
    gold: { n: m.n, accuracy: r4(m.accuracy), macroF1: r4(m.macroF1) },
    recent: { n: recent.length, agreement: recent.length === 0 ? null : r4(agreed / recent.length) },
  };
}
