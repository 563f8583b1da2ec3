/**
 * The audited client's promises when its stores fail: the platform call's answer or error comes
 * back unchanged; a failing audit write is retried, then parked (never dropped) and counted; a
 * failing statistics write is counted. (The happy path runs against DynamoDB Local and a loopback
 * server in test/integration/platforms/audit-store.test.ts.)
 */
import {
  PlatformCallError,
  type AuditEntry,
  type AuditLog,
  type CallContext,
  type PlatformHttp,
  type PlatformStatsStore,
} from '../../../src/platforms';
import {
  AuditedPlatformHttp,
  type PlatformCallMetrics,
} from '../../../src/platforms/adapters/audited-platform-http';

const context: CallContext = {
  platform: 'yelp',
  operation: 'list',
  supplierId: 'sup_1',
  connectionId: 'con_1',
  correlationId: 'corr_1',
};

class FlakyAuditLog implements AuditLog {
  readonly written: AuditEntry[] = [];
  attempts = 0;
  constructor(private failures: number) {}
  append(entries: readonly AuditEntry[]): Promise<void> {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error('ProvisionedThroughputExceededException'));
    }
    this.written.push(...entries);
    return Promise.resolve();
  }
}

const recorder = () => {
  const counts = { calls: 0, retried: 0, parked: 0, statsFailed: 0 };
  const metrics: PlatformCallMetrics = {
    call: () => void (counts.calls += 1),
    auditRetried: () => void (counts.retried += 1),
    auditParked: (n) => void (counts.parked += n),
    statsWriteFailed: () => void (counts.statsFailed += 1),
  };
  return { counts, metrics };
};

const okStats: PlatformStatsStore = {
  record: () => Promise.resolve(),
  read: () => Promise.resolve({ minutes: [] }),
};

const answering: PlatformHttp = {
  request: () =>
    Promise.resolve({ status: 200, headers: { 'ratelimit-remaining': '7' }, body: '{}', latencyMs: 12 }),
};

function audited(inner: PlatformHttp, audit: AuditLog, stats: PlatformStatsStore = okStats) {
  const { counts, metrics } = recorder();
  const parked: AuditEntry[] = [];
  const http = new AuditedPlatformHttp(inner, {
    audit,
    stats,
    quotaFrom: (_p, headers) => ({ remaining: Number(headers['ratelimit-remaining']), limit: 100 }),
    metrics,
    park: (entries) => parked.push(...entries),
    sleep: () => Promise.resolve(),
  });
  return { http, counts, parked };
}

it('a blip in the audit table is retried: the entry is written once, the call unaffected', async () => {
  const audit = new FlakyAuditLog(1);
  const { http, counts, parked } = audited(answering, audit);
  const response = await http.request(
    { method: 'GET', url: 'https://api.yelp.com/v3/x?token=secret' },
    context,
  );
  expect(response.status).toBe(200);
  expect(audit.written).toHaveLength(1);
  expect(audit.written[0]).toMatchObject({
    platform: 'yelp',
    connectionId: 'con_1',
    action: { kind: 'call', operation: 'list' },
    outcome: 'ok',
    httpStatus: 200,
    latencyMs: 12,
    quotaRemaining: 7,
    correlationId: 'corr_1',
    detail: 'GET api.yelp.com/v3/x',
  });
  expect(counts).toEqual({ calls: 1, retried: 1, parked: 0, statsFailed: 0 });
  expect(parked).toEqual([]);
});

it('an audit table that keeps refusing: the entry is parked whole and counted, the call still answers', async () => {
  const audit = new FlakyAuditLog(10);
  const { http, counts, parked } = audited(answering, audit);
  const response = await http.request({ method: 'GET', url: 'https://api.yelp.com/v3/x' }, context);
  expect(response.status).toBe(200);
  expect(audit.attempts).toBe(3);
  expect(audit.written).toEqual([]);
  expect(parked).toEqual([expect.objectContaining({ correlationId: 'corr_1', outcome: 'ok' })]);
  expect(counts.parked).toBe(1);
});

it('a failed call is audited with its kind and its error comes back unchanged', async () => {
  const error = new PlatformCallError('yelp', 'list', {
    kind: 'retry-later',
    reason: 'no answer in 10000 ms',
  });
  const audit = new FlakyAuditLog(0);
  const { http } = audited({ request: () => Promise.reject(error) }, audit);
  await expect(http.request({ method: 'GET', url: 'https://api.yelp.com/v3/x' }, context)).rejects.toBe(
    error,
  );
  expect(audit.written[0]).toMatchObject({
    outcome: 'retry-later',
    detail: 'GET api.yelp.com/v3/x: no answer in 10000 ms',
  });
  expect(audit.written[0]!.httpStatus).toBeUndefined();
});

it('a failing statistics store is counted and does not touch the call or the audit', async () => {
  const audit = new FlakyAuditLog(0);
  const broken: PlatformStatsStore = { ...okStats, record: () => Promise.reject(new Error('down')) };
  const { http, counts } = audited(answering, audit, broken);
  expect((await http.request({ method: 'GET', url: 'https://api.yelp.com/v3/x' }, context)).status).toBe(200);
  expect(audit.written).toHaveLength(1);
  expect(counts.statsFailed).toBe(1);
});

it('a quota parser that throws is ignored (no quota), never fails the call', async () => {
  const audit = new FlakyAuditLog(0);
  const { metrics } = recorder();
  const http = new AuditedPlatformHttp(answering, {
    audit,
    stats: okStats,
    quotaFrom: () => {
      throw new Error('bad header');
    },
    metrics,
    park: () => undefined,
  });
  expect((await http.request({ method: 'GET', url: 'https://api.yelp.com/v3/x' }, context)).status).toBe(200);
  expect(audit.written[0]!.quotaRemaining).toBeUndefined();
});

it('records how the gate let the call through: the probe flag and the time queued since the breaker read', async () => {
  const audit = new FlakyAuditLog(0);
  let now = 1_000;
  const http = new AuditedPlatformHttp(answering, {
    audit,
    stats: okStats,
    quotaFrom: () => undefined,
    metrics: recorder().metrics,
    park: () => undefined,
    nowMs: () => (now += 5),
  });
  await http.request({ method: 'GET', url: 'https://api.yelp.com/v3/x' }, context);
  await http.request(
    { method: 'GET', url: 'https://api.yelp.com/v3/x' },
    { ...context, gate: { breakerReadAtMs: 900, probe: true, probeId: 'probe-1' } },
  );
  expect(audit.written[0]).not.toHaveProperty('breakerProbe');
  expect(audit.written[0]).not.toHaveProperty('breakerProbeId');
  expect(audit.written[0]).not.toHaveProperty('queuedMs');
  // The second call ended at 1,020 (the clock moves 5 ms a read) and its client timed it at 12 ms:
  // it started at 1,008 as its latency dates it, 108 ms after the breaker read. The audit's numbers
  // add up to the read: at - latencyMs - queuedMs = 900.
  const second = audit.written[1]!;
  expect(second).toMatchObject({
    breakerProbe: true,
    breakerProbeId: 'probe-1',
    queuedMs: 108,
    latencyMs: 12,
  });
  expect(Date.parse(second.at) - second.latencyMs! - second.queuedMs!).toBe(900);
});
