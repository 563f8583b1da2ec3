/**
 * In-memory stand-ins for the ports the sync pipeline uses, owned by others (adapter, connections,
 * tokens, review sink) or by this pipeline (limiter, ledger, queue), plus a settable clock.
 */
import { InMemoryBreakerStore } from '../../../src/shared/circuit-breaker';
import type { Clock } from '../../../src/shared/clock';
import type { Connection, ConnectionStatus, SyncMessage } from '../../../src/platforms/domain/connection';
import {
  PlatformCallError,
  type ChangesPage,
  type ConnectedPlatform,
  type InboundNotification,
  type NotificationVerdict,
  type PlatformFailure,
  type PlatformReview,
  type SyncCursor,
} from '../../../src/platforms/domain/platform';
import { bucketPolicy } from '../../../src/platforms/domain/quota-policy';
import {
  drainUntil,
  fullBucket,
  takeTokens,
  type BucketState,
} from '../../../src/platforms/domain/token-bucket';
import type {
  CallContext,
  ConnectionStore,
  Credentials,
  PlatformAdapter,
  RateLimiter,
  ReviewSink,
  SyncQueue,
  TokenProvider,
} from '../../../src/platforms/ports';
import type { PlatformAdapters, SyncLedger } from '../../../src/platforms/sync-ports';
import type { SyncPageDeps } from '../../../src/platforms/use-cases/sync-page';

export class FakeClock implements Clock {
  constructor(public ms = Date.parse('2026-12-03T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const review = (id: string, updatedAt: string): PlatformReview => ({
  externalId: id,
  rating: 5,
  body: `review ${id}`,
  reviewerName: 'A',
  createdAt: updatedAt,
  updatedAt,
});

/** A platform with a list of reviews (newest first), paged, and a queue of failures to inject. */
export class FakeAdapter implements PlatformAdapter {
  readonly supportsReplies = true;
  reviews: PlatformReview[] = [];
  pageSize = 2;
  /** Failures thrown by the next calls, in order (undefined = succeed). */
  failures: (PlatformFailure | undefined)[] = [];
  /** When set, every call fails with this (an outage) until cleared. */
  down: PlatformFailure | undefined;
  readonly calls: { op: string; atMs: number; token: string }[] = [];
  validToken = 'token-1';
  /** Calls a `get` makes after its first (Facebook reads pages until the rating turns up). */
  furtherCallsPerGet = 0;
  /** Runs before every call (tests look at the breaker there). */
  beforeCall: (() => Promise<void>) | undefined;

  constructor(
    readonly platform: ConnectedPlatform,
    private readonly clock: Clock,
  ) {}

  private async check(op: 'list' | 'get', credentials: Credentials): Promise<void> {
    await this.beforeCall?.();
    this.calls.push({ op, atMs: this.clock.now().getTime(), token: credentials.accessToken });
    const failure = this.down ?? this.failures.shift();
    if (failure) throw new PlatformCallError(this.platform, op, failure);
    if (credentials.accessToken !== this.validToken) {
      throw new PlatformCallError(this.platform, op, { kind: 'auth-expired', reason: '401' });
    }
  }

  async listChanges(
    credentials: Credentials,
    _location: string,
    cursor: SyncCursor | undefined,
  ): Promise<ChangesPage> {
    await this.check('list', credentials);
    const start = Number(cursor?.pageToken ?? 0);
    const watermark = cursor?.watermark;
    const slice = this.reviews.slice(start, start + this.pageSize);
    const fresh = watermark ? slice.filter((r) => r.updatedAt > watermark) : slice;
    const reachedWatermark = fresh.length < slice.length;
    const more = start + this.pageSize < this.reviews.length && !reachedWatermark;
    return {
      reviews: fresh,
      reachedWatermark,
      ...(more
        ? { next: { pageToken: String(start + this.pageSize), ...(watermark ? { watermark } : {}) } }
        : {}),
    };
  }

