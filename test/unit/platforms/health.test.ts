/** The health figures: error rates over 5 min and 1 h, quota headroom, sync lag, state, gauges, breaker view. */
import {
  callHealth,
  errorRate,
  healthMetrics,
  platformState,
  quotaHeadroom,
  syncLagSeconds,
  MINUTE_MS,
  PLATFORM_METRICS,
  type ConnectionHealth,
  type MinuteStats,
  type PlatformHealth,
} from '../../../src/platforms';
import type { Connection } from '../../../src/platforms';
import { breakerView } from '../../../src/platforms/adapters/breaker-states';
import { headroomOf, outcomeOfStatus } from '../../../src/platforms/adapters/audited-platform-http';

const NOW = Date.parse('2026-12-03T12:00:30.000Z');
const minute = (minutesAgo: number, successes: number, failures: number, rateLimited = 0): MinuteStats => ({
  minuteMs: NOW - (NOW % MINUTE_MS) - minutesAgo * MINUTE_MS,
  successes,
  failures,
  rateLimited,
});

describe('errorRate', () => {
  const minutes = [minute(0, 8, 2), minute(4, 5, 5), minute(5, 0, 10), minute(30, 90, 0), minute(61, 0, 100)];

  it('counts the minutes inside the window: 5 min and 1 h differ', () => {
    // 5 min window from 11:55:30: minutes starting 11:55 (partly inside) ... 12:00; 11:55 = 5 ago.
    expect(errorRate(minutes, NOW, 5 * MINUTE_MS)).toEqual({ rate: 17 / 30, calls: 30 });
    expect(errorRate(minutes, NOW, 60 * MINUTE_MS)).toEqual({ rate: 17 / 120, calls: 120 });
  });

  it('is null without calls, not zero', () => {
    expect(errorRate([], NOW, 5 * MINUTE_MS)).toEqual({ rate: null, calls: 0 });
    expect(errorRate([minute(30, 3, 0)], NOW, 5 * MINUTE_MS).rate).toBeNull();
  });

  it('ignores minutes after now (a clock ahead on another worker)', () => {
    expect(errorRate([minute(-2, 0, 9)], NOW, 5 * MINUTE_MS).calls).toBe(0);
  });
});

describe('quotaHeadroom', () => {
  const at = new Date(NOW - 60_000).toISOString();
  it('takes the reported headroom, else remaining / limit, clamped to 0..1', () => {
    expect(quotaHeadroom({ headroom: 0.25, at }, NOW)).toBe(0.25);
    expect(quotaHeadroom({ remaining: 50, limit: 5000, at }, NOW)).toBe(0.01);
    expect(quotaHeadroom({ remaining: 9000, limit: 5000, at }, NOW)).toBe(1);
    expect(quotaHeadroom({ remaining: 5, at }, NOW)).toBeNull();
    expect(quotaHeadroom(undefined, NOW)).toBeNull();
  });

  it('forgets a report older than a day', () => {
    expect(quotaHeadroom({ headroom: 0.5, at: new Date(NOW - 25 * 3600_000).toISOString() }, NOW)).toBeNull();
  });

  it('comes from usage ratios or remaining counts in the audited client', () => {
    expect(headroomOf({ usedRatio: 0.9 })).toBeCloseTo(0.1, 10);
    expect(headroomOf({ remaining: 250, limit: 5000 })).toBe(0.05);
    expect(headroomOf({ remaining: 250 })).toBeUndefined();
  });
});

const connection = (overrides: Partial<Connection> = {}): Connection => ({
  connectionId: 'con_1',
  supplierId: 'sup_1',
  platform: 'google',
  status: 'active',
  locations: [
    { locationId: 'l1', lastSyncAt: new Date(NOW - 120_000).toISOString() },
    { locationId: 'l2', lastSyncAt: new Date(NOW - 900_000).toISOString() },
  ],
  createdAt: new Date(NOW - 86_400_000).toISOString(),
  updatedAt: new Date(NOW - 86_400_000).toISOString(),
  ...overrides,
});

describe('syncLagSeconds', () => {
  it('is the least recently synced location', () => {
    expect(syncLagSeconds(connection(), NOW)).toBe(900);
  });

  it('counts a never-synced location from the connection creation', () => {
    const c = connection({
      locations: [{ locationId: 'l1' }, { locationId: 'l2', lastSyncAt: new Date(NOW).toISOString() }],
    });
    expect(syncLagSeconds(c, NOW)).toBe(86_400);
  });

  it('is null for connections that do not sync (not active, or no location)', () => {
    expect(syncLagSeconds(connection({ status: 'reauth-required' }), NOW)).toBeNull();
    expect(syncLagSeconds(connection({ locations: [] }), NOW)).toBeNull();
  });
});

