/**
 * The health use cases with in-memory ports: a supplier sees only their connections and the
 * platforms they use; ops sees every platform, lag over all active connections, the most lagging.
 */
import {
  opsIntegrationHealth,
  platformHealthGauges,
  PLATFORM_METRICS,
  supplierIntegrationHealth,
  MINUTE_MS,
  type BreakerStates,
  type BreakerView,
  type CallOutcome,
  type Connection,
  type ConnectionStore,
  type LatestStats,
  type MinuteStats,
  type PlatformStatsStore,
  type StatsScope,
} from '../../../src/platforms';

const NOW = Date.parse('2026-12-03T12:00:30.000Z');
const clock = { now: () => new Date(NOW) };
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

class MemoryConnections implements ConnectionStore {
  constructor(readonly all: Connection[]) {}
  get = (s: string, c: string) =>
    Promise.resolve(this.all.find((x) => x.supplierId === s && x.connectionId === c));
  getById = (c: string) => Promise.resolve(this.all.find((x) => x.connectionId === c));
  list = (s: string) => Promise.resolve(this.all.filter((x) => x.supplierId === s));
  async listActive(limit: number, cursor?: Record<string, unknown>) {
    const active = this.all.filter((x) => x.status === 'active');
    const start = Number(cursor?.offset ?? 0);
    const items = active.slice(start, start + limit);
    return start + limit < active.length ? { items, next: { offset: start + limit } } : { items };
  }
  put = () => Promise.resolve();
  setStatus = () => Promise.resolve(true);
  saveCursor = () => Promise.resolve();
}

class MemoryStats implements PlatformStatsStore {
  readonly minutes = new Map<string, MinuteStats[]>();
  readonly latest = new Map<string, LatestStats>();
  record(_call: CallOutcome): Promise<void> {
    return Promise.resolve();
  }
  read(scope: StatsScope, sinceMs: number) {
    const key = scope.kind === 'platform' ? scope.platform : scope.connectionId;
    const minutes = (this.minutes.get(key) ?? []).filter((m) => m.minuteMs >= sinceMs - MINUTE_MS);
    const latest = this.latest.get(key);
    return Promise.resolve(latest ? { minutes, latest } : { minutes });
  }
}

const breakers = (views: Partial<Record<string, BreakerView>>): BreakerStates => ({
  get: (platform) => Promise.resolve(views[platform] ?? { status: 'closed' }),
});

const conn = (
  id: string,
  supplierId: string,
  platform: Connection['platform'],
  lagMs: number,
  status: Connection['status'] = 'active',
): Connection => ({
  connectionId: id,
  supplierId,
  platform,
  status,
  locations: [{ locationId: `${id}-loc`, lastSyncAt: iso(lagMs) }],
  createdAt: iso(86_400_000),
  updatedAt: iso(86_400_000),
});

const minuteAgo = (n: number, successes: number, failures: number): MinuteStats => ({
  minuteMs: NOW - (NOW % MINUTE_MS) - n * MINUTE_MS,
  successes,
  failures,
  rateLimited: 0,
});

it('a supplier sees their own connections, on the platforms they use, with call figures and lag', async () => {
  const connections = new MemoryConnections([
    conn('con_a1', 'sup_a', 'google', 600_000),
    conn('con_a2', 'sup_a', 'yelp', 60_000, 'reauth-required'),
    conn('con_b1', 'sup_b', 'google', 5_000_000),
  ]);
  const stats = new MemoryStats();
  stats.minutes.set('google', [minuteAgo(1, 9, 1), minuteAgo(30, 10, 0)]);
  stats.latest.set('google', {
    lastSuccessAt: iso(40_000),
    lastFailureAt: iso(70_000),
    lastFailureKind: 'retry-later',
    quota: { remaining: 400, limit: 1000, at: iso(40_000) },
  });
  stats.minutes.set('con_a1', [minuteAgo(2, 3, 1)]);

  const view = await supplierIntegrationHealth('sup_a', {
    connections,
    stats,
    breakers: breakers({ yelp: { status: 'open', openUntil: iso(-30_000) } }),
    clock,
  });

  expect(view.platforms.map((p) => p.platform)).toEqual(['google', 'yelp']);
  const [google, yelp] = view.platforms;
  expect(google).toMatchObject({
    state: 'healthy',
    breaker: { status: 'closed' },
    errorRate5m: 0.1,
    errorRate1h: 0.05,
    calls1h: 20,
    quotaHeadroom: 0.4,
    quotaRemaining: 400,
    lastFailureKind: 'retry-later',
    maxSyncLagSeconds: 600,
  });
  expect(google!.connections).toEqual([
    expect.objectContaining({ connectionId: 'con_a1', syncLagSeconds: 600, errorRate5m: 0.25, calls5m: 4 }),
  ]);
  // Never another supplier's connection, even on the same platform.
  expect(JSON.stringify(view)).not.toContain('con_b1');
  expect(yelp).toMatchObject({ state: 'down', maxSyncLagSeconds: null });
  expect(yelp!.connections).toEqual([
    expect.objectContaining({ connectionId: 'con_a2', status: 'reauth-required', syncLagSeconds: null }),
  ]);
});

