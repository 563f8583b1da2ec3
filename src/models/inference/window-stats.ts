/**
 * Prediction statistics as additive counters, so every Lambda instance can ADD its share to a
 * shared hourly bucket and anyone can sum buckets into a window: predictions, label counts,
 * confidence sum and histogram (on the reference's bin edges), and agreement with star ratings.
 * Drift is measured per sentence when the model reports its sentences (`units`): a review's
 * length then changes how many units it adds, not what they look like, and the reference is
 * built per sentence too. Texts without units (expense notes) are their own unit.
 */
import { expectedSentiment, histogram, psi, type ReferenceDistribution } from '../ml';

export type Counters = Record<string, number>;

export interface PredictionObservation {
  readonly label: string;
  readonly confidence: number;
  readonly rating?: number;
  /** Per-sentence labels and confidences (sentence-aggregated models). */
  readonly units?: readonly { readonly label: string; readonly confidence: number }[];
}

/**
 * Counter names: `n`, `confSum`, `label:<label>`, `hist:<bin>`, `rated`, `agreed`, and per
 * sentence `u:n`, `u:label:<label>`, `u:hist:<bin>`.
 */
export function countersFor(
  observations: readonly PredictionObservation[],
  edges: readonly number[],
): Counters {
  const counters: Counters = {};
  const add = (name: string, by = 1) => (counters[name] = (counters[name] ?? 0) + by);
  const bins = histogram(
    observations.map((o) => o.confidence),
    edges,
  );
  bins.forEach((share, bin) => {
    const count = Math.round(share * observations.length);
    if (count > 0) add(`hist:${bin}`, count);
  });
  const units = observations.flatMap((o) => o.units ?? []);
  const unitBins = histogram(
    units.map((u) => u.confidence),
    edges,
  );
  unitBins.forEach((share, bin) => {
    const count = Math.round(share * units.length);
    if (count > 0) add(`u:hist:${bin}`, count);
  });
  for (const u of units) {
    add('u:n');
    add(`u:label:${u.label}`);
  }
  for (const o of observations) {
    add('n');
    add('confSum', o.confidence);
    add(`label:${o.label}`);
    const expected = expectedSentiment(o.rating);
    if (expected !== null) {
      add('rated');
      if (expected === o.label) add('agreed');
    }
  }
  return counters;
}

export function sumCounters(all: readonly Counters[]): Counters {
  const total: Counters = {};
  for (const counters of all) {
    for (const [name, value] of Object.entries(counters)) total[name] = (total[name] ?? 0) + value;
  }
  return total;
}

export interface WindowSummary {
  readonly predictions: number;
  readonly labelDistribution: Record<string, number>;
  readonly meanConfidence: number | null;
  readonly labelPsi: number;
  readonly confidencePsi: number;
  /** The worse of the two PSI readings. */
  readonly driftScore: number;
  /** What the PSI readings compare: sentences (sentence-aggregated models) or whole texts. */
  readonly driftUnit: 'sentence' | 'text';
  /** How many units the PSI readings are based on. */
  readonly driftUnits: number;
  readonly ratingAgreement: { readonly rated: number; readonly rate: number | null };
}

export function summarise(counters: Counters, reference: ReferenceDistribution): WindowSummary {
  const n = counters.n ?? 0;
  const labels = labelsIn(counters, 'label:', reference);
  const shares = labels.map((l) => (n === 0 ? 0 : (counters[`label:${l}`] ?? 0) / n));
  const bySentence = (counters['u:n'] ?? 0) > 0;
  const drift = driftOf(counters, bySentence ? 'u:' : '', reference);
  const rated = counters.rated ?? 0;
  return {
    predictions: n,
    labelDistribution: Object.fromEntries(labels.map((l, i) => [l, round(shares[i]!)])),
    meanConfidence: n === 0 ? null : round((counters.confSum ?? 0) / n),
    labelPsi: round(drift.labelPsi),
    confidencePsi: round(drift.confidencePsi),
    driftScore: round(Math.max(drift.labelPsi, drift.confidencePsi)),
    driftUnit: bySentence ? 'sentence' : 'text',
    driftUnits: bySentence ? (counters['u:n'] ?? 0) : n,
    ratingAgreement: { rated, rate: rated === 0 ? null : round((counters.agreed ?? 0) / rated) },
  };
}

function labelsIn(counters: Counters, prefix: string, reference: ReferenceDistribution): string[] {
  return [
    ...new Set([
      ...Object.keys(reference.labels),
      ...Object.keys(counters)
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length)),
    ]),
  ].sort();
}

/** PSI of the label shares and of the confidence histogram of the units under `prefix`. */
function driftOf(
  counters: Counters,
  prefix: '' | 'u:',
  reference: ReferenceDistribution,
): { labelPsi: number; confidencePsi: number } {
  const n = counters[`${prefix}n`] ?? 0;
  if (n === 0) return { labelPsi: 0, confidencePsi: 0 };
  const labels = labelsIn(counters, `${prefix}label:`, reference);
  const shares = labels.map((l) => (counters[`${prefix}label:${l}`] ?? 0) / n);
  const binCount = reference.confidenceEdges.length - 1;
  const bins = Array.from({ length: binCount }, (_, i) => counters[`${prefix}hist:${i}`] ?? 0);
  const histTotal = bins.reduce((a, b) => a + b, 0);
  return {
    labelPsi: psi(
      labels.map((l) => reference.labels[l] ?? 0),
      shares,
    ),
    confidencePsi: psi(
      reference.confidence,
      bins.map((c) => (histTotal === 0 ? 0 : c / histTotal)),
    ),
  };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
