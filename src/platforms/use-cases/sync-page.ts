/**
 * One Sync queue message: one page (or one handful of targeted fetches) for one location.
 *
 * Steps:
 * 1. Load the connection; skip unless it is active and still syncs this location.
 * 2-4 go through the gate shared with the reply worker (platform-gate.ts):
 * 2. Ask the platform's breaker (read only): open, or a probe in flight -> defer.
 * 3. Take rate-limit tokens (platform app + location, all or none); none -> defer.
 * 4. Claim the probe if the breaker is half-open (only the winner calls; others defer).
 * 5. Get credentials; on `auth-expired` refresh once and retry once (with another token).
 * 6. Fetch ONE page (incremental/full) or `get` each id (targeted).
 * 7. Hand the reviews to the sink, record them in the ledger, save the cursor, tighten the bucket
 *    from the platform's quota report, report the result to the breaker (a probe claimed in step 4
 *    and not reported, because the attempt ended before the call or without its answer, is given
 *    back when the attempt ends).
 * 8. Enqueue the next page, or finish: incremental -> save the new watermark; full -> re-fetch the
 *    reviews not seen since the sweep started (targeted messages), which removes what is gone;
 *    targeted -> reviews the platform no longer has are removed.
 *
 * Failures (PlatformFailure): rate-limited -> tighten the app bucket, defer; retry-later ->
 * breaker failure, defer with backoff (to the end of the cool-down once open); unsupported /
 * reauth-required -> mark the connection and stop; permanent -> stop (the handler logs it).
 * A deferral re-sends the message with a delay and lets the original be deleted: it never counts
 * as a failure and never moves a message towards its DLQ. Anything else (store or queue down)
 * throws, and the message is retried by SQS.
 */
import type { BreakerState, BreakerStore } from '../../shared/circuit-breaker';
import type { Clock } from '../../shared/clock';
import type { Connection, SyncMessage } from '../domain/connection';
import {
  isPlatformCallError,
  PlatformCallError,
  type ConnectedPlatform,
  type PlatformFailure,
  type PlatformOperation,
  type PlatformReview,
  type QuotaReport,
  type SyncCursor,
} from '../domain/platform';
import { appBucket, bucketsFor, tightenUntil } from '../domain/quota-policy';
import {
  deferralDelaySeconds,
  newestUpdate,
  PARTIAL_LISTING_PLATFORMS,
  retryLaterBackoffMs,
  SWEEP_REMOVAL_CANDIDATES,
  TARGETED_CHUNK,
  targetedMessages,
} from '../domain/sync-plan';
import { admit, gateOf, releaseUnreportedProbe, reportCall, take, type Admission } from './platform-gate';
import type {
  CallContext,
  ConnectionStore,
  Credentials,
  RateLimiter,
  ReviewSink,
  SyncQueue,
  TokenProvider,
} from '../ports';
import type { PlatformAdapters, SyncLedger } from '../sync-ports';

export interface SyncPageDeps {
  readonly connections: ConnectionStore;
  readonly adapters: PlatformAdapters;
  readonly tokens: TokenProvider;
  readonly sink: ReviewSink;
  readonly limiter: RateLimiter;
  readonly breakers: BreakerStore;
  readonly ledger: SyncLedger;
  readonly queue: SyncQueue;
  readonly clock: Clock;
}

export type DeferReason = 'breaker-open' | 'probe-in-flight' | 'quota' | 'rate-limited' | 'retry-later';

export type SyncPageOutcome =
  | { readonly kind: 'skipped'; readonly reason: string }
  | {
      readonly kind: 'synced';
      readonly reviews: number;
      readonly removed: number;
      /** `next-page`: another message follows; `done`: this sync is complete. */
      readonly progress: 'next-page' | 'done';
    }
  | { readonly kind: 'deferred'; readonly reason: DeferReason; readonly delaySeconds: number }
  | { readonly kind: 'stopped'; readonly failure: PlatformFailure };

/** Internal: stop this attempt and send the message again later. */
class Deferral {
  constructor(
    readonly reason: DeferReason,
    readonly delayMs: number,
    /** The message to send again (targeted syncs keep only the ids still to fetch). */
    readonly message?: SyncMessage,
  ) {}
}

