/**
 * Drift monitoring: a rolling window of live predictions compared with the reference
 * distribution stored in the artifact at training time (PSI of the label shares and of the
 * confidence histogram), plus a live agreement proxy for sentiment: star ratings >= 4 should be
 * predicted positive and <= 2 negative (3 stars are ignored).
 */
import type { ReferenceDistribution } from './artifact';
import { histogram, labelShares, psi, psiLevel } from './psi';

export interface Observation {
  readonly label: string;
  readonly confidence: number;
  /** Star rating given with the review (1-5), when known. */
  readonly rating?: number;
}

export interface DriftReport {
  readonly count: number;
  readonly labelPsi: number;
  readonly confidencePsi: number;
  readonly labelShares: Record<string, number>;
  readonly confidenceHistogram: readonly number[];
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
  }

  observeAll(obs: readonly Observation[]): void {
    for (const o of obs) this.observe(o);
  }

  report(): DriftReport {
    const labels = this.window.map((o) => o.label);
    const known = [
      ...this.labelOrder,
      ...[...new Set(labels)].filter((l) => !this.labelOrder.includes(l)).sort(),
    ];
    const live = labelShares(labels, known);
    const expected = known.map((l) => this.reference.labels[l] ?? 0);
    const conf = histogram(
      this.window.map((o) => o.confidence),
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
      ratingAgreement: ratingAgreement(this.window),
      status,
    };
  }
}