it('a supplier without connections gets an empty view', async () => {
  const view = await supplierIntegrationHealth('sup_none', {
    connections: new MemoryConnections([]),
    stats: new MemoryStats(),
    breakers: breakers({}),
    clock,
  });
  expect(view).toEqual({ generatedAt: new Date(NOW).toISOString(), platforms: [] });
});

it('ops sees every platform, lag over all active connections (paged), the 20 most lagging listed', async () => {
  const many = Array.from({ length: 250 }, (_, i) =>
    conn(`con_${i}`, `sup_${i % 7}`, 'trustpilot', (i + 1) * 1000),
  );
  const view = await opsIntegrationHealth({
    connections: new MemoryConnections([...many, conn('con_g', 'sup_x', 'google', 5000, 'reauth-required')]),
    stats: new MemoryStats(),
    breakers: breakers({}),
    clock,
  });
  expect(view.platforms.map((p) => p.platform)).toEqual(['google', 'trustpilot', 'facebook', 'yelp']);
  const trustpilot = view.platforms.find((p) => p.platform === 'trustpilot')!;
  expect(trustpilot.maxSyncLagSeconds).toBe(250);
  expect(trustpilot.connections).toHaveLength(20);
  expect(trustpilot.connections[0]).toMatchObject({ connectionId: 'con_249', syncLagSeconds: 250 });
  // Only active connections are listed for ops (a reauth-required one is not synced, not lagging).
  expect(view.platforms.find((p) => p.platform === 'google')!.connections).toEqual([]);
  expect(view.truncated).toBeUndefined();
});

it('the gauges cover every active connection (no scan cap), every platform, and the re-auth counts', async () => {
  // More than the ops view reads (2,000): the worst lag is the 2,400th connection's.
  const many = Array.from({ length: 2400 }, (_, i) => conn(`con_${i}`, 'sup_1', 'google', (i + 1) * 1000));
  const stats = new MemoryStats();
  stats.latest.set('yelp', { quota: { remaining: 10, limit: 200, at: iso(60_000) } });
  const statusReads: string[] = [];
  const gauges = await platformHealthGauges({
    connections: new MemoryConnections([...many, conn('con_t', 'sup_2', 'trustpilot', 30_000)]),
    stats,
    breakers: breakers({ google: { status: 'open' } }),
    statusCounts: {
      countByStatus: (status) => {
        statusReads.push(status);
        return Promise.resolve({ facebook: 3 });
      },
    },
    clock,
  });
  const value = (name: string, platform: string) =>
    gauges.find((g) => g.name === name && g.platform === platform)?.value;
  expect(statusReads).toEqual(['reauth-required']);
  expect(value(PLATFORM_METRICS.breakerOpen, 'google')).toBe(1);
  expect(value(PLATFORM_METRICS.breakerOpen, 'yelp')).toBe(0);
  expect(value(PLATFORM_METRICS.syncLag, 'google')).toBe(2400);
  expect(value(PLATFORM_METRICS.syncLag, 'trustpilot')).toBe(30);
  expect(value(PLATFORM_METRICS.syncLag, 'facebook')).toBeUndefined();
  expect(value(PLATFORM_METRICS.quotaHeadroom, 'yelp')).toBe(5);
  expect(value(PLATFORM_METRICS.connectionsAwaitingReauth, 'facebook')).toBe(3);
  expect(value(PLATFORM_METRICS.connectionsAwaitingReauth, 'google')).toBe(0);
});
