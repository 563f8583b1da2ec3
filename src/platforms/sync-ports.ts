/**
 * Ports of the sync pipeline beyond the shared contract (ports.ts): which adapter serves a
 * platform, what a location's sync has seen (for full sweeps), replay protection for inbound
 * notifications, and where notifications find their connections.
 */
import type { ConnectedPlatform } from './domain/platform';
import type { PlatformAdapter } from './ports';

/** The adapters by platform (built by the composition root). */
export interface PlatformAdapters {
  adapterFor(platform: ConnectedPlatform): PlatformAdapter | undefined;
}

/**
 * What sync has seen of each location: one record per platform review ever handed to the sink,
 * with the last time a listing or a fetch saw it. A full sweep records its start; at its end the
 * reviews not seen since are re-fetched one by one (a targeted sync) before anything is removed.
 */
export interface SyncLedger {
  /** Records that these reviews were listed or fetched at `atIso` (idempotent). */
  markSeen(
    connectionId: string,
    locationId: string,
    externalIds: readonly string[],
    atIso: string,
  ): Promise<void>;
  /** Records that these reviews were removed (the sink was told). */
  markRemoved(
    connectionId: string,
    locationId: string,
    externalIds: readonly string[],
    atIso: string,
  ): Promise<void>;
  /** Reviews of the location, not removed, last seen before `beforeIso` (at most `limit`). */
  notSeenSince(connectionId: string, locationId: string, beforeIso: string, limit: number): Promise<string[]>;
  /** True for exactly one caller per location and UTC day: that caller starts the day's full sweep. */
  claimDailySweep(connectionId: string, locationId: string, day: string): Promise<boolean>;
}

/** Replay protection: true the first time a key is seen (within its time to live). */
export interface ReplayGuard {
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
}

export interface LocationRef {
  readonly connectionId: string;
  readonly supplierId: string;
}

/**
 * The connections that sync a platform location (several suppliers may connect the same Page).
 * Kept by the scheduler from the active connections it pages through every run.
 */
export interface LocationDirectory {
  record(platform: ConnectedPlatform, locationId: string, ref: LocationRef): Promise<void>;
  find(platform: ConnectedPlatform, locationId: string): Promise<LocationRef[]>;
}

/** What the platforms sign their notifications with (Facebook app secret and verify token, ...). */
export interface NotificationSecrets {
  secretsFor(platform: ConnectedPlatform): Promise<Readonly<Record<string, string>>>;
  /**
   * During a rotation (issue 9): every set of values a notification may be signed with, current
   * first (then with the previous values); `forceFetch` reads the secrets again. Without it, the
   * verifier uses `secretsFor` alone.
   */
  candidatesFor?(
    platform: ConnectedPlatform,
    options?: { forceFetch?: boolean },
  ): Promise<readonly Readonly<Record<string, string>>[]>;
}
