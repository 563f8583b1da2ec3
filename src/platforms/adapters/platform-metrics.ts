/**
 * The platform figures as Powertools (EMF) metrics with the `platform` dimension: each call as it
 * happens (one single-metric line per call: a sync page makes a handful of calls), and the health
 * view's gauges when the sync schedule publishes them. The names come from PLATFORM_METRICS, which
 * the CDK alarms read too.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { AuditEntry } from '../domain/audit';
import { PLATFORM_DIMENSION, PLATFORM_METRICS, type HealthMetric } from '../domain/health-metrics';
import type { ConnectedPlatform } from '../domain/platform';
import type { PlatformCallMetrics } from './audited-platform-http';
import type { AuditEventMetrics } from './metered-audit-log';

export class PowertoolsPlatformMetrics implements PlatformCallMetrics, AuditEventMetrics {
  constructor(private readonly metrics: Metrics) {}

  call(
    platform: ConnectedPlatform,
    outcome: AuditEntry['outcome'],
    latencyMs: number,
    quotaHeadroom?: number,
  ): void {
    this.publish(platform, (metric) => {
      metric.addMetric(PLATFORM_METRICS.calls, MetricUnit.Count, 1);
      metric.addMetric(PLATFORM_METRICS.failures, MetricUnit.Count, outcome === 'ok' ? 0 : 1);
      metric.addMetric(PLATFORM_METRICS.rateLimited, MetricUnit.Count, outcome === 'rate-limited' ? 1 : 0);
      metric.addMetric(PLATFORM_METRICS.latency, MetricUnit.Milliseconds, latencyMs);
      if (quotaHeadroom !== undefined) {
        metric.addMetric(PLATFORM_METRICS.quotaHeadroom, MetricUnit.Percent, quotaHeadroom * 100);
      }
    });
  }

  auditRetried(): void {
    this.publish(undefined, (m) => m.addMetric(PLATFORM_METRICS.auditRetries, MetricUnit.Count, 1));
  }

  auditParked(count: number): void {
    this.publish(undefined, (m) => m.addMetric(PLATFORM_METRICS.auditParked, MetricUnit.Count, count));
  }

  statsWriteFailed(): void {
    this.publish(undefined, (m) => m.addMetric(PLATFORM_METRICS.statsWriteFailures, MetricUnit.Count, 1));
  }

  reauthRequired(platform: ConnectedPlatform, count: number): void {
    this.publish(platform, (m) => m.addMetric(PLATFORM_METRICS.reauthRequired, MetricUnit.Count, count));
  }

  /** The health view's gauges (one line per platform). */
  publishHealth(gauges: readonly HealthMetric[]): void {
    const byPlatform = new Map<ConnectedPlatform, HealthMetric[]>();
    for (const gauge of gauges)
      byPlatform.set(gauge.platform, [...(byPlatform.get(gauge.platform) ?? []), gauge]);
    for (const [platform, list] of byPlatform) {
      this.publish(platform, (metric) => {
        for (const g of list) metric.addMetric(g.name, MetricUnit[g.unit], g.value);
      });
    }
  }

  private publish(platform: ConnectedPlatform | undefined, add: (metric: Metrics) => void): void {
    const metric = this.metrics.singleMetric();
    if (platform) metric.addDimensions({ [PLATFORM_DIMENSION]: platform });
    add(metric);
    // Disabled metrics (tests, bench) store nothing, and an empty publish only warns.
    if (metric.hasStoredMetrics()) metric.publishStoredMetrics();
  }
}
