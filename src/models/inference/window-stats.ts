/**
 * Prediction statistics as additive counters, so every Lambda instance can ADD its share to a
 * shared hourly bucket and anyone can sum buckets into a window: predictions, label counts,
 * confidence sum and histogram (on the reference's bin edges), and agreement with star ratings.
 */
import { expectedSentiment, histogram, psi, type ReferenceDistribution } from '../ml';

export type Counters = Record<string, number>;

export interface PredictionObservation {
  readonly label: string;
  readonly confidence: number;
  readonly rating?: number;
}

/** Counter names: `n`, `confSum`, `label:<label>`, `hist:<bin>`, `rated`, `agreed`. */
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
  readonly ratingAgreement: { readonly rated: number; readonly rate: number | null };
}

export function summarise(counters: Counters, reference: ReferenceDistribution): WindowSummary {
  const n = counters.n ?? 0;
  const labels = [
    ...new Set([
      ...Object.keys(reference.labels),
      ...Object.keys(counters)
        .filter((k) => k.startsWith('label:'))
        .map((k) => k.slice(6)),
    ]),
  ].sort();
  const shares = labels.map((l) => (n === 0 ? 0 : (counters[`label:${l}`] ?? 0) / n));
  const binCount = reference.confidenceEdges.length - 1;
  const histTotal = Array.from({ length: binCount }, (_, i) => counters[`hist:${i}`] ?? 0).reduce(
    (a, b) => a + b,
    0,
  );
  const hist = Array.from({ length: binCount }, (_, i) =>
    histTotal === 0 ? 0 : (counters[`hist:${i}`] ?? 0) / histTotal,
  );
  const labelPsi =
    n === 0
      ? 0
      : psi(
          labels.map((l) => reference.labels[l] ?? 0),
          shares,
        );
  const confidencePsi = n === 0 ? 0 : psi(reference.confidence, hist);
  const rated = counters.rated ?? 0;
  return {
    predictions: n,
    labelDistribution: Object.fromEntries(labels.map((l, i) => [l, round(shares[i]!)])),
    meanConfidence: n === 0 ? null : round((counters.confSum ?? 0) / n),
    labelPsi: round(labelPsi),
    confidencePsi: round(confidencePsi),
    driftScore: round(Math.max(labelPsi, confidencePsi)),
    ratingAgreement: { rated, rate: rated === 0 ? null : round((counters.agreed ?? 0) / rated) },
  };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
