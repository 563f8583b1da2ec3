/**
 * Drift monitoring: a rolling window of live predictions compared with the reference
 * distribution stored in the artifact at training time (PSI of the label shares and of the
 * confidence histogram). When predictions carry their sentences (`units`), the PSI compares
 * sentences with a reference built per sentence, so long reviews do not read as drift; plus a live agreement proxy for sentiment: star ratings >= 4 should be
 * predicted positive and <= 2 negative (3 stars are ignored).
 */
import type { ReferenceDistribution } from './artifact';
import { histogram, labelShares, psi, psiLevel } from './psi';

export interface Observation {
  readonly label: string;
  readonly confidence: number;
  /** Star rating given with the review (1-5), when known. */
  readonly rating?: number;
  /** Per-sentence labels and confidences (sentence-aggregated models). */
  readonly units?: readonly { readonly label: string; readonly confidence: number }[];
}

export interface DriftReport {
  readonly count: number;
  readonly labelPsi: number;
  readonly confidencePsi: number;
  readonly labelShares: Record<string, number>;
  readonly confidenceHistogram: readonly number[];
  /** What the PSI compares: sentences when the predictions carried them, else whole texts. */
  readonly unit: 'sentence' | 'text';
  /** Sentiment vs star ratings over the window (null when no rated observation is 1-2 or 4-5 stars). */
  readonly ratingAgreement: { readonly n: number; readonly rate: number } | null;
  /** Worse of the two PSI readings; `insufficient-data` below `minCount` observations. */
  readonly status: 'insufficient-data' | 'stable' | 'moderate-shift' | 'significant-shift';
}

/** Expected sentiment label for a star rating, or null for 3 stars / no rating. */
export function expectedSentiment(rating: number | undefined): 'positive' | 'negative' | null {
  if (rating === undefined) return null;
  if (rating >= 4) return 'positive';
  if (rating <= 2) return 'negative';
  return null;
}

export function ratingAgreement(obs: readonly Observation[]): DriftReport['ratingAgreement'] {
  let n = 0;
  let agree = 0;
  for (const o of obs) {
    const expected = expectedSentiment(o.rating);
    if (expected === null) continue;
    n++;
    if (o.label === expected) agree++;
  }
  return n === 0 ? null : { n, rate: agree / n };
}

export interface DriftMonitorOptions {
  /** Size of the rolling window (most recent observations kept). */
  readonly windowSize?: number;
  /** Minimum observations before a status other than `insufficient-data` is given. */
  readonly minCount?: number;
}

export class DriftMonitor {
  private readonly window: Observation[] = [];
  /** The sentences of recent predictions (at most `windowSize`). */
  private readonly units: { label: string; confidence: number }[] = [];
  private readonly windowSize: number;
  private readonly minCount: number;
  private readonly labelOrder: string[];

  constructor(
    private readonly reference: ReferenceDistribution,
    options: DriftMonitorOptions = {},
  ) {
    this.windowSize = options.windowSize ?? 1000;
    this.minCount = options.minCount ?? 100;
    this.labelOrder = Object.keys(reference.labels).sort();
  }

  observe(o: Observation): void {
    this.window.push(o);
    if (this.window.length > this.windowSize) this.window.shift();
    if (o.units) {
      this.units.push(...o.units);
      if (this.units.length > this.windowSize) this.units.splice(0, this.units.length - this.windowSize);
    }
  }

  observeAll(obs: readonly Observation[]): void {
    for (const o of obs) this.observe(o);
  }

  report(): DriftReport {
    const bySentence = this.units.length > 0;
    const measured: readonly { label: string; confidence: number }[] = bySentence ? this.units : this.window;
    const labels = measured.map((o) => o.label);
    const known = [
      ...this.labelOrder,
      ...[...new Set(labels)].filter((l) => !this.labelOrder.includes(l)).sort(),
    ];
    const live = labelShares(labels, known);
    const expected = known.map((l) => this.reference.labels[l] ?? 0);
    const conf = histogram(
      measured.map((o) => o.confidence),
      this.reference.confidenceEdges,
    );
    const labelPsi = psi(expected, live);
    const confidencePsi = psi(this.reference.confidence, conf);
    const status =
      this.window.length < this.minCount ? 'insufficient-data' : psiLevel(Math.max(labelPsi, confidencePsi));
    return {
      count: this.window.length,
      labelPsi,
      confidencePsi,
      labelShares: Object.fromEntries(known.map((l, i) => [l, live[i]])),
      confidenceHistogram: conf,
      unit: bySentence ? 'sentence' : 'text',
      ratingAgreement: ratingAgreement(this.window),
      status,
    };
  }
}
