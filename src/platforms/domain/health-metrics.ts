/**
 * The platform integration figures as CloudWatch metrics: their names (emitted by the audited HTTP
 * client and by `healthMetrics`, alarmed on by lib/constructs/platform-alarms.ts) and the alarm
 * thresholds that are not deployment settings. Every per-platform metric has the dimension
 * PLATFORM_DIMENSION (plus Powertools' `service`); the emitter and the alarms both read it here.
 */
import type { PlatformHealth } from './health';
import type { ConnectedPlatform } from './platform';

/** The dimension naming the platform of a per-platform metric (beside Powertools' `service`). */
export const PLATFORM_DIMENSION = 'platform';

export const PLATFORM_METRICS = {
  /** Every call (Count), by the audited HTTP client. */
  calls: 'PlatformCalls',
  /** Failed calls, rate-limited included (Count). */
  failures: 'PlatformCallFailures',
  rateLimited: 'PlatformCallsRateLimited',
  latency: 'PlatformCallLatency',
  /** Share of the platform's quota window left after a call that reported it (Percent). */
  quotaHeadroom: 'PlatformQuotaHeadroom',
  /**
   * Gauges of the health view, published by the SyncScheduler each time it runs (every 5 minutes).
   * `breakerOpen` is 1 while the breaker has not closed again (open, or half-open: probing after a
   * cool-down), so one sample taken while a probe is out does not hide an outage from the alarm.
   * `quotaHeadroom` (above) is published there too: the latest fresh report keeps the quota alarm
   * in step while the drained buckets make no calls (a call-only metric would go missing).
   */
  breakerOpen: 'PlatformBreakerOpen',
  syncLag: 'PlatformSyncLagSeconds',
  errorRate5m: 'PlatformErrorRate5m',
  /** Connections now waiting for their supplier to connect again (a gauge; not alarmed: the event count is). */
  connectionsAwaitingReauth: 'PlatformConnectionsAwaitingReauth',
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

/**
 * The gauges of one health view (ops: every platform): what CloudWatch alarms on. `awaitingReauth`
 * (connections in `reauth-required` per platform) adds that gauge, 0 for a platform not listed.
 * A figure the view does not know (no lag without active connections, no calls, no quota report)
 * is left out rather than invented.
 */
export function healthMetrics(
  platforms: readonly PlatformHealth[],
  awaitingReauth?: Readonly<Partial<Record<ConnectedPlatform, number>>>,
): HealthMetric[] {
  return platforms.flatMap((p): HealthMetric[] => {
    const gauge = (name: string, unit: HealthMetric['unit'], value: number): HealthMetric => ({
      name,
      platform: p.platform,
      unit,
      value,
    });
    return [
      gauge(PLATFORM_METRICS.breakerOpen, 'Count', breakerNotClosed(p.breaker) ? 1 : 0),
      ...(p.maxSyncLagSeconds !== null
        ? [gauge(PLATFORM_METRICS.syncLag, 'Seconds', p.maxSyncLagSeconds)]
        : []),
      ...(p.errorRate5m !== null
        ? [gauge(PLATFORM_METRICS.errorRate5m, 'Percent', p.errorRate5m * 100)]
        : []),
      ...(p.quotaHeadroom !== null
        ? [gauge(PLATFORM_METRICS.quotaHeadroom, 'Percent', p.quotaHeadroom * 100)]
        : []),
      ...(awaitingReauth
        ? [gauge(PLATFORM_METRICS.connectionsAwaitingReauth, 'Count', awaitingReauth[p.platform] ?? 0)]
        : []),
    ];
  });
}

/** Open, or half-open (its probe not yet succeeded): the platform's outage is not over. */
const breakerNotClosed = (breaker: PlatformHealth['breaker']): boolean =>
  breaker.status === 'open' || breaker.status === 'half-open';
