/**
 * Alarms and dashboard widgets of the platform integrations (issue 8), per platform: breaker open,
 * sync lag, quota exhausted, re-auth needed; and one for audit entries parked in the log. Each
 * alarm's severity and runbook come from lib/alarm-table.ts. The metrics are the ones PLATFORM_METRICS names, with the `platform`
 * (and Powertools' `service`) dimensions: call figures and quota from the audited HTTP client,
 * re-auth from the audit log, breaker and sync-lag gauges from the health view each sync run.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { CONNECTED_PLATFORMS, PLATFORM_ALARMS, PLATFORM_DIMENSION, PLATFORM_METRICS } from '#src/platforms';
import { classify } from '../alarm-table';
import type { ServiceAlarms } from './service-alarms';
import { serviceMetric } from './service-metric';

export interface PlatformAlarmsProps {
  readonly metricsNamespace: string;
  readonly serviceName: string;
  readonly alarms: ServiceAlarms;
  /** Sync lag (seconds) at which the sync-lag alarm pages. */
  readonly syncLagAlarmSeconds: number;
  /** Quota headroom (percent left) under which the quota alarm pages. */
  readonly quotaHeadroomAlarmPercent: number;
}

/** Runbook page of each kind of platform alarm (from the alarm table). */
export const PLATFORM_RUNBOOKS = {
  breakerOpen: classify('platformBreakerOpen').runbook,
  syncLag: classify('platformSyncLag').runbook,
  quotaExhausted: classify('platformQuotaExhausted').runbook,
  reauthRequired: classify('platformReauthRequired').runbook,
  auditParked: classify('auditEntriesParked').runbook,
} as const;

export class PlatformAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly props: PlatformAlarmsProps;

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    this.props = props;
    const add = (alarm: cloudwatch.Alarm) => this.alarms.push(alarm);

    for (const platform of CONNECTED_PLATFORMS) {
      add(
        props.alarms.create(this, `BreakerOpen-${platform}`, 'platformBreakerOpen', undefined, {
          name: `platform-breaker-open-${platform}`,
          description: `The ${platform} circuit breaker has been open for ${PLATFORM_ALARMS.breakerOpenMinutes} minutes: syncs and replies to ${platform} are deferred.`,
          metric: this.metric(
            PLATFORM_METRICS.breakerOpen,
            platform,
            'Minimum',
            PLATFORM_ALARMS.breakerOpenMinutes,
          ),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
        }),
      );
      add(
        props.alarms.create(this, `SyncLag-${platform}`, 'platformSyncLag', undefined, {
          name: `platform-sync-lag-${platform}`,
          description: `A ${platform} connection has not synced for over ${props.syncLagAlarmSeconds} s (two 15-minute periods).`,
          metric: this.metric(PLATFORM_METRICS.syncLag, platform, 'Maximum', 15),
          threshold: props.syncLagAlarmSeconds,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 2,
        }),
      );
      add(
        props.alarms.create(this, `QuotaExhausted-${platform}`, 'platformQuotaExhausted', undefined, {
          name: `platform-quota-exhausted-${platform}`,
          description: `Less than ${props.quotaHeadroomAlarmPercent}% of the ${platform} quota window is left (two 5-minute periods): calls will be refused until it resets.`,
          metric: this.metric(PLATFORM_METRICS.quotaHeadroom, platform, 'Minimum', 5),
          threshold: props.quotaHeadroomAlarmPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 2,
        }),
      );
      add(
        props.alarms.create(this, `ReauthRequired-${platform}`, 'platformReauthRequired', undefined, {
          name: `platform-reauth-required-${platform}`,
          description: `${PLATFORM_ALARMS.reauthRequiredAtLeast}+ ${platform} connections lost their authorisation in 15 minutes: their suppliers must connect again.`,
          metric: this.metric(PLATFORM_METRICS.reauthRequired, platform, 'Sum', 15),
          threshold: PLATFORM_ALARMS.reauthRequiredAtLeast,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
        }),
      );
    }
    add(
      props.alarms.create(this, 'AuditParked', 'auditEntriesParked', undefined, {
        name: `audit-entries-parked`,
        description: `Audit entries could not be written to the Audit table after retries and were parked in the function log.`,
        metric: serviceMetric(props, PLATFORM_METRICS.auditParked),
        threshold: PLATFORM_ALARMS.auditParkedAtLeast,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      }),
    );
  }

  /** The platform integrations row of the dashboard: calls and failures, error rate, quota, lag, breakers. */
  widgets(): cloudwatch.IWidget[] {
    const graph = (title: string, name: string, statistic: string, unitLabel = '') =>
      new cloudwatch.GraphWidget({
        title: `Platforms: ${title}${unitLabel}`,
        left: CONNECTED_PLATFORMS.map((p) => this.metric(name, p, statistic, 1, p)),
        width: 8,
        height: 6,
      });
    return [
      new cloudwatch.GraphWidget({
        title: 'Platforms: calls and failures',
        left: CONNECTED_PLATFORMS.map((p) => this.metric(PLATFORM_METRICS.calls, p, 'Sum', 1, `${p} calls`)),
        right: CONNECTED_PLATFORMS.map((p) =>
          this.metric(PLATFORM_METRICS.failures, p, 'Sum', 1, `${p} failures`),
        ),
        width: 8,
        height: 6,
      }),
      graph('error rate over 5 min', PLATFORM_METRICS.errorRate5m, 'Maximum', ' (%)'),
      graph('call latency p99', PLATFORM_METRICS.latency, 'p99', ' (ms)'),
      graph('quota headroom', PLATFORM_METRICS.quotaHeadroom, 'Minimum', ' (%)'),
      graph('sync lag', PLATFORM_METRICS.syncLag, 'Maximum', ' (s)'),
      graph('breaker open', PLATFORM_METRICS.breakerOpen, 'Maximum'),
    ];
  }

  private metric(
    metricName: string,
    platform: string,
    statistic: string,
    periodMinutes: number,
    label?: string,
  ): cloudwatch.Metric {
    return serviceMetric(this.props, metricName, {
      dimensions: { [PLATFORM_DIMENSION]: platform },
      statistic,
      period: Duration.minutes(periodMinutes),
      label,
    });
  }
}