  async get(
    credentials: Credentials,
    _location: string,
    externalId: string,
    context?: CallContext,
  ): Promise<PlatformReview | undefined> {
    await this.check('get', credentials);
    // Like Facebook's get, which reads pages: every further call is announced to the caller first.
    for (let n = 0; n < this.furtherCallsPerGet; n += 1) {
      await context?.beforeFurtherCall?.();
      await this.check('get', credentials);
    }
    return this.reviews.find((r) => r.externalId === externalId);
  }

  async reply(): Promise<never> {
    throw new Error('not used');
  }
  async deleteReply(): Promise<void> {
    throw new Error('not used');
  }
  verifyNotification(
    _request: InboundNotification,
    _secrets: Readonly<Record<string, string>>,
  ): NotificationVerdict {
    return { kind: 'rejected', status: 400, reason: 'this fake verifies nothing' };
  }
}

export class MemoryConnections implements ConnectionStore {
  readonly items = new Map<string, Connection>();
  readonly cursors: { locationId: string; cursor: SyncCursor | undefined }[] = [];
  async get(supplierId: string, connectionId: string) {
    const c = this.items.get(connectionId);
    return c && c.supplierId === supplierId ? c : undefined;
  }
  async getById(connectionId: string) {
    return this.items.get(connectionId);
  }
  async list(supplierId: string) {
    return [...this.items.values()].filter((c) => c.supplierId === supplierId);
  }
  async listActive(limit: number, cursor?: Record<string, unknown>) {
    const active = [...this.items.values()].filter((c) => c.status === 'active');
    const start = Number(cursor?.offset ?? 0);
    const items = active.slice(start, start + limit);
    return start + limit < active.length ? { items, next: { offset: start + limit } } : { items };
  }
  async put(connection: Connection) {
    this.items.set(connection.connectionId, connection);
  }
  async setStatus(
    connectionId: string,
    from: ConnectionStatus,
    to: ConnectionStatus,
    reason: string,
    at: string,
  ) {
    const c = this.items.get(connectionId);
    if (!c || c.status !== from) return false;
    this.items.set(connectionId, { ...c, status: to, statusReason: reason, updatedAt: at });
    return true;
  }
  async saveCursor(connectionId: string, locationId: string, cursor: SyncCursor | undefined, at: string) {
    const c = this.items.get(connectionId)!;
    this.cursors.push({ locationId, cursor });
    this.items.set(connectionId, {
      ...c,
      locations: c.locations.map((l) => (l.locationId === locationId ? { ...l, cursor, lastSyncAt: at } : l)),
    });
  }
}

export class FakeTokens implements TokenProvider {
  current = 'token-1';
  /** What the next refresh yields; a failure makes it throw. */
  refreshTo: string | PlatformFailure = 'token-1';
  refreshes = 0;
  async credentialsFor(_c: Connection, _ctx: CallContext): Promise<Credentials> {
    return { accessToken: this.current };
  }
  async refreshAfterRejection(c: Connection): Promise<Credentials> {
    this.refreshes += 1;
    if (typeof this.refreshTo !== 'string')
      throw new PlatformCallError(c.platform, 'token-refresh', this.refreshTo);
    this.current = this.refreshTo;
    return { accessToken: this.current };
  }
}

export class MemorySink implements ReviewSink {
  readonly stored = new Map<string, PlatformReview>();
  readonly removed = new Set<string>();
  async submit(_c: Connection, _l: string, reviews: readonly PlatformReview[]) {
    for (const r of reviews) {
      this.stored.set(r.externalId, r);
      this.removed.delete(r.externalId);
    }
  }
  async remove(_c: Connection, _l: string, ids: readonly string[]) {
    for (const id of ids) this.removed.add(id);
  }
}

/** The token-bucket arithmetic in memory (the DynamoDB limiter runs the same functions). */
export class MemoryLimiter implements RateLimiter {
  readonly states = new Map<string, BucketState>();
  async take(buckets: readonly string[], cost: number, nowMs: number) {
    const next = new Map<string, BucketState>();
    let waitMs = 0;
    for (const bucket of buckets) {
      const policy = bucketPolicy(bucket)!;
      const result = takeTokens(this.states.get(bucket) ?? fullBucket(policy, nowMs), policy, cost, nowMs);
      if (result.ok) next.set(bucket, result.next);
      else waitMs = Math.max(waitMs, result.waitMs);
    }
    if (waitMs > 0) return { ok: false as const, waitMs };
    for (const [bucket, state] of next) this.states.set(bucket, state);
    return { ok: true as const };
  }
  async tighten(bucket: string, untilMs: number, nowMs: number) {
    const policy = bucketPolicy(bucket)!;
    this.states.set(bucket, drainUntil(this.states.get(bucket) ?? fullBucket(policy, nowMs), untilMs));
  }
}

export class MemoryLedger implements SyncLedger {
  readonly seen = new Map<string, { at: string; removed: boolean }>();
  readonly sweeps = new Set<string>();
  async markSeen(_c: string, _l: string, ids: readonly string[], at: string) {
    for (const id of ids) this.seen.set(id, { at, removed: false });
  }
  async markRemoved(_c: string, _l: string, ids: readonly string[], at: string) {
    for (const id of ids) this.seen.set(id, { at, removed: true });
  }
  async notSeenSince(_c: string, _l: string, before: string, limit: number) {
    return [...this.seen.entries()]
      .filter(([, v]) => !v.removed && v.at < before)
      .map(([id]) => id)
      .slice(0, limit);
  }
  async claimDailySweep(c: string, l: string, day: string) {
    const key = `${c}#${l}#${day}`;
    if (this.sweeps.has(key)) return false;
    this.sweeps.add(key);
    return true;
  }
}

/** SQS with DelaySeconds: messages become visible at their time, never early. */
export class DelayQueue implements SyncQueue {
  readonly pending: { message: SyncMessage; visibleAtMs: number }[] = [];
  readonly sent: { message: SyncMessage; delaySeconds?: number }[] = [];
  constructor(private readonly clock: FakeClock) {}
  async send(messages: readonly { message: SyncMessage; delaySeconds?: number }[]) {
    for (const m of messages) {
      this.sent.push(m);
      this.pending.push({ message: m.message, visibleAtMs: this.clock.ms + (m.delaySeconds ?? 0) * 1000 });
    }
  }
  /** The visible messages, removed from the queue. */
  takeDue(): SyncMessage[] {
    const due = this.pending.filter((p) => p.visibleAtMs <= this.clock.ms);
    for (const d of due) this.pending.splice(this.pending.indexOf(d), 1);
    return due.map((d) => d.message);
  }
}

export function connection(
  platform: ConnectedPlatform = 'google',
  overrides: Partial<Connection> = {},
): Connection {
  return {
    connectionId: 'conn-1',
    supplierId: 'sup-1',
    platform,
    status: 'active',
    locations: [{ locationId: 'loc-1' }],
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...overrides,
  };
}

export function syncWorld(platform: ConnectedPlatform = 'google') {
  const clock = new FakeClock();
  const adapter = new FakeAdapter(platform, clock);
  const connections = new MemoryConnections();
  void connections.put(connection(platform));
  const tokens = new FakeTokens();
  const sink = new MemorySink();
  const limiter = new MemoryLimiter();
  const breakers = new InMemoryBreakerStore();
  const ledger = new MemoryLedger();
  const queue = new DelayQueue(clock);
  const adapters: PlatformAdapters = { adapterFor: (p) => (p === platform ? adapter : undefined) };
  const deps: SyncPageDeps = { connections, adapters, tokens, sink, limiter, breakers, ledger, queue, clock };
  return { clock, adapter, connections, tokens, sink, limiter, breakers, ledger, queue, deps };
}

export const firstMessage = (
  mode: SyncMessage['mode'],
  overrides: Partial<SyncMessage> = {},
): SyncMessage => ({
  kind: 'sync',
  mode,
  connectionId: 'conn-1',
  supplierId: 'sup-1',
  locationId: 'loc-1',
  correlationId: 'corr-1',
  startedAt: '2026-12-03T10:00:00.000Z',
  ...overrides,
});