export async function syncPage(message: SyncMessage, deps: SyncPageDeps): Promise<SyncPageOutcome> {
  // 1. The connection, still active and still syncing this location.
  const connection = await deps.connections.get(message.supplierId, message.connectionId);
  if (!connection) return { kind: 'skipped', reason: 'connection not found' };
  if (connection.status !== 'active') return { kind: 'skipped', reason: `connection ${connection.status}` };
  if (!connection.locations.some((l) => l.locationId === message.locationId)) {
    return { kind: 'skipped', reason: 'location no longer chosen' };
  }
  const adapter = deps.adapters.adapterFor(connection.platform);
  if (!adapter) return { kind: 'skipped', reason: `no adapter for ${connection.platform}` };
  if (message.mode === 'targeted' && (message.externalIds ?? []).length === 0) {
    return { kind: 'skipped', reason: 'targeted sync without ids' };
  }

  const run = new SyncRun(message, connection, deps);
  try {
    return await run.execute(adapter);
  } catch (error) {
    if (error instanceof Deferral) return await run.defer(error);
    if (isPlatformCallError(error)) return await run.fail(error);
    throw error;
  } finally {
    await run.releaseProbe();
  }
}

/** One attempt at one message: the breaker handshake, the calls, and what follows. */
class SyncRun {
  private readonly platform: ConnectedPlatform;
  private readonly buckets: readonly string[];
  /** The gate's admission (breaker as read before the call, probe id): set once admitted. */
  private admission: Extract<Admission, { kind: 'admitted' }> | undefined;
  private called = false;
  /** A targeted sync interrupted part-way: the ids still to fetch, for its deferral. */
  private remaining: SyncMessage | undefined;

  constructor(
    private readonly message: SyncMessage,
    private readonly connection: Connection,
    private readonly deps: SyncPageDeps,
  ) {
    this.platform = connection.platform;
    this.buckets = bucketsFor(connection.platform, message.locationId);
  }

  private nowMs(): number {
    return this.deps.clock.now().getTime();
  }

  private context(operation: PlatformOperation): CallContext {
    return {
      platform: this.platform,
      operation,
      supplierId: this.connection.supplierId,
      connectionId: this.connection.connectionId,
      correlationId: this.message.correlationId,
      ...(this.admission ? { gate: gateOf(this.admission) } : {}),
    };
  }

  async execute(adapter: NonNullable<ReturnType<PlatformAdapters['adapterFor']>>): Promise<SyncPageOutcome> {
    const ids =
      this.message.mode === 'targeted' ? (this.message.externalIds ?? []).slice(0, TARGETED_CHUNK) : [];
    await this.admit(this.message.mode === 'targeted' ? ids.length : 1);

    if (this.message.mode === 'targeted') return this.fetchTargeted(adapter, ids);

    const page = await this.withCredentials('list', (credentials) =>
      adapter.listChanges(credentials, this.message.locationId, this.message.cursor, this.context('list')),
    );
    await this.afterCall(undefined, page.quota);
    return this.handOnPage(page.reviews, page.next, page.reachedWatermark);
  }

  /** A probe this attempt claimed and did not report goes back to the breaker (platform-gate.ts). */
  releaseProbe(): Promise<void> {
    return releaseUnreportedProbe(this.deps, this.platform, this.admission);
  }

  /** Steps 2-4: breaker (read), tokens, probe claim (the shared gate). Throws a Deferral when the call must wait. */
  private async admit(cost: number): Promise<void> {
    const admission = await admit(this.deps, this.platform, this.buckets, cost);
    if (admission.kind === 'wait') throw new Deferral(admission.reason, admission.delayMs);
    this.admission = admission;
  }

  private async takeTokens(cost: number): Promise<void> {
    const wait = await take(this.deps, this.buckets, cost);
    if (wait) throw new Deferral(wait.reason, wait.delayMs);
  }

