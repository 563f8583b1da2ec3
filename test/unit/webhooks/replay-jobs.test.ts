/**
 * Replay jobs: the state machine, the per-endpoint admission rule (one job in progress, N an
 * hour, stale jobs abandoned), and the job runner over in-memory ports with a fake clock: every
 * subscribed event is enqueued once, across chunks, hand-overs and a crash mid-job.
 */
import {
  admitReplay,
  afterChunk,
  canTransition,
  DEFAULT_REPLAY_POLICY,
  HOUR_MS,
  newReplayJob,
  type ReplayJob,
  type ReplayLimitState,
  type ReplayMessage,
} from '../../../src/webhooks/domain/replay-job';
import {
  deliveryIdFor,
  type DeliveryMessage,
  type DeliveryState,
  type LoggedEvent,
  type WebhookEndpoint,
} from '../../../src/webhooks/domain/webhook';
import {
  runReplayJob,
  startReplay,
  type ReplayWorkerDeps,
} from '../../../src/webhooks/use-cases/replay-jobs';
import type { Page, ReplayJobStore } from '../../../src/webhooks/ports';
import { ProblemError } from '../../../src/shared/problem';

const T0 = Date.parse('2026-06-01T12:00:00.000Z');
const policy = { ...DEFAULT_REPLAY_POLICY, chunkSize: 100, timeBudgetMs: 20_000 };

describe('the job state machine', () => {
  it('moves queued -> running -> completed, and fails only from queued or running', () => {
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('queued', 'failed')).toBe(true);
    expect(canTransition('running', 'running')).toBe(true);
    expect(canTransition('running', 'completed')).toBe(true);
    expect(canTransition('queued', 'completed')).toBe(false);
    for (const to of ['queued', 'running', 'completed', 'failed'] as const) {
      expect(canTransition('completed', to)).toBe(false);
      expect(canTransition('failed', to)).toBe(false);
    }
  });

  it('adds a chunk to the counts and moves the cursor, completing at the end of the log', () => {
    const job = newReplayJob(
      { jobId: 'rpl_1', supplierId: 's', endpointId: 'e' },
      '2026-06-01T00:00:00.000Z',
      'a',
    );
    const one = afterChunk(job, { found: 3, enqueued: 2, next: { pk: 'x' } }, 'b');
    expect(one).toMatchObject({
      status: 'running',
      counts: { found: 3, enqueued: 2 },
      chunks: 1,
      cursor: { pk: 'x' },
    });
    const two = afterChunk(one, { found: 1, enqueued: 1 }, 'c');
    expect(two).toMatchObject({
      status: 'completed',
      counts: { found: 4, enqueued: 3 },
      chunks: 2,
      finishedAt: 'c',
    });
    expect(two).not.toHaveProperty('cursor');
  });
});

describe('admission (rate limit)', () => {
  it('admits the first job and records it as the one in progress', () => {
    expect(admitReplay(undefined, undefined, 'rpl_1', T0, policy)).toEqual({
      ok: true,
      next: { starts: [T0], activeJobId: 'rpl_1', version: 1 },
    });
  });

  it('refuses a second job while one is queued or running, with a short Retry-After', () => {
    const state: ReplayLimitState = { starts: [T0], activeJobId: 'rpl_1', version: 1 };
    for (const status of ['queued', 'running'] as const) {
      expect(admitReplay(state, { status, updatedAtMs: T0 + 1000 }, 'rpl_2', T0 + 2000, policy)).toEqual({
        ok: false,
        reason: 'in-progress',
        retryAfterSeconds: policy.busyRetryAfterSeconds,
      });
    }
  });

  it('admits the next job once the previous finished, and abandons one without progress for too long', () => {
    const state: ReplayLimitState = { starts: [T0], activeJobId: 'rpl_1', version: 4 };
    const finished = admitReplay(state, { status: 'completed', updatedAtMs: T0 }, 'rpl_2', T0 + 1000, policy);
    expect(finished).toMatchObject({ ok: true, next: { activeJobId: 'rpl_2', version: 5 } });
    expect(finished).not.toHaveProperty('abandons');
    const stale = admitReplay(
      state,
      { status: 'running', updatedAtMs: T0 },
      'rpl_2',
      T0 + policy.staleAfterMs,
      policy,
    );
    expect(stale).toMatchObject({ ok: true, abandons: 'rpl_1' });
  });

  it('allows N jobs per sliding hour, then answers when the oldest leaves the hour', () => {
    let state: ReplayLimitState | undefined;
    const starts: number[] = [];
    for (let i = 0; i < policy.perHour; i += 1) {
      const at = T0 + i * 60_000;
      const admission = admitReplay(state, { status: 'completed', updatedAtMs: at }, `rpl_${i}`, at, policy);
      if (!admission.ok) throw new Error(`job ${i} refused`);
      state = admission.next;
      starts.push(at);
    }
    expect(state!.starts).toEqual(starts);
    const now = T0 + 30 * 60_000;
    expect(admitReplay(state, { status: 'completed', updatedAtMs: now }, 'rpl_x', now, policy)).toEqual({
      ok: false,
      reason: 'hourly-limit',
      retryAfterSeconds: (T0 + HOUR_MS - now) / 1000,
    });
    // An hour after the first start, one slot is free again and old starts are dropped.
    const later = admitReplay(
      state,
      { status: 'completed', updatedAtMs: now },
      'rpl_y',
      T0 + HOUR_MS,
      policy,
    );
    expect(later).toMatchObject({ ok: true });
    if (later.ok) expect(later.next.starts).toHaveLength(policy.perHour);
  });
});

