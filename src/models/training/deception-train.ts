/**
 * Deception (op_spam, CC BY-NC-SA): k-fold cross-validation and the final fit. The artifact is
 * evaluation-only unless non-commercial artifacts are explicitly allowed (see card.ts).
 */
import { modelFromArtifact } from '../ml/model';
import type { Prediction } from '../ml/prediction';
import { wordCount } from '../ml/tokenize';
import { fitTemperature } from './calibrate';
import { DECEPTION, VERSIONS } from './config';
import type { LabelledText } from './datasets';
import { fitArtifact, referenceFrom, type Recipe } from './fit';
import { classificationMetrics, sliceMetrics } from './metrics';
import { createRng, shuffled } from './rng';

export const DECEPTION_LABELS = ['truthful', 'deceptive'] as const;
const LABELS: string[] = [...DECEPTION_LABELS];

const recipe: Recipe = {
  task: 'deception',
  version: VERSIONS.deception,
  labels: LABELS,
  features: DECEPTION.features,
  aggregation: 'document',
  ftrl: DECEPTION.ftrl,
  minWeight: DECEPTION.minWeight,
};

function lengthSlice(text: string): string {
  const n = wordCount(text);
  return n < 100 ? 'words:<100' : n < 200 ? 'words:100-199' : 'words:200+';
}

export function runDeception(rows: readonly LabelledText[]) {
  const k = DECEPTION.folds;
  const order = shuffled(
    rows.map((_, i) => i),
    createRng(DECEPTION.ftrl.seed),
  );
  const fold = new Array<number>(rows.length);
  order.forEach((row, pos) => (fold[row] = pos % k));
  const logits = new Array<number[]>(rows.length);
  for (let f = 0; f < k; f++) {
    const m = modelFromArtifact(
      fitArtifact(
        recipe,
        rows.filter((_, i) => fold[i] !== f),
      ),
    );
    rows.forEach((r, i) => {
      if (fold[i] === f) logits[i] = m.logits(r.text);
    });
  }
  const gold = rows.map((r) => r.label);
  const temperature = fitTemperature(
    logits,
    gold.map((g) => LABELS.indexOf(g)),
  );
  const oof: Prediction[] = logits.map((z) => {
    const p = 1 / (1 + Math.exp(-z[0] / temperature));
    return p >= 0.5
      ? { label: 'deceptive', confidence: p, modelVersion: '' }
      : { label: 'truthful', confidence: 1 - p, modelVersion: '' };
  });
  const pred = oof.map((p) => p.label);
  const m = classificationMetrics(gold, pred, LABELS);
  const evaluation = {
    protocol: `${k}-fold cross-validation over the 1,120 op_spam training reviews (in-domain: Chicago hotels, same corpus).`,
    crossValidation: { n: m.n, accuracy: m.accuracy, macroF1: m.macroF1, perClass: m.perClass },
    byLength: sliceMetrics(
      gold,
      pred,
      rows.map((r) => lengthSlice(r.text)),
      LABELS,
    ),
    notMeasuredHere:
      'Data README: NB 87.1 / 87.0 (accuracy / macro-F1 %) on the 480 held-out reviews (not in the repo).',
    temperature,
  };
  const reference = referenceFrom(oof, LABELS, `${k}-fold out-of-fold predictions on op_spam, calibrated`);
  return { evaluation, artifact: fitArtifact(recipe, rows, temperature, reference) };
}

export type DeceptionEvaluation = ReturnType<typeof runDeception>['evaluation'];