  /** Step 5: credentials, and one refresh + one retry when the platform refuses the access token. */
  private async withCredentials<T>(
    operation: PlatformOperation,
    call: (credentials: Credentials) => Promise<T>,
  ): Promise<T> {
    const credentials = await this.deps.tokens.credentialsFor(this.connection, this.context(operation));
    this.called = true;
    try {
      return await call(credentials);
    } catch (error) {
      if (!isPlatformCallError(error) || error.failure.kind !== 'auth-expired') throw error;
      const fresh = await this.deps.tokens.refreshAfterRejection(this.connection, this.context(operation));
      // The retry is another call: it takes its token like any other.
      await this.takeTokens(1);
      try {
        return await call(fresh);
      } catch (retryError) {
        if (isPlatformCallError(retryError) && retryError.failure.kind === 'auth-expired') {
          throw new PlatformCallError(this.platform, operation, {
            kind: 'reauth-required',
            reason: `token refused again after a refresh: ${retryError.failure.reason}`,
          });
        }
        throw retryError;
      }
    }
  }

  /**
   * Step 7 (platform side): the quota report tightens the app bucket; the breaker learns the result
   * (and a 429 drains the app bucket for the platform's wait) through the shared gate.
   */
  private async afterCall(
    failure: PlatformFailure | undefined,
    quota: QuotaReport | undefined,
  ): Promise<BreakerState | undefined> {
    const nowMs = this.nowMs();
    const until = tightenUntil(this.platform, quota, nowMs);
    if (until !== undefined) await this.deps.limiter.tighten(appBucket(this.platform), until, nowMs);
    if (!this.called || !this.admission) return undefined;
    return reportCall(this.deps, this.platform, this.admission, failure);
  }

  /** Steps 7-8 for a listed page. */
  private async handOnPage(
    reviews: readonly PlatformReview[],
    next: SyncCursor | undefined,
    reachedWatermark: boolean,
  ): Promise<SyncPageOutcome> {
    const { connection, message, deps } = this;
    const atIso = deps.clock.now().toISOString();
    await this.submitSeen(reviews, atIso);
    const highWatermark = newestUpdate(message.highWatermark, reviews);
    const watermark = message.cursor?.watermark;
    const more = next?.pageToken !== undefined && !(message.mode === 'incremental' && reachedWatermark);

    if (more) {
      // An incremental sync keeps its position on the connection (a lost message resumes there).
      if (message.mode === 'incremental') {
        await deps.connections.saveCursor(
          connection.connectionId,
          message.locationId,
          { pageToken: next!.pageToken, ...(watermark ? { watermark } : {}) },
          atIso,
        );
      }
      const { deferrals: _deferrals, ...rest } = message;
      await deps.queue.send([
        {
          message: {
            ...rest,
            cursor: { pageToken: next!.pageToken, ...(watermark ? { watermark } : {}) },
            ...(highWatermark ? { highWatermark } : {}),
          },
        },
      ]);
      return { kind: 'synced', reviews: reviews.length, removed: 0, progress: 'next-page' };
    }

    if (message.mode === 'incremental') {
      const newWatermark = highWatermark ?? watermark;
      await deps.connections.saveCursor(
        connection.connectionId,
        message.locationId,
        newWatermark ? { watermark: newWatermark } : undefined,
        atIso,
      );
    } else if (message.mode === 'full') {
      await this.finishSweep();
    }
    return { kind: 'synced', reviews: reviews.length, removed: 0, progress: 'done' };
  }

  /**
   * The end of a full sweep: what was not seen since it started is re-fetched one by one (a
   * targeted sync removes what the platform no longer has). Never on a platform whose listing is
   * partial by design (Yelp's three excerpts): absence there says nothing.
   */
  private async finishSweep(): Promise<void> {
    const { connection, message, deps } = this;
    if (PARTIAL_LISTING_PLATFORMS.includes(connection.platform) || !message.startedAt) return;
    const candidates = await deps.ledger.notSeenSince(
      connection.connectionId,
      message.locationId,
      message.startedAt,
      SWEEP_REMOVAL_CANDIDATES,
    );
    if (candidates.length === 0) return;
    await deps.queue.send(targetedMessages(message, candidates).map((m) => ({ message: m })));
  }

