/**
 * The platform figures as Powertools (EMF) metrics with the PLATFORM_DIMENSION dimension: each call
 * as it happens, and the health view's gauges when the sync schedule publishes them. The names
 * come from PLATFORM_METRICS, which the CDK alarms read too.
 *
 * Every value is its own single metric (one EMF line each): a Powertools single metric publishes
 * at each `addMetric` and then forgets its dimensions, so a second value added to it went out
 * without `platform`, where no per-platform alarm could see it.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { AuditEntry } from '../domain/audit';
import { PLATFORM_DIMENSION, PLATFORM_METRICS, type HealthMetric } from '../domain/health-metrics';
import type { ConnectedPlatform } from '../domain/platform';
import type { PlatformCallMetrics } from './audited-platform-http';
import type { AuditEventMetrics } from './metered-audit-log';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
type Value = readonly [name: string, unit: Unit, value: number];

export class PowertoolsPlatformMetrics implements PlatformCallMetrics, AuditEventMetrics {
  constructor(private readonly metrics: Metrics) {}

  call(
    platform: ConnectedPlatform,
    outcome: AuditEntry['outcome'],
    latencyMs: number,
    quotaHeadroom?: number,
  ): void {
    this.publish(platform, [
      [PLATFORM_METRICS.calls, MetricUnit.Count, 1],
      [PLATFORM_METRICS.failures, MetricUnit.Count, outcome === 'ok' ? 0 : 1],
      [PLATFORM_METRICS.rateLimited, MetricUnit.Count, outcome === 'rate-limited' ? 1 : 0],
      [PLATFORM_METRICS.latency, MetricUnit.Milliseconds, latencyMs],
      ...(quotaHeadroom !== undefined
        ? [[PLATFORM_METRICS.quotaHeadroom, MetricUnit.Percent, quotaHeadroom * 100] as const]
        : []),
    ]);
  }

  auditRetried(): void {
    this.publish(undefined, [[PLATFORM_METRICS.auditRetries, MetricUnit.Count, 1]]);
  }

  auditParked(count: number): void {
    this.publish(undefined, [[PLATFORM_METRICS.auditParked, MetricUnit.Count, count]]);
  }

  statsWriteFailed(): void {
    this.publish(undefined, [[PLATFORM_METRICS.statsWriteFailures, MetricUnit.Count, 1]]);
  }

  reauthRequired(platform: ConnectedPlatform, count: number): void {
    this.publish(platform, [[PLATFORM_METRICS.reauthRequired, MetricUnit.Count, count]]);
  }

  /** The health view's gauges, each with its platform. */
  publishHealth(gauges: readonly HealthMetric[]): void {
    for (const g of gauges) this.publish(g.platform, [[g.name, MetricUnit[g.unit], g.value]]);
  }

  private publish(platform: ConnectedPlatform | undefined, values: readonly Value[]): void {
    for (const [name, unit, value] of values) {
      const metric = this.metrics.singleMetric();
      if (platform) metric.addDimensions({ [PLATFORM_DIMENSION]: platform });
      // A single metric publishes here (disabled metrics, in tests and the bench, print nothing).
      metric.addMetric(name, unit, value);
    }
  }
}
