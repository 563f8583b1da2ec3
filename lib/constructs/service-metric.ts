import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** Where the service publishes its own metrics: every custom metric carries the `service` dimension. */
export interface ServiceMetricSource {
  readonly metricsNamespace: string;
  readonly serviceName: string;
}

export interface ServiceMetricOptions {
  /** Sum unless told otherwise: most service metrics are counts. */
  readonly statistic?: string;
  /** Five minutes unless told otherwise. */
  readonly period?: Duration;
  /** Dimensions besides `service` (a platform, an alarm topic, a model...). */
  readonly dimensions?: Record<string, string>;
  readonly label?: string;
  /** For a dashboard that shows another region's figure. */
  readonly region?: string;
}

/** One of the service's custom metrics (Powertools metrics, `service` dimension), built one way everywhere. */
export function serviceMetric(
  source: ServiceMetricSource,
  metricName: string,
  options: ServiceMetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: source.metricsNamespace,
    metricName,
    dimensionsMap: { service: source.serviceName, ...options.dimensions },
    statistic: options.statistic ?? cloudwatch.Stats.SUM,
    period: options.period ?? Duration.minutes(5),
    ...(options.label ? { label: options.label } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
}