  /** Targeted: `get` each id (re-fetched, never trusted from a notification); gone -> removed. */
  private async fetchTargeted(
    adapter: NonNullable<ReturnType<PlatformAdapters['adapterFor']>>,
    ids: readonly string[],
  ): Promise<SyncPageOutcome> {
    const { message, deps } = this;
    const found: PlatformReview[] = [];
    const gone: string[] = [];
    let done = 0;
    try {
      for (const id of ids) {
        const review = await this.withCredentials('get', (credentials) =>
          adapter.get(credentials, message.locationId, id, {
            ...this.context('get'),
            // A get that needs more calls (Facebook reads pages) takes a token for each of them.
            beforeFurtherCall: () => this.takeTokens(1),
          }),
        );
        if (review) found.push(review);
        else gone.push(id);
        done += 1;
      }
    } catch (error) {
      // Keep what was fetched; the rest (from the failed id on) goes with the deferral or is dropped.
      await this.handOnTargeted(found, gone);
      this.remaining = { ...message, externalIds: (message.externalIds ?? []).slice(done) };
      throw error;
    }
    await this.afterCall(undefined, undefined);
    const removed = await this.handOnTargeted(found, gone);
    const rest = (message.externalIds ?? []).slice(ids.length);
    if (rest.length > 0) {
      const { deferrals: _deferrals, ...base } = message;
      await deps.queue.send([{ message: { ...base, externalIds: rest } }]);
      return { kind: 'synced', reviews: found.length, removed, progress: 'next-page' };
    }
    return { kind: 'synced', reviews: found.length, removed, progress: 'done' };
  }

  private async handOnTargeted(found: readonly PlatformReview[], gone: readonly string[]): Promise<number> {
    const { connection, message, deps } = this;
    const atIso = deps.clock.now().toISOString();
    await this.submitSeen(found, atIso);
    if (gone.length > 0) {
      await deps.sink.remove(connection, message.locationId, gone, message.correlationId);
      await deps.ledger.markRemoved(connection.connectionId, message.locationId, gone, atIso);
    }
    return gone.length;
  }

  /** Reviews read from the platform to the sink, then marked seen in the ledger (none: nothing). */
  private async submitSeen(reviews: readonly PlatformReview[], atIso: string): Promise<void> {
    if (reviews.length === 0) return;
    const { connection, message, deps } = this;
    await deps.sink.submit(connection, message.locationId, reviews, message.correlationId);
    await deps.ledger.markSeen(
      connection.connectionId,
      message.locationId,
      reviews.map((r) => r.externalId),
      atIso,
    );
  }

  /** A classified platform failure: defer, or mark the connection and stop. */
  async fail(error: PlatformCallError): Promise<SyncPageOutcome> {
    const failure = error.failure;
    const state = await this.afterCall(failure, failure.kind === 'rate-limited' ? failure.quota : undefined);
    const retryMessage = this.remaining;
    switch (failure.kind) {
      case 'rate-limited':
        // afterCall (reportCall) already drained the app bucket for the platform's wait.
        return this.defer(new Deferral('rate-limited', failure.waitMs, retryMessage));
      case 'retry-later': {
        const nowMs = this.nowMs();
        // Once the breaker is open, come back for its probe; before that, back off per message.
        const delayMs =
          state?.status === 'open' && state.openUntilMs !== undefined
            ? state.openUntilMs - nowMs
            : Math.max(failure.retryAfterMs ?? 0, retryLaterBackoffMs(this.message.deferrals ?? 0));
        return this.defer(new Deferral('retry-later', delayMs, retryMessage));
      }
      case 'auth-expired':
      case 'reauth-required':
        await this.markConnection('reauth-required', failure.reason);
        return { kind: 'stopped', failure };
      case 'unsupported':
        await this.markConnection('unsupported', failure.reason);
        return { kind: 'stopped', failure };
      case 'permanent':
        return { kind: 'stopped', failure };
    }
  }

  private async markConnection(to: 'reauth-required' | 'unsupported', reason: string): Promise<void> {
    await this.deps.connections.setStatus(
      this.connection.connectionId,
      'active',
      to,
      reason,
      this.deps.clock.now().toISOString(),
    );
  }

  async defer(deferral: Deferral): Promise<SyncPageOutcome> {
    const delaySeconds = deferralDelaySeconds(deferral.delayMs);
    const base = deferral.message ?? this.remaining ?? this.message;
    await this.deps.queue.send([
      { message: { ...base, deferrals: (this.message.deferrals ?? 0) + 1 }, delaySeconds },
    ]);
    return { kind: 'deferred', reason: deferral.reason, delaySeconds };
  }
}
