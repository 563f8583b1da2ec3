/**
 * Drift as CloudWatch metrics: each process keeps a rolling window per (task, variant) and,
 * after each batch, publishes the window's drift score (PSI; per sentence for sentiment) and, for sentiment, its agreement
 * with star ratings, with the task and variant as dimensions. The alarms on these metrics use the
 * thresholds in src/models/inference/model-alarms.ts.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { DriftMonitor } from '../ml';
import { biasSlices, sliceGapPoints, type SlicedPrediction } from '../inference/bias-slices';
import type { Observation } from '../inference/observation';

export const DRIFT_METRICS = {
  psi: 'ModelDriftPsi',
  agreement: 'SentimentRatingAgreement',
  // Bias slices (ADR 0026): the worst slice's agreement gap to the rest, and each slice's agreement.
  sliceGap: 'SliceAgreementGap',
  sliceAgreement: 'SliceRatingAgreement',
} as const;

/** Predictions per (task, variant) the bias slices are computed on (the drift window's size). */
const SLICE_WINDOW = 1000;

export class DriftMetrics {
  private readonly monitors = new Map<string, DriftMonitor>();
  private readonly sliced = new Map<string, SlicedPrediction[]>();

  constructor(private readonly metrics: Metrics) {}

  observe(observations: readonly Observation[]): void {
    const touched = new Set<string>();
    for (const o of observations) {
      const key = `${o.task}|${o.variant}`;
      let monitor = this.monitors.get(key);
      if (!monitor) {
        monitor = new DriftMonitor(o.model.reference, { windowSize: 1000, minCount: 100 });
        this.monitors.set(key, monitor);
      }
      monitor.observe({ label: o.label, confidence: o.confidence, rating: o.rating, units: o.units });
      if (o.slice) {
        const window = this.sliced.get(key) ?? [];
        window.push({ label: o.label, ...(o.rating !== undefined ? { rating: o.rating } : {}), ...o.slice });
        if (window.length > SLICE_WINDOW) window.splice(0, window.length - SLICE_WINDOW);
        this.sliced.set(key, window);
      }
      touched.add(key);
    }
    for (const key of touched) this.publish(key, this.monitors.get(key)!);
  }

  private publish(key: string, monitor: DriftMonitor): void {
    const report = monitor.report();
    if (report.status === 'insufficient-data') return;
    const [task, variant] = key.split('|') as [string, string];
    const metric = this.metrics.singleMetric();
    metric.addDimensions({ task, variant });
    metric.addMetric(DRIFT_METRICS.psi, MetricUnit.NoUnit, Math.max(report.labelPsi, report.confidencePsi));
    if (report.ratingAgreement) {
      metric.addMetric(DRIFT_METRICS.agreement, MetricUnit.Percent, report.ratingAgreement.rate * 100);
    }
    // Disabled metrics (tests, bench) store nothing, and an empty publish only warns.
    if (metric.hasStoredMetrics()) metric.publishStoredMetrics();
    this.publishSlices(task, variant, this.sliced.get(key) ?? []);
  }

  /** The worst slice's gap (the alarm's metric) and every judged slice's agreement (the dashboard's). */
  private publishSlices(task: string, variant: string, window: readonly SlicedPrediction[]): void {
    const reports = biasSlices(window).filter((r) => r.state !== 'INSUFFICIENT_DATA');
    if (reports.length === 0) return;
    const gap = this.metrics.singleMetric();
    gap.addDimensions({ task, variant });
    gap.addMetric(DRIFT_METRICS.sliceGap, MetricUnit.NoUnit, Math.max(...reports.map(sliceGapPoints)));
    if (gap.hasStoredMetrics()) gap.publishStoredMetrics();
    for (const report of reports) {
      const one = this.metrics.singleMetric();
      one.addDimensions({ task, variant, dimension: report.dimension, slice: report.slice });
      one.addMetric(DRIFT_METRICS.sliceAgreement, MetricUnit.Percent, (report.agreement ?? 0) * 100);
      if (one.hasStoredMetrics()) one.publishStoredMetrics();
    }
  }
}
