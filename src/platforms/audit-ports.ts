/**
 * What the audit trail and the health view need from the outside world, beside the shared
 * `AuditLog` port (ports.ts): reading the trail, the per-minute call statistics, and the platform
 * breakers' state (stored by the sync and reply workers).
 */
import type { AuditEntry } from './domain/audit';
import type { AuditQuery } from './domain/audit-query';
import type { BreakerView, LatestStats, MinuteStats } from './domain/health';
import type { ConnectionStatus } from './domain/connection';
import type { ConnectedPlatform, PlatformFailureKind } from './domain/platform';

/** A DynamoDB key (LastEvaluatedKey), kept opaque to the use cases. */
export type AuditStoreKey = Record<string, string>;

export interface AuditReader {
  /**
   * A page of entries, newest first, matching every filter of `query` (`cursor` is ignored: the
   * use case decodes it into `startKey`). `query` has a supplierId or a platform (ops), or both.
   * Throws the shared invalid-cursor problem when `startKey` lies outside the query's partition.
   */
  list(
    query: AuditQuery,
    startKey: AuditStoreKey | undefined,
  ): Promise<{ items: AuditEntry[]; lastKey?: AuditStoreKey }>;
}

/** One platform call as the statistics count it. */
export interface CallOutcome {
  readonly platform: ConnectedPlatform;
  readonly connectionId?: string;
  readonly at: string;
  readonly outcome: 'ok' | PlatformFailureKind;
  /** The quota the platform reported with this answer, when it said. */
  readonly quota?: { readonly remaining?: number; readonly limit?: number; readonly headroom?: number };
}

export type StatsScope =
  | { readonly kind: 'platform'; readonly platform: ConnectedPlatform }
  | { readonly kind: 'connection'; readonly connectionId: string };

export interface PlatformStatsStore {
  /** Counts one call for its platform and (when it has one) its connection. */
  record(call: CallOutcome): Promise<void>;
  /** Minutes since `sinceMs` (at most an hour is asked for) and the latest of one scope. */
  read(scope: StatsScope, sinceMs: number): Promise<{ minutes: MinuteStats[]; latest?: LatestStats }>;
}

/** The platform circuit breakers' state, as the health view shows it. */
export interface BreakerStates {
  get(platform: ConnectedPlatform): Promise<BreakerView>;
}

/** How many connections of each platform are in a status (the health gauges' re-auth count). */
export interface ConnectionStatusCounts {
  countByStatus(status: ConnectionStatus): Promise<Partial<Record<ConnectedPlatform, number>>>;
}
