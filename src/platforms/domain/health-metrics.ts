/**
 * The platform integration figures as CloudWatch metrics: their names (emitted by the audited HTTP
 * client and by `healthMetrics`, alarmed on by lib/constructs/platform-alarms.ts) and the alarm
 * thresholds that are not deployment settings. Every per-platform metric has the dimension
 * `platform` (plus Powertools' `service`).
 */
import type { PlatformHealth } from './health';
import type { ConnectedPlatform } from './platform';

export const PLATFORM_METRICS = {
  /** Every call (Count), by the audited HTTP client. */
  calls: 'PlatformCalls',
  /** Failed calls, rate-limited included (Count). */
  failures: 'PlatformCallFailures',
  rateLimited: 'PlatformCallsRateLimited',
  latency: 'PlatformCallLatency',
  /** Share of the platform's quota window left after a call that reported it (Percent). */
  quotaHeadroom: 'PlatformQuotaHeadroom',
  /** Gauges of the health view (published each time the sync schedule runs). */
  breakerOpen: 'PlatformBreakerOpen',
  syncLag: 'PlatformSyncLagSeconds',
  errorRate5m: 'PlatformErrorRate5m',
  /** Connections that became reauth-required (Count), when the entry is appended to the audit log. */
  reauthRequired: 'ConnectionsReauthRequired',
  /** Audit entries that could not be written after retries and were parked in the log (Count). */
  auditParked: 'AuditEntriesParked',
  auditRetries: 'AuditWriteRetries',
  statsWriteFailures: 'PlatformStatsWriteFailures',
} as const;

/** Thresholds of the alarms that are not deployment settings (see lib/settings.ts platformHealth). */
export const PLATFORM_ALARMS = {
  /** Minutes a breaker must stay open before it pages (one evaluation of 5 minutes). */
  breakerOpenMinutes: 5,
  /** Connections needing the supplier to connect again, per platform, at which ops is paged. */
  reauthRequiredAtLeast: 1,
  /** Any parked audit entry pages: the trail must be repaired from the log. */
  auditParkedAtLeast: 1,
} as const;

export interface HealthMetric {
  readonly name: string;
  readonly platform: ConnectedPlatform;
  readonly unit: 'Count' | 'Seconds' | 'Percent';
  readonly value: number;
}

/** The gauges of one health view (ops: every platform): what CloudWatch alarms on. */
export function healthMetrics(platforms: readonly PlatformHealth[]): HealthMetric[] {
  return platforms.flatMap((p): HealthMetric[] => [
    {
      name: PLATFORM_METRICS.breakerOpen,
      platform: p.platform,
      unit: 'Count',
      value: p.breaker.status === 'open' ? 1 : 0,
    },
    ...(p.maxSyncLagSeconds !== null
      ? [
          {
            name: PLATFORM_METRICS.syncLag,
            platform: p.platform,
            unit: 'Seconds' as const,
            value: p.maxSyncLagSeconds,
          },
        ]
      : []),
    ...(p.errorRate5m !== null
      ? [
          {
            name: PLATFORM_METRICS.errorRate5m,
            platform: p.platform,
            unit: 'Percent' as const,
            value: p.errorRate5m * 100,
          },
        ]
      : []),
  ]);
}