// ---- The runner over in-memory ports -------------------------------------------------------

const endpoint: WebhookEndpoint = {
  endpointId: 'whe_00000000000000000000000001',
  supplierId: 'sup_a',
  url: 'https://hooks.example.com/h',
  eventTypes: ['review.received'],
  enabled: true,
  secrets: { current: 'whsec_x' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

class World {
  nowMs = T0;
  readonly clock = { now: () => new Date(this.nowMs) };
  readonly events: LoggedEvent[] = [];
  readonly deliveries = new Map<string, DeliveryState>();
  readonly sent: DeliveryMessage[] = [];
  readonly replayMessages: { message: ReplayMessage; delaySeconds: number }[] = [];
  readonly jobs = new Map<string, ReplayJob>();
  limit: ReplayLimitState | undefined;
  /** Throws on this send (1-based), once: a crash mid-chunk. */
  failOnSend?: number;
  sends = 0;
  /** Milliseconds the clock moves per delivery send (a slow job). */
  tickPerSend = 0;
  owners = 0;

  constructor(count: number) {
    for (let i = 0; i < count; i += 1) {
      this.events.push({
        supplierId: 'sup_a',
        eventId: `evt_${String(i).padStart(4, '0')}`,
        eventType: i % 5 === 4 ? 'review.negative' : 'review.received',
        time: new Date(T0 - 3600_000 + i * 1000).toISOString(),
        body: `{"n":${i}}`,
        loggedAtMs: T0 - 3600_000 + i * 1000,
      });
    }
  }

  readonly store: ReplayJobStore = {
    getJob: async (id) => this.jobs.get(id),
    getLimit: async () => this.limit,
    admit: async (job, limit) => {
      if ((this.limit?.version ?? 0) !== limit.version - 1) return false;
      this.limit = limit;
      this.jobs.set(job.jobId, job);
      return true;
    },
    acquire: async (id, owner, leaseUntilMs, nowMs, nowIso) => {
      const job = this.jobs.get(id);
      if (!job || (job.status !== 'queued' && job.status !== 'running')) return undefined;
      if (job.leaseUntilMs !== undefined && job.leaseUntilMs >= nowMs && job.leaseOwner !== owner)
        return undefined;
      const taken: ReplayJob = {
        ...job,
        status: 'running',
        leaseOwner: owner,
        leaseUntilMs,
        updatedAt: nowIso,
      };
      this.jobs.set(id, taken);
      return taken;
    },
    release: async (id, owner) => {
      const job = this.jobs.get(id);
      if (job?.leaseOwner === owner) this.jobs.set(id, { ...job, leaseUntilMs: 0 });
    },
    checkpoint: async (job, owner, leaseUntilMs) => {
      const current = this.jobs.get(job.jobId);
      if (current?.status !== 'running' || current.leaseOwner !== owner) return false;
      this.jobs.set(job.jobId, {
        ...current,
        counts: job.counts,
        chunks: job.chunks,
        cursor: job.cursor,
        updatedAt: job.updatedAt,
        leaseUntilMs,
      });
      return true;
    },
    finish: async (job, owner) => {
      const current = this.jobs.get(job.jobId);
      if (current?.status !== 'running' || current.leaseOwner !== owner) return false;
      const { leaseOwner: _o, leaseUntilMs: _l, cursor: _c, ...rest } = job;
      this.jobs.set(job.jobId, rest);
      if (this.limit?.activeJobId === job.jobId)
        this.limit = { starts: this.limit.starts, version: this.limit.version };
      return true;
    },
  };

  /** What the delivery worker would do with a message: claim (first copy wins) and deliver. */
  deliverAll(): void {
    for (const message of this.sent.splice(0)) {
      const state = this.deliveries.get(message.deliveryId);
      if (!state) {
        this.deliveries.set(message.deliveryId, {
          deliveryId: message.deliveryId,
          supplierId: message.supplierId,
          endpointId: message.endpointId,
          eventId: message.eventId,
          eventType: message.eventType,
          status: 'delivered',
          attempt: message.attempt,
          roundStart: message.attempt,
          dueAtMs: message.dueAtMs,
          createdAtMs: message.createdAtMs,
          ...(message.replayJobId ? { replayJobId: message.replayJobId } : {}),
        });
        this.received.set(message.eventId, (this.received.get(message.eventId) ?? 0) + 1);
      } else if (state.status === 'pending' && state.attempt === message.attempt) {
        this.deliveries.set(message.deliveryId, { ...state, status: 'delivered' });
        this.received.set(message.eventId, (this.received.get(message.eventId) ?? 0) + 1);
      }
    }
  }
  readonly received = new Map<string, number>();

  deps(): ReplayWorkerDeps {
    return {
      endpoints: { get: async () => endpoint },
      eventLog: {
        eventsSince: async (_t, _s, limit, cursor): Promise<Page<LoggedEvent>> => {
          const from = cursor ? Number(cursor.i) : 0;
          const items = this.events.slice(from, from + limit);
          return {
            items,
            ...(from + limit < this.events.length ? { next: { i: String(from + limit) } } : {}),
          };
        },
      },
      deliveries: {
        getDelivery: async (id) => this.deliveries.get(id),
        restart: async (id, expected, next, due, replayJobId) => {
          const state = this.deliveries.get(id);
          if (
            !state ||
            state.attempt !== expected ||
            state.status === 'pending' ||
            state.status === 'in-flight'
          )
            return false;
          this.deliveries.set(id, {
            ...state,
            status: 'pending',
            attempt: next,
            roundStart: next,
            dueAtMs: due,
            ...(replayJobId ? { replayJobId } : {}),
          });
          return true;
        },
      },
      deliveryQueue: {
        send: async (messages) => {
          for (const { message } of messages) {
            this.sends += 1;
            if (this.sends === this.failOnSend) {
              this.failOnSend = undefined;
              throw new Error('queue unavailable');
            }
            this.nowMs += this.tickPerSend;
            this.sent.push(message);
          }
        },
      },
      replayJobs: this.store,
      replayQueue: {
        send: async (message, delaySeconds = 0) => void this.replayMessages.push({ message, delaySeconds }),
      },
      clock: this.clock,
      policy,
      newOwner: () => `own_${(this.owners += 1)}`,
    };
  }

  async start(): Promise<ReplayMessage> {
    const view = await startReplay('sup_a', endpoint.endpointId, new Date(T0 - 2 * 3600_000).toISOString(), {
      endpoints: { get: async () => endpoint },
      replayJobs: this.store,
      replayQueue: { send: async (message) => void this.replayMessages.push({ message, delaySeconds: 0 }) },
      clock: this.clock,
      replayPolicy: policy,
      replayMaxDays: 14,
    });
    expect(view).toMatchObject({ status: 'queued', counts: { found: 0, enqueued: 0 } });
    return this.replayMessages.shift()!.message;
  }
}

const subscribed = (world: World) => world.events.filter((e) => e.eventType === 'review.received');

describe('running a job', () => {
  it('pages through 250 events in chunks and enqueues each subscribed event once', async () => {
    const world = new World(250);
    const message = await world.start();
    const outcome = await runReplayJob(message, world.deps());
    expect(outcome.kind).toBe('completed');
    world.deliverAll();
    const job = world.jobs.get(message.jobId)!;
    expect(job).toMatchObject({ status: 'completed', counts: { found: 200, enqueued: 200 }, chunks: 3 });
    expect(world.received.size).toBe(200);
    expect([...world.received.values()].every((n) => n === 1)).toBe(true);
    expect(world.limit?.activeJobId).toBeUndefined();
  });

  it('restarts delivered deliveries and leaves those on their way alone', async () => {
    const world = new World(10);
    const [delivered, pending] = subscribed(world);
    for (const [event, status] of [
      [delivered!, 'delivered'],
      [pending!, 'pending'],
    ] as const) {
      const deliveryId = deliveryIdFor(event.eventId, endpoint.endpointId);
      world.deliveries.set(deliveryId, {
        deliveryId,
        supplierId: 'sup_a',
        endpointId: endpoint.endpointId,
        eventId: event.eventId,
        eventType: event.eventType,
        status,
        attempt: 1,
        roundStart: 1,
        dueAtMs: T0,
        createdAtMs: T0,
      });
    }
    const message = await world.start();
    await runReplayJob(message, world.deps());
    expect(world.jobs.get(message.jobId)!.counts).toEqual({ found: 8, enqueued: 7 });
    const restarted = world.deliveries.get(deliveryIdFor(delivered!.eventId, endpoint.endpointId))!;
    expect(restarted).toMatchObject({ status: 'pending', attempt: 2, replayJobId: message.jobId });
  });

  it('resumes from its cursor after a crash and still delivers each event once', async () => {
    const world = new World(250);
    // Previously delivered events too: a resumed job must not restart them a second time.
    for (const event of subscribed(world).slice(0, 150)) {
      const deliveryId = deliveryIdFor(event.eventId, endpoint.endpointId);
      world.deliveries.set(deliveryId, {
        deliveryId,
        supplierId: 'sup_a',
        endpointId: endpoint.endpointId,
        eventId: event.eventId,
        eventType: event.eventType,
        status: 'delivered',
        attempt: 1,
        roundStart: 1,
        dueAtMs: T0,
        createdAtMs: T0,
      });
    }
    const message = await world.start();
    world.failOnSend = 130; // in the second chunk
    await expect(runReplayJob(message, world.deps())).rejects.toThrow('queue unavailable');
    // The messages sent before the crash are delivered meanwhile.
    world.deliverAll();
    const crashed = world.jobs.get(message.jobId)!;
    expect(crashed).toMatchObject({
      status: 'running',
      chunks: 1,
      counts: { found: 80, enqueued: 80 },
      leaseUntilMs: 0,
    });
    // The message comes back: the job goes on from chunk 2, at once (the lease was given up).
    const outcome = await runReplayJob(message, world.deps());
    expect(outcome.kind).toBe('completed');
    world.deliverAll();
    expect(world.jobs.get(message.jobId)!.counts).toEqual({ found: 200, enqueued: 200 });
    expect(world.received.size).toBe(200);
    expect([...world.received.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  });

  it('hands over to a fresh message when over its time budget, and a busy job hops', async () => {
    const world = new World(300);
    world.tickPerSend = 150; // 100 sends = 15 s: the budget runs out during the second chunk
    const message = await world.start();
    const first = await runReplayJob(message, world.deps());
    expect(first.kind).toBe('handed-over');
    expect(world.replayMessages).toEqual([{ message, delaySeconds: 0 }]);
    const handedOver = world.jobs.get(message.jobId)!;
    expect(handedOver.chunks).toBe(2);
    // A duplicate copy while another invocation holds the job: sent again for when the lease ends.
    world.replayMessages.length = 0;
    await world.store.acquire(message.jobId, 'someone', world.nowMs + 40_000, world.nowMs, 'x');
    expect((await runReplayJob(message, world.deps())).kind).toBe('busy');
    expect(world.replayMessages[0]!.delaySeconds).toBe(41);
    // Once that lease has run out, the hop takes the job and completes it.
    world.nowMs += 41_000;
    expect((await runReplayJob(message, world.deps())).kind).toBe('completed');
    world.deliverAll();
    expect(world.received.size).toBe(240);
    expect([...world.received.values()].every((n) => n === 1)).toBe(true);
    // A late copy finds the job finished.
    expect((await runReplayJob(message, world.deps())).kind).toBe('skipped');
  });

  it('answers 429 with Retry-After for a second replay while one is queued', async () => {
    const world = new World(1);
    await world.start();
    const second = world.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = (await second) as ProblemError;
    expect(error).toBeInstanceOf(ProblemError);
    expect(error.problem.status).toBe(429);
    expect(error.headers['retry-after']).toBe(String(policy.busyRetryAfterSeconds));
  });
});