describe('platform state and gauges', () => {
  const healthy = callHealth([minute(1, 10, 0)], undefined, NOW);
  const conn = (status: Connection['status'], lag: number | null): ConnectionHealth => ({
    ...healthy,
    connectionId: `con_${status}`,
    supplierId: 'sup_1',
    platform: 'google',
    status,
    syncLagSeconds: lag,
  });

  it('is down with an open breaker, degraded on errors, re-auth, low quota or a probe, else healthy', () => {
    expect(platformState(healthy, { status: 'open' }, [])).toBe('down');
    expect(platformState(healthy, { status: 'half-open' }, [])).toBe('degraded');
    expect(platformState(callHealth([minute(1, 1, 1)], undefined, NOW), { status: 'closed' }, [])).toBe(
      'degraded',
    );
    expect(platformState(healthy, { status: 'closed' }, [conn('reauth-required', null)])).toBe('degraded');
    const low = callHealth([], { quota: { remaining: 1, limit: 100, at: new Date(NOW).toISOString() } }, NOW);
    expect(platformState(low, { status: 'closed' }, [])).toBe('degraded');
    expect(platformState(healthy, { status: 'closed' }, [conn('active', 10)])).toBe('healthy');
  });

  it('publishes breaker, lag and error rate per platform; nothing invented when unknown', () => {
    const platform = (overrides: Partial<PlatformHealth>): PlatformHealth => ({
      ...healthy,
      platform: 'google',
      breaker: { status: 'closed' },
      maxSyncLagSeconds: null,
      connections: [],
      state: 'healthy',
      ...overrides,
    });
    const gauges = healthMetrics([
      platform({ breaker: { status: 'open' }, maxSyncLagSeconds: 700, errorRate5m: 0.25 }),
      platform({ platform: 'yelp', errorRate5m: null }),
    ]);
    expect(gauges).toEqual([
      { name: PLATFORM_METRICS.breakerOpen, platform: 'google', unit: 'Count', value: 1 },
      { name: PLATFORM_METRICS.syncLag, platform: 'google', unit: 'Seconds', value: 700 },
      { name: PLATFORM_METRICS.errorRate5m, platform: 'google', unit: 'Percent', value: 25 },
      { name: PLATFORM_METRICS.breakerOpen, platform: 'yelp', unit: 'Count', value: 0 },
    ]);
  });
});

describe('healthMetrics: the gauges the SyncScheduler publishes', () => {
  const healthy = callHealth([minute(1, 10, 0)], undefined, NOW);
  const platform = (overrides: Partial<PlatformHealth>): PlatformHealth => ({
    ...healthy,
    platform: 'google',
    breaker: { status: 'closed' },
    maxSyncLagSeconds: null,
    connections: [],
    state: 'healthy',
    ...overrides,
  });
  const valueOf = (gauges: ReturnType<typeof healthMetrics>, name: string, p = 'google') =>
    gauges.find((g) => g.name === name && g.platform === p)?.value;

  it('counts a breaker as open until it closes again: half-open (probing) is 1, closed and unknown are 0', () => {
    const gauges = healthMetrics([
      platform({ platform: 'google', breaker: { status: 'open', openUntil: new Date(NOW).toISOString() } }),
      platform({ platform: 'trustpilot', breaker: { status: 'half-open' } }),
      platform({ platform: 'facebook', breaker: { status: 'closed' } }),
      platform({ platform: 'yelp', breaker: { status: 'unknown' } }),
    ]);
    expect(
      gauges.filter((g) => g.name === PLATFORM_METRICS.breakerOpen).map((g) => [g.platform, g.value]),
    ).toEqual([
      ['google', 1],
      ['trustpilot', 1],
      ['facebook', 0],
      ['yelp', 0],
    ]);
  });

  it('publishes the quota headroom in percent when a fresh report gives it, never invented', () => {
    const low = callHealth([], { quota: { remaining: 3, limit: 300, at: new Date(NOW).toISOString() } }, NOW);
    const gauges = healthMetrics([platform({ ...low, platform: 'yelp' }), platform({ platform: 'google' })]);
    expect(gauges).toContainEqual({
      name: PLATFORM_METRICS.quotaHeadroom,
      platform: 'yelp',
      unit: 'Percent',
      value: 1,
    });
    expect(valueOf(gauges, PLATFORM_METRICS.quotaHeadroom, 'google')).toBeUndefined();
  });

  it('counts the connections awaiting re-authorisation per platform (0 when none), only when counted', () => {
    const both = [platform({ platform: 'google' }), platform({ platform: 'facebook' })];
    const gauges = healthMetrics(both, { facebook: 2 });
    expect(valueOf(gauges, PLATFORM_METRICS.connectionsAwaitingReauth, 'facebook')).toBe(2);
    expect(valueOf(gauges, PLATFORM_METRICS.connectionsAwaitingReauth, 'google')).toBe(0);
    expect(healthMetrics(both).some((g) => g.name === PLATFORM_METRICS.connectionsAwaitingReauth)).toBe(
      false,
    );
    // The event count the re-auth alarm sums is another metric: a gauge under its name would page forever.
    expect(PLATFORM_METRICS.connectionsAwaitingReauth).not.toBe(PLATFORM_METRICS.reauthRequired);
  });
});

describe('breakerView (the PlatformBreakers item state)', () => {
  it('reads the shared breaker state; past its cool-down an open breaker is half-open in effect', () => {
    const open = JSON.stringify({ status: 'open', openUntilMs: NOW + 30_000, buckets: [], openCount: 1 });
    expect(breakerView(open, NOW)).toEqual({
      status: 'open',
      openUntil: new Date(NOW + 30_000).toISOString(),
    });
    expect(breakerView(open, NOW + 30_000)).toEqual({ status: 'half-open' });
    expect(breakerView(JSON.stringify({ status: 'closed', buckets: [], openCount: 0 }), NOW)).toEqual({
      status: 'closed',
    });
  });

  it('shows a state it cannot read as unknown, never fails', () => {
    expect(breakerView('not json', NOW)).toEqual({ status: 'unknown' });
    expect(breakerView(JSON.stringify({ status: 'melted' }), NOW)).toEqual({ status: 'unknown' });
  });
});

describe('outcomeOfStatus', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [401, 'auth-expired'],
    [429, 'rate-limited'],
    [408, 'retry-later'],
    [503, 'retry-later'],
    [400, 'permanent'],
    [404, 'permanent'],
    [302, 'permanent'],
  ])('%i -> %s', (status, outcome) => expect(outcomeOfStatus(status)).toBe(outcome));
});
