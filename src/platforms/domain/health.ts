/**
 * The integration health view, computed from plain figures: per-minute call counts, the latest
 * success and failure, the latest quota report, the platform breaker, and the connections'
 * per-location sync times. Pure: the use case reads the figures, this turns them into the view.
 */
import type { Connection } from './connection';
import type { ConnectedPlatform, PlatformFailureKind } from './platform';

export const MINUTE_MS = 60_000;
export const SHORT_WINDOW_MS = 5 * MINUTE_MS;
export const LONG_WINDOW_MS = 60 * MINUTE_MS;
/** A quota report older than this says nothing about now (the platforms' windows are an hour or a day). */
export const QUOTA_FRESH_MS = 24 * 60 * MINUTE_MS;

/** Call counts of one minute, for a platform or a connection. */
export interface MinuteStats {
  /** Start of the minute, epoch ms. */
  readonly minuteMs: number;
  readonly successes: number;
  /** Failed calls, rate-limited ones included (they are in `rateLimited` too). */
  readonly failures: number;
  readonly rateLimited: number;
}

export interface QuotaSnapshot {
  readonly remaining?: number;
  readonly limit?: number;
  /** Share of the window left, 0..1, when the platform said enough to know it. */
  readonly headroom?: number;
  readonly at: string;
}

/** The latest of a scope (platform or connection). */
export interface LatestStats {
  readonly lastSuccessAt?: string;
  readonly lastFailureAt?: string;
  readonly lastFailureKind?: PlatformFailureKind;
  readonly quota?: QuotaSnapshot;
}

export type BreakerView =
  | { readonly status: 'closed' | 'half-open' | 'unknown' }
  | { readonly status: 'open'; readonly openUntil?: string };

export interface CallHealth {
  readonly lastSuccessAt?: string;
  readonly lastFailureAt?: string;
  readonly lastFailureKind?: PlatformFailureKind;
  /** Failed / all calls in the window; null when there were no calls. */
  readonly errorRate5m: number | null;
  readonly errorRate1h: number | null;
  readonly calls5m: number;
  readonly calls1h: number;
  /** Share of the platform's quota window left (0..1); null when unknown or stale. */
  readonly quotaHeadroom: number | null;
  readonly quotaRemaining: number | null;
}

export interface ConnectionHealth extends CallHealth {
  readonly connectionId: string;
  readonly supplierId: string;
  readonly platform: ConnectedPlatform;
  readonly status: Connection['status'];
  readonly statusReason?: string;
  /** Seconds since the least recently synced location's last sync (since creation if never); null when not active. */
  readonly syncLagSeconds: number | null;
}

export interface PlatformHealth extends CallHealth {
  readonly platform: ConnectedPlatform;
  readonly breaker: BreakerView;
  /** The worst sync lag among the listed active connections of this platform. */
  readonly maxSyncLagSeconds: number | null;
  readonly connections: readonly ConnectionHealth[];
  /** healthy, degraded (errors, re-auth needed, quota nearly spent) or down (breaker open). */
  readonly state: 'healthy' | 'degraded' | 'down';
}

/** Error rate over the window ending at `nowMs`: minutes that started inside it count. */
export function errorRate(
  minutes: readonly MinuteStats[],
  nowMs: number,
  windowMs: number,
): { rate: number | null; calls: number } {
  const since = nowMs - windowMs;
  let ok = 0;
  let failed = 0;
  for (const m of minutes) {
    if (m.minuteMs + MINUTE_MS <= since || m.minuteMs > nowMs) continue;
    ok += m.successes;
    failed += m.failures;
  }
  const calls = ok + failed;
  return { rate: calls === 0 ? null : failed / calls, calls };
}

/** The quota headroom a snapshot gives, when it is fresh: `headroom`, else remaining / limit. */
export function quotaHeadroom(quota: QuotaSnapshot | undefined, nowMs: number): number | null {
  if (!quota || nowMs - Date.parse(quota.at) > QUOTA_FRESH_MS) return null;
  if (quota.headroom !== undefined) return clamp01(quota.headroom);
  if (quota.remaining !== undefined && quota.limit !== undefined && quota.limit > 0) {
    return clamp01(quota.remaining / quota.limit);
  }
  return null;
}

/**
 * Sync lag of a connection: the oldest location's `lastSyncAt` (a location never synced counts
 * from the connection's creation). Only active connections lag; others wait for the supplier.
 */
export function syncLagSeconds(connection: Connection, nowMs: number): number | null {
  if (connection.status !== 'active' || connection.locations.length === 0) return null;
  const oldest = Math.min(
    ...connection.locations.map((l) => Date.parse(l.lastSyncAt ?? connection.createdAt)),
  );
  if (Number.isNaN(oldest)) return null;
  return Math.max(0, Math.round((nowMs - oldest) / 1000));
}

export function callHealth(
  minutes: readonly MinuteStats[],
  latest: LatestStats | undefined,
  nowMs: number,
): CallHealth {
  const short = errorRate(minutes, nowMs, SHORT_WINDOW_MS);
  const long = errorRate(minutes, nowMs, LONG_WINDOW_MS);
  const fresh = latest?.quota && nowMs - Date.parse(latest.quota.at) <= QUOTA_FRESH_MS;
  return {
    ...(latest?.lastSuccessAt ? { lastSuccessAt: latest.lastSuccessAt } : {}),
    ...(latest?.lastFailureAt ? { lastFailureAt: latest.lastFailureAt } : {}),
    ...(latest?.lastFailureKind ? { lastFailureKind: latest.lastFailureKind } : {}),
    errorRate5m: short.rate,
    errorRate1h: long.rate,
    calls5m: short.calls,
    calls1h: long.calls,
    quotaHeadroom: quotaHeadroom(latest?.quota, nowMs),
    quotaRemaining: fresh ? (latest.quota?.remaining ?? null) : null,
  };
}

/** Error rate over 5 minutes at or above which a platform is degraded. */
export const DEGRADED_ERROR_RATE = 0.5;
/** Quota headroom under which a platform is degraded (5 % of its window left). */
export const LOW_QUOTA_HEADROOM = 0.05;

export function platformState(
  call: CallHealth,
  breaker: BreakerView,
  connections: readonly ConnectionHealth[],
): PlatformHealth['state'] {
  if (breaker.status === 'open') return 'down';
  const degraded =
    breaker.status === 'half-open' ||
    (call.errorRate5m !== null && call.errorRate5m >= DEGRADED_ERROR_RATE) ||
    (call.quotaHeadroom !== null && call.quotaHeadroom < LOW_QUOTA_HEADROOM) ||
    connections.some((c) => c.status === 'reauth-required');
  return degraded ? 'degraded' : 'healthy';
}

export function maxLag(connections: readonly ConnectionHealth[]): number | null {
  const lags = connections.map((c) => c.syncLagSeconds).filter((l): l is number => l !== null);
  return lags.length === 0 ? null : Math.max(...lags);
}

/** Start of the UTC minute holding `ms`. */
export const minuteStart = (ms: number): number => ms - (ms % MINUTE_MS);

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));
