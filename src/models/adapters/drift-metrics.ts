/**
 * Drift as CloudWatch metrics: each process keeps a rolling window per (task, variant) and,
 * after each batch, publishes the window's drift score (PSI; per sentence for sentiment) and, for sentiment, its agreement
 * with star ratings, with the task and variant as dimensions. The alarms on these metrics use the
 * thresholds in src/models/inference/model-alarms.ts.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { DriftMonitor } from '../ml';
import type { Observation } from '../inference/observation';

export const DRIFT_METRICS = { psi: 'ModelDriftPsi', agreement: 'SentimentRatingAgreement' } as const;

export class DriftMetrics {
  private readonly monitors = new Map<string, DriftMonitor>();

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
  }
}
