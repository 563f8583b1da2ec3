/**
 * The integration health view: per platform (breaker, last success and failure, error rate over
 * 5 min and 1 h, quota headroom, sync lag) and per connection (the same call figures, status,
 * sync lag). A supplier sees their own connections and the platforms they use; ops sees every
 * platform, with sync lag over all active connections and the most lagging ones.
 * 1. Connections: the supplier's (all statuses) or, for ops, the active ones a page at a time (bounded).
 * 2. Per platform: its breaker and its last hour of call statistics.
 * 3. Per connection listed: its last hour of call statistics and its sync lag.
 * 4. The pure health functions turn the figures into the view.
 */
import type { Clock } from '../../shared/clock';
import type { Connection } from '../domain/connection';
import {
  LONG_WINDOW_MS,
  callHealth,
  maxLag,
  platformState,
  syncLagSeconds,
  type ConnectionHealth,
  type PlatformHealth,
} from '../domain/health';
import { healthMetrics, type HealthMetric } from '../domain/health-metrics';
import { CONNECTED_PLATFORMS, type ConnectedPlatform } from '../domain/platform';
import type { BreakerStates, ConnectionStatusCounts, PlatformStatsStore } from '../audit-ports';
import type { ConnectionStore } from '../ports';

export interface IntegrationHealthDeps {
  readonly connections: ConnectionStore;
  readonly stats: PlatformStatsStore;
  readonly breakers: BreakerStates;
  readonly clock: Clock;
}

/** Ops: active connections read at most (pages of 100); past it, `truncated` says so. */
export const OPS_CONNECTION_SCAN_LIMIT = 2000;
/** Ops: connections shown per platform, the most lagging first. */
export const OPS_CONNECTIONS_SHOWN = 20;

export interface IntegrationHealthView {
  readonly generatedAt: string;
  readonly platforms: readonly PlatformHealth[];
  /** Ops: true when there were more active connections than were read. */
  readonly truncated?: boolean;
}

export async function supplierIntegrationHealth(
  supplierId: string,
  deps: IntegrationHealthDeps,
): Promise<IntegrationHealthView> {
  const connections = await deps.connections.list(supplierId);
  const platforms = CONNECTED_PLATFORMS.filter((p) => connections.some((c) => c.platform === p));
  return {
    generatedAt: deps.clock.now().toISOString(),
    platforms: await Promise.all(
      platforms.map((p) =>
        platformHealth(
          p,
          connections.filter((c) => c.platform === p),
          deps,
          Infinity,
        ),
      ),
    ),
  };
}

export async function opsIntegrationHealth(deps: IntegrationHealthDeps): Promise<IntegrationHealthView> {
  const connections: Connection[] = [];
  let next: Record<string, unknown> | undefined;
  do {
    const page = await deps.connections.listActive(100, next);
    connections.push(...page.items);
    next = page.next;
  } while (next && connections.length < OPS_CONNECTION_SCAN_LIMIT);
  return {
    generatedAt: deps.clock.now().toISOString(),
    platforms: await Promise.all(
      CONNECTED_PLATFORMS.map((p) =>
        platformHealth(
          p,
          connections.filter((c) => c.platform === p),
          deps,
          OPS_CONNECTIONS_SHOWN,
        ),
      ),
    ),
    ...(next ? { truncated: true } : {}),
  };
}

export interface HealthGaugeDeps extends IntegrationHealthDeps {
  readonly statusCounts: ConnectionStatusCounts;
}

/**
 * The health gauges CloudWatch alarms on, per platform (the SyncScheduler publishes them each run):
 * 1. Every active connection, a page at a time (the schedule reads them all anyway: no cap, so the
 *    worst sync lag is over all of them).
 * 2. Per platform: its breaker and its call statistics (no per-connection reads: no list is shown).
 * 3. The connections waiting for re-authorisation, counted per platform.
 * 4. `healthMetrics` turns the figures into gauges.
 */
export async function platformHealthGauges(deps: HealthGaugeDeps): Promise<HealthMetric[]> {
  const connections: Connection[] = [];
  let next: Record<string, unknown> | undefined;
  do {
    const page = await deps.connections.listActive(100, next);
    connections.push(...page.items);
    next = page.next;
  } while (next);
  const [platforms, awaitingReauth] = await Promise.all([
    Promise.all(
      CONNECTED_PLATFORMS.map((p) =>
        platformHealth(
          p,
          connections.filter((c) => c.platform === p),
          deps,
          0,
        ),
      ),
    ),
    deps.statusCounts.countByStatus('reauth-required'),
  ]);
  return healthMetrics(platforms, awaitingReauth);
}

async function platformHealth(
  platform: ConnectedPlatform,
  connections: readonly Connection[],
  deps: IntegrationHealthDeps,
  shown: number,
): Promise<PlatformHealth> {
  const nowMs = deps.clock.now().getTime();
  const since = nowMs - LONG_WINDOW_MS;
  const lagOf = connections.map((c) => ({ connection: c, lag: syncLagSeconds(c, nowMs) }));
  // Ops sees the most lagging first; a supplier sees every connection of theirs.
  const listed = [...lagOf].sort((a, b) => (b.lag ?? -1) - (a.lag ?? -1)).slice(0, shown);
  const [breaker, platformStats, connectionViews] = await Promise.all([
    deps.breakers.get(platform),
    deps.stats.read({ kind: 'platform', platform }, since),
    Promise.all(
      listed.map(async ({ connection, lag }): Promise<ConnectionHealth> => {
        const stats = await deps.stats.read(
          { kind: 'connection', connectionId: connection.connectionId },
          since,
        );
        return {
          connectionId: connection.connectionId,
          supplierId: connection.supplierId,
          platform,
          status: connection.status,
          ...(connection.statusReason ? { statusReason: connection.statusReason } : {}),
          syncLagSeconds: lag,
          ...callHealth(stats.minutes, stats.latest, nowMs),
        };
      }),
    ),
  ]);
  const call = callHealth(platformStats.minutes, platformStats.latest, nowMs);
  const allLags = lagOf.map((l) => l.lag).filter((l): l is number => l !== null);
  return {
    platform,
    ...call,
    breaker,
    // Over every connection read, not only those listed.
    maxSyncLagSeconds: allLags.length === 0 ? maxLag(connectionViews) : Math.max(...allLags),
    connections: connectionViews,
    state: platformState(call, breaker, connectionViews),
  };
}
