/**
 * The sync pipeline's rules that need no I/O: how long a deferral waits, how a targeted sync is
 * chunked, how watermarks advance, and when the scheduler starts a location's daily full sweep.
 */
import type { ConnectedLocation, Connection, SyncMessage } from './connection';
import type { ConnectedPlatform, PlatformReview } from './platform';

/** SQS's longest message delay; a longer wait hops (the message is checked again and re-deferred). */
export const MAX_DELAY_SECONDS = 900;

/** Ids fetched per targeted message: each is one call, and one message's calls take tokens at once. */
export const TARGETED_CHUNK = 5;

/** The most removal candidates one sweep re-fetches (the next day's sweep takes the rest). */
export const SWEEP_REMOVAL_CANDIDATES = 500;

/** Platforms whose listing is partial by design (Yelp: three excerpts): absence means nothing. */
export const PARTIAL_LISTING_PLATFORMS: readonly ConnectedPlatform[] = ['yelp'];

/** A deferral's SQS delay: whole seconds, at least 1, at most 900 (then it hops). */
export function deferralDelaySeconds(delayMs: number): number {
  if (!Number.isFinite(delayMs)) return MAX_DELAY_SECONDS;
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(delayMs / 1000)));
}

/** Backoff of a message after a retry-later failure while the breaker is still closed: 1 s, 2 s, ... 30 s. */
export function retryLaterBackoffMs(deferrals: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.min(deferrals, 5));
}

/** The newest `updatedAt` among the watermark so far and these reviews (ISO 8601 UTC strings compare as times). */
export function newestUpdate(
  current: string | undefined,
  reviews: readonly PlatformReview[],
): string | undefined {
  let newest = current;
  for (const review of reviews) {
    if (newest === undefined || Date.parse(review.updatedAt) > Date.parse(newest)) newest = review.updatedAt;
  }
  return newest;
}

/** Targeted messages for these ids, in chunks, continuing `from`'s correlation. */
export function targetedMessages(
  from: Pick<SyncMessage, 'connectionId' | 'supplierId' | 'locationId' | 'correlationId'>,
  externalIds: readonly string[],
): SyncMessage[] {
  const messages: SyncMessage[] = [];
  for (let start = 0; start < externalIds.length; start += TARGETED_CHUNK) {
    messages.push({
      kind: 'sync',
      mode: 'targeted',
      connectionId: from.connectionId,
      supplierId: from.supplierId,
      locationId: from.locationId,
      correlationId: from.correlationId,
      externalIds: externalIds.slice(start, start + TARGETED_CHUNK),
    });
  }
  return messages;
}

/** The scheduler's period (the EventBridge rule's rate and the local timer). */
export const SCHEDULE_PERIOD_MINUTES = 5;

/** A running incremental sync is left alone this long before the scheduler starts another. */
export const SYNC_IN_PROGRESS_GRACE_MS = 15 * 60_000;

/**
 * The minute of the UTC day from which a location's daily full sweep is due: spread over the day
 * by a hash of the location, so sweeps do not all start at midnight.
 */
export function sweepSlotMinute(connectionId: string, locationId: string): number {
  let hash = 2166136261;
  for (const char of `${connectionId}#${locationId}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash % (24 * 60);
}

/** True when the location's sweep slot has come today (the scheduler then claims the day's sweep). */
export function fullSweepDue(connectionId: string, locationId: string, now: Date): boolean {
  const minuteOfDay = now.getUTCHours() * 60 + now.getUTCMinutes();
  return minuteOfDay >= sweepSlotMinute(connectionId, locationId);
}

/** An incremental sync still paging (a page token saved recently): the scheduler skips it. */
export function incrementalInProgress(location: ConnectedLocation, nowMs: number): boolean {
  if (location.cursor?.pageToken === undefined) return false;
  const last = location.lastSyncAt === undefined ? Number.NaN : Date.parse(location.lastSyncAt);
  return Number.isFinite(last) && nowMs - last < SYNC_IN_PROGRESS_GRACE_MS;
}

/** The first message of a sync the scheduler (or a notification) starts. */
export function startSync(
  connection: Connection,
  location: ConnectedLocation,
  mode: 'incremental' | 'full',
  correlationId: string,
  now: Date,
): SyncMessage {
  const watermark = location.cursor?.watermark;
  return {
    kind: 'sync',
    mode,
    connectionId: connection.connectionId,
    supplierId: connection.supplierId,
    locationId: location.locationId,
    correlationId,
    startedAt: now.toISOString(),
    ...(mode === 'incremental' && watermark ? { cursor: { watermark } } : {}),
  };
}
