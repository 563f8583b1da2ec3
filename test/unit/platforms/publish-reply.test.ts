/**
 * The reply worker's use case with in-memory fakes of its ports (ConnectionStore, TokenProvider,
 * a fake PlatformAdapter, the review's reply state, the event publisher and the Replies queue).
 */
import {
  PlatformCallError,
  processReplyBatch,
  publishReply,
  MAX_RETRY_LATER_HOPS,
  type Connection,
  type ConnectedPlatform,
  type PlatformAdapter,
  type PlatformFailure,
  type PublishReplyDeps,
  type ReplyMessage,
} from '../../../src/platforms';
import { buildOutboundEvent, type OutboundEventType } from '../../../src/events/outbound';
import type { DomainEvent } from '../../../src/events';
import type { ReviewReply } from '../../../src/reviews';
import { decide } from '../../../src/platforms';
import { PLATFORM_BREAKER_CONFIG } from '../../../src/platforms/domain/platform-breaker';
import { InMemoryBreakerStore, report, type BreakerState } from '../../../src/shared/circuit-breaker';
import { MemoryLimiter } from './sync-fakes';

const NOW = new Date('2026-06-21T10:00:05.000Z');

const connection: Connection = {
  connectionId: 'con_1',
  supplierId: 'sup_1',
  platform: 'google',
  status: 'active',
  locations: [{ locationId: 'accounts/1/locations/2' }],
  createdAt: '2026-06-01T00:00:00.000Z',
  updatedAt: '2026-06-01T00:00:00.000Z',
};

const message = (fields: Partial<ReplyMessage> = {}): ReplyMessage => ({
  kind: 'reply',
  connectionId: 'con_1',
  supplierId: 'sup_1',
  locationId: 'accounts/1/locations/2',
  reviewId: 'rev_1',
  externalId: 'g-1',
  platform: 'google',
  comment: 'Thank you!',
  requestedAt: '2026-06-21T10:00:00.000Z',
  correlationId: 'cor_1',
  ...fields,
});

/** A platform adapter whose answers the test scripts: each call takes the next one. */
function fakeAdapter(answers: (PlatformFailure | 'ok' | 'moderated')[], supportsReplies = true) {
  const calls: { operation: string; token: string; comment?: string }[] = [];
  const next = (operation: 'reply' | 'delete-reply') => {
    const answer = answers.shift() ?? 'ok';
    if (answer === 'ok' || answer === 'moderated') return answer;
    throw new PlatformCallError('google', operation, answer);
  };
  const adapter: PlatformAdapter = {
    platform: 'google',
    supportsReplies,
    maxReplyLength: 4096,
    listChanges: () => Promise.reject(new Error('not used')),
    get: () => Promise.reject(new Error('not used')),
    reply: async (credentials, _location, _externalId, comment) => {
      calls.push({ operation: 'reply', token: credentials.accessToken, comment });
      return { state: next('reply') === 'moderated' ? 'pending' : 'published' };
    },
    deleteReply: async (credentials) => {
      calls.push({ operation: 'delete-reply', token: credentials.accessToken });
      next('delete-reply');
    },
    verifyNotification: () => ({ kind: 'rejected', status: 403, reason: 'not used' }),
  };
  return { adapter, calls };
}

function fakes(options: {
  answers?: (PlatformFailure | 'ok' | 'moderated')[];
  connection?: Connection | undefined;
  supportsReplies?: boolean;
  refreshFails?: boolean;
}) {
  const { adapter, calls } = fakeAdapter(options.answers ?? [], options.supportsReplies);
  const states: ReviewReply[] = [];
  const published: DomainEvent[] = [];
  const sent: { message: ReplyMessage; delaySeconds?: number }[] = [];
  let refreshes = 0;
  let nowMs = NOW.getTime();
  const limiter = new MemoryLimiter();
  const breakers = new InMemoryBreakerStore();
  const storedByReview = new Map<string, ReviewReply>();
  const stored_ = 'connection' in options ? options.connection : connection;
  const deps: PublishReplyDeps = {
    connections: {
      get: async (supplierId, id) =>
        stored_ && stored_.supplierId === supplierId && stored_.connectionId === id ? stored_ : undefined,
      getById: async () => stored_,
      list: async () => (stored_ ? [stored_] : []),
      listActive: async () => ({ items: [] }),
      put: async () => undefined,
      setStatus: async () => true,
      saveCursor: async () => undefined,
    },
    tokens: {
      credentialsFor: async () => ({ accessToken: 'token-1' }),
      refreshAfterRejection: async (c, context) => {
        refreshes += 1;
        if (options.refreshFails) {
          throw new PlatformCallError(c.platform, context.operation, {
            kind: 'reauth-required',
            reason: 'invalid_grant',
          });
        }
        return { accessToken: 'token-2' };
      },
    },
    adapters: Object.fromEntries(
      (['google', 'trustpilot', 'facebook', 'yelp'] as ConnectedPlatform[]).map((p) => [p, adapter]),
    ) as Record<ConnectedPlatform, PlatformAdapter>,
    // The same ordering rule as the DynamoDB adapter: newer requests win, final states stay.
    replies: {
      recordReply: async (_supplierId, reviewId, reply) => {
        const stored = storedByReview.get(reviewId);
        if (
          stored &&
          stored.requestedAt !== undefined &&
          (stored.requestedAt > reply.requestedAt! ||
            (stored.requestedAt === reply.requestedAt && stored.state !== 'pending'))
        ) {
          return false;
        }
        storedByReview.set(reviewId, reply);
        states.push(reply);
        return true;
      },
    },
    events: { publish: async (events) => void published.push(...events) },
    queue: { send: async (messages) => void sent.push(...messages) },
    limiter,
    breakers,
    clock: { now: () => new Date(nowMs) },
  };
  return {
    deps,
    calls,
    states,
    published,
    sent,
    limiter,
    breakers,
    refreshes: () => refreshes,
    advance: (ms: number) => void (nowMs += ms),
    nowMs: () => nowMs,
    breaker: async (): Promise<BreakerState | undefined> => (await breakers.get('google'))?.state,
  };
}

const envelope = (event: DomainEvent) =>
  buildOutboundEvent({
    id: event.id,
    type: event.type as OutboundEventType,
    time: event.time,
    subject: event.subject,
    data: event.data as never,
  });

describe('publishReply', () => {
  it('publishes the reply, records pending then published, and announces review.replied', async () => {
    const f = fakes({});
    expect(await publishReply(message(), f.deps)).toEqual({ kind: 'published', platform: 'google' });
    expect(f.calls).toEqual([{ operation: 'reply', token: 'token-1', comment: 'Thank you!' }]);
    expect(f.states.map((s) => s.state)).toEqual(['pending', 'published']);
    expect(f.published).toHaveLength(1);
    expect(f.published[0]).toMatchObject({
      type: 'review.replied',
      subject: 'rev_1',
      data: { action: 'reply', state: 'published', platform: 'google' },
    });
    expect(() => envelope(f.published[0]!)).not.toThrow();
  });

  it('does nothing twice: a redelivered finished request is superseded, no second call or event', async () => {
    const f = fakes({});
    await publishReply(message(), f.deps);
    expect(await publishReply(message(), f.deps)).toEqual({ kind: 'superseded' });
    expect(f.calls).toHaveLength(1);
    expect(f.published).toHaveLength(1);
  });

  it('keeps pending (with a reason) when the platform moderates replies first', async () => {
    const f = fakes({ answers: ['moderated'] });
    expect(await publishReply(message(), f.deps)).toMatchObject({ kind: 'pending' });
    expect(f.states.at(-1)).toMatchObject({
      state: 'pending',
      reason: 'the platform moderates replies first',
    });
    expect(f.published[0]!.data).toMatchObject({ state: 'pending' });
  });

  it('refreshes once on a refused access token and calls again with the new one', async () => {
    const f = fakes({ answers: [{ kind: 'auth-expired', reason: '401' }, 'ok'] });
    expect(await publishReply(message(), f.deps)).toMatchObject({ kind: 'published' });
    expect(f.refreshes()).toBe(1);
    expect(f.calls.map((c) => c.token)).toEqual(['token-1', 'token-2']);
  });

  it('fails reauth-required when the refresh token is dead, and when the new token is refused too', async () => {
    const dead = fakes({ answers: [{ kind: 'auth-expired', reason: '401' }], refreshFails: true });
    expect(await publishReply(message(), dead.deps)).toMatchObject({
      kind: 'failed',
      failure: 'reauth-required',
    });
    const twice = fakes({
      answers: [
        { kind: 'auth-expired', reason: '401' },
        { kind: 'auth-expired', reason: '401 again' },
      ],
    });
    expect(await publishReply(message(), twice.deps)).toMatchObject({
      kind: 'failed',
      failure: 'reauth-required',
    });
    expect(twice.refreshes()).toBe(1);
    expect(twice.calls).toHaveLength(2);
  });

  it('defers a rate-limited reply by the platform wait, as a new delayed message, with no failure', async () => {
    const f = fakes({
      answers: [{ kind: 'rate-limited', reason: '429', waitMs: 30_500, window: 'minute' }],
    });
    expect(await publishReply(message(), f.deps)).toMatchObject({ kind: 'deferred', delaySeconds: 31 });
    // A wait, not a failed attempt: the retry count stays.
    expect(f.sent).toEqual([{ message: { ...message(), deferrals: 0 }, delaySeconds: 31 }]);
    expect(f.states.map((s) => s.state)).toEqual(['pending']);
    expect(f.published).toEqual([]);
  });

  it('caps a long wait at SQS’s 15 minutes per hop', async () => {
    const f = fakes({
      answers: [{ kind: 'rate-limited', reason: 'daily cap', waitMs: 6 * 3600_000, window: 'day' }],
    });
    expect(await publishReply(message(), f.deps)).toMatchObject({ kind: 'deferred', delaySeconds: 900 });
  });

  it('backs off transient failures, then fails after the last hop', async () => {
    const transient: PlatformFailure = { kind: 'retry-later', reason: '503' };
    const first = fakes({ answers: [transient] });
    expect(await publishReply(message(), first.deps)).toMatchObject({ kind: 'deferred', delaySeconds: 5 });
    const later = fakes({ answers: [transient] });
    expect(await publishReply(message({ deferrals: 3 }), later.deps)).toMatchObject({ delaySeconds: 40 });
    const last = fakes({ answers: [transient] });
    expect(await publishReply(message({ deferrals: MAX_RETRY_LATER_HOPS }), last.deps)).toMatchObject({
      kind: 'failed',
      failure: 'permanent',
    });
    expect(last.sent).toEqual([]);
  });

  it.each([
    [{ kind: 'permanent', reason: 'comment too long', status: 400 } as PlatformFailure, 'permanent'],
    [{ kind: 'unsupported', reason: 'error 12' } as PlatformFailure, 'unsupported'],
    [{ kind: 'reauth-required', reason: 'page token expired' } as PlatformFailure, 'reauth-required'],
  ])('fails for good on %o, with review.reply_failed and no retry', async (failure, expected) => {
    const f = fakes({ answers: [failure] });
    expect(await publishReply(message(), f.deps)).toMatchObject({ kind: 'failed', failure: expected });
    expect(f.sent).toEqual([]);
    expect(f.states.at(-1)).toMatchObject({ state: 'failed', reason: failure.reason });
    expect(f.published[0]).toMatchObject({ type: 'review.reply_failed', data: { failure: expected } });
    expect(() => envelope(f.published[0]!)).not.toThrow();
  });

  it('fails without calling the platform when the connection is gone, not active, or has no replies', async () => {
    const gone = fakes({ connection: undefined });
    expect(await publishReply(message(), gone.deps)).toMatchObject({
      kind: 'failed',
      failure: 'not-connected',
    });
    expect(gone.published[0]).toMatchObject({ type: 'review.reply_failed', data: { platform: 'google' } });
    const reauth = fakes({
      connection: { ...connection, status: 'reauth-required', statusReason: 'revoked' },
    });
    expect(await publishReply(message(), reauth.deps)).toMatchObject({
      failure: 'reauth-required',
      reason: 'the google connection is reauth-required (revoked)',
    });
    const none = fakes({ supportsReplies: false });
    expect(await publishReply(message(), none.deps)).toMatchObject({ failure: 'unsupported' });
    for (const f of [gone, reauth, none]) expect(f.calls).toEqual([]);
  });

  it('deletes a reply', async () => {
    const f = fakes({});
    const del = message({
      kind: 'delete-reply',
      comment: undefined,
      requestedAt: '2026-06-21T10:01:00.000Z',
    });
    delete (del as { comment?: string }).comment;
    expect(await publishReply(del, f.deps)).toMatchObject({ kind: 'published' });
    expect(f.calls).toEqual([{ operation: 'delete-reply', token: 'token-1' }]);
    expect(f.published[0]!.data).toMatchObject({ action: 'delete-reply' });
  });

  it('lets an older request be superseded by a newer one already recorded', async () => {
    const f = fakes({});
    await publishReply(message({ requestedAt: '2026-06-21T11:00:00.000Z' }), f.deps);
    expect(await publishReply(message(), f.deps)).toEqual({ kind: 'superseded' });
  });
});

describe('processReplyBatch', () => {
  it('acknowledges published, failed and deferred messages; returns invalid and erroring ones', async () => {
    const f = fakes({
      answers: ['ok', { kind: 'rate-limited', reason: '429', waitMs: 1000, window: 'second' }],
    });
    const outcomes: string[] = [];
    let storeDown = false;
    const replies = f.deps.replies;
    const failed = await processReplyBatch(
      [
        { messageId: 'a', body: JSON.stringify(message({ reviewId: 'rev_a' })) },
        { messageId: 'b', body: JSON.stringify(message({ reviewId: 'rev_b' })) },
        { messageId: 'c', body: '{"kind":"reply"}' },
        { messageId: 'd', body: 'not json' },
      ],
      { ...f.deps, onOutcome: (id, outcome) => outcomes.push(`${id}:${outcome.kind}`) },
    );
    expect(failed.sort()).toEqual(['c', 'd']);
    expect(outcomes.sort()).toEqual(['a:published', 'b:deferred', 'c:invalid', 'd:invalid']);
    storeDown = true;
    const down = await processReplyBatch(
      [{ messageId: 'e', body: JSON.stringify(message({ reviewId: 'rev_e' })) }],
      {
        ...f.deps,
        onOutcome: (id, outcome) => outcomes.push(`${id}:${outcome.kind}`),
        replies: {
          recordReply: (...args) =>
            storeDown ? Promise.reject(new Error('store down')) : replies.recordReply(...args),
        },
      },
    );
    expect(outcomes).toContain('e:error');
    expect(down).toEqual(['e']);
  });

  it('publishes without an outcome listener too', async () => {
    const f = fakes({});
    expect(await processReplyBatch([{ messageId: 'a', body: JSON.stringify(message()) }], f.deps)).toEqual(
      [],
    );
    expect(f.calls).toHaveLength(1);
  });
});

/** Opens the shared google breaker as a sync worker's failures would, `outageMs` after they began. */
async function openBreaker(
  breakers: InMemoryBreakerStore,
  nowMs: number,
  outageMs = 0,
): Promise<BreakerState> {
  let state: BreakerState | undefined;
  for (let i = 0; i < PLATFORM_BREAKER_CONFIG.openAfterConsecutiveFailures; i += 1) {
    const at = i === 0 ? nowMs - outageMs : nowMs;
    state = (await report(breakers, 'google', 'failure', { nowMs: at, config: PLATFORM_BREAKER_CONFIG }))
      .state;
  }
  expect(state!.status).toBe('open');
  return state!;
}

describe('publishReply behind the platform breaker and the token buckets', () => {
  it('waits while the breaker is open: no call, a delayed copy to the end of the cool-down, no failure counted', async () => {
    const f = fakes({});
    const open = await openBreaker(f.breakers, f.nowMs(), 100_000); // cool-down 1/20 of 100 s = 5 s
    const outcome = await publishReply(message({ deferrals: 2 }), f.deps);
    expect(outcome).toEqual({ kind: 'deferred', delaySeconds: 5, reason: 'breaker-open' });
    expect(open.openUntilMs! - f.nowMs()).toBe(5000);
    expect(f.calls).toEqual([]);
    expect(f.sent).toEqual([{ message: message({ deferrals: 2 }), delaySeconds: 5 }]);
    expect(f.states.map((s) => s.state)).toEqual(['pending']);
    expect(f.published).toEqual([]);
    // Nothing taken from the buckets either: 5 replies to that location still go at once afterwards.
    expect(
      (await f.limiter.take(['google/app', 'google/location/accounts/1/locations/2'], 5, f.nowMs())).ok,
    ).toBe(true);
  });

  it('past the cool-down one reply is the probe: its success closes the breaker and it is published', async () => {
    const f = fakes({});
    const open = await openBreaker(f.breakers, f.nowMs());
    f.advance(open.openUntilMs! - f.nowMs());
    expect(await publishReply(message(), f.deps)).toEqual({ kind: 'published', platform: 'google' });
    expect(f.calls).toHaveLength(1);
    expect((await f.breaker())!.status).toBe('closed');
  });

  it('while the probe is out, other replies wait a second at most; a failed probe re-opens and is not counted', async () => {
    const f = fakes({ answers: [{ kind: 'retry-later', reason: '503' }] });
    const open = await openBreaker(f.breakers, f.nowMs(), 200_000);
    f.advance(open.openUntilMs! - f.nowMs());
    // Another worker holds the probe (as acquire would record it) while this one asks.
    const probing: BreakerState = {
      ...open,
      status: 'half-open',
      probe: { id: 'other', leaseUntilMs: f.nowMs() + 25_000 },
    };
    const { version } = (await f.breakers.get('google'))!;
    await f.breakers.compareAndSet('google', version, probing);
    expect(await publishReply(message({ reviewId: 'rev_2' }), f.deps)).toEqual({
      kind: 'deferred',
      delaySeconds: 1,
      reason: 'probe-in-flight',
    });
    expect(f.calls).toEqual([]);
    // The lease ends without a report: this reply probes, the platform is still down.
    f.advance(25_000);
    const outcome = await publishReply(message({ deferrals: 4 }), f.deps);
    const reopened = (await f.breaker())!;
    expect(reopened.status).toBe('open');
    expect(outcome).toMatchObject({
      kind: 'deferred',
      delaySeconds: Math.ceil((reopened.openUntilMs! - f.nowMs()) / 1000),
    });
    expect(f.calls).toHaveLength(1);
    expect(f.sent.at(-1)!.message.deferrals).toBe(4);
  });

  it('counts 5xx and timeouts into the breaker: the third in a row opens it and that reply waits for the probe', async () => {
    const transient: PlatformFailure = { kind: 'retry-later', reason: 'timeout' };
    const f = fakes({ answers: [transient, transient, transient] });
    for (const reviewId of ['rev_1', 'rev_2']) {
      expect(await publishReply(message({ reviewId }), f.deps)).toMatchObject({
        kind: 'deferred',
        delaySeconds: 5,
      });
    }
    expect((await f.breaker())!).toMatchObject({ status: 'closed', consecutiveFailures: 2 });
    const third = await publishReply(message({ reviewId: 'rev_3' }), f.deps);
    const state = (await f.breaker())!;
    expect(state.status).toBe('open');
    // The base cool-down (1 s), not the 5 s backoff: the first call after it is the probe.
    expect(third).toMatchObject({ kind: 'deferred', delaySeconds: 1 });
    expect(f.sent.map((s) => s.message.deferrals)).toEqual([1, 1, 1]);
    // A fourth reply now waits without calling.
    expect(await publishReply(message({ reviewId: 'rev_4' }), f.deps)).toMatchObject({
      reason: 'breaker-open',
    });
    expect(f.calls).toHaveLength(3);
  });

  it('a permanent 4xx is an answer from a healthy platform: it fails the reply and clears the failure run', async () => {
    const f = fakes({
      answers: [
        { kind: 'retry-later', reason: '502' },
        { kind: 'retry-later', reason: '502' },
        { kind: 'permanent', reason: '400 INVALID_ARGUMENT' },
      ],
    });
    await publishReply(message({ reviewId: 'rev_1' }), f.deps);
    await publishReply(message({ reviewId: 'rev_2' }), f.deps);
    expect(await publishReply(message({ reviewId: 'rev_3' }), f.deps)).toMatchObject({
      kind: 'failed',
      failure: 'permanent',
    });
    const state = (await f.breaker())!;
    expect(state.status).toBe('closed');
    expect(state.consecutiveFailures).toBeUndefined();
  });

  it('a success on a healthy platform writes nothing to the breaker', async () => {
    const f = fakes({});
    await publishReply(message(), f.deps);
    expect(await f.breakers.get('google')).toBeUndefined();
  });

  it('takes a token per call from the app and location buckets: an empty bucket defers, not counted', async () => {
    const f = fakes({});
    // The location bucket holds 5 (google: 1 more per second).
    for (let i = 0; i < 5; i += 1) {
      expect(await publishReply(message({ reviewId: `rev_${i}` }), f.deps)).toMatchObject({
        kind: 'published',
      });
    }
    expect(await publishReply(message({ reviewId: 'rev_5', deferrals: 1 }), f.deps)).toEqual({
      kind: 'deferred',
      delaySeconds: 1,
      reason: 'quota',
    });
    expect(f.calls).toHaveLength(5);
    expect(f.sent).toEqual([{ message: message({ reviewId: 'rev_5', deferrals: 1 }), delaySeconds: 1 }]);
    // Another location shares the app bucket only, which refills at 5/s: one second later both go.
    f.advance(1000);
    expect(await publishReply(message({ reviewId: 'rev_5' }), f.deps)).toMatchObject({ kind: 'published' });
    expect(
      await publishReply(message({ reviewId: 'rev_6', locationId: 'accounts/1/locations/3' }), f.deps),
    ).toMatchObject({ kind: 'published' });
  });

  it('a platform 429 drains the app bucket for its wait: the next reply to any location waits too', async () => {
    const f = fakes({ answers: [{ kind: 'rate-limited', reason: '429', waitMs: 20_000, window: 'minute' }] });
    expect(await publishReply(message(), f.deps)).toMatchObject({ kind: 'deferred', delaySeconds: 20 });
    expect(
      await publishReply(message({ reviewId: 'rev_2', locationId: 'accounts/1/locations/3' }), f.deps),
    ).toMatchObject({ kind: 'deferred', reason: 'quota', delaySeconds: 21 }); // 20 s + 0.2 s for a token at 5/s
    expect(f.calls).toHaveLength(1);
    // Not an outage.
    expect(await f.breakers.get('google')).toBeUndefined();
  });

  it('the call after a token refresh takes its own token; none left means a wait, not a failure', async () => {
    const f = fakes({ answers: [{ kind: 'auth-expired', reason: '401' }] });
    // Four tokens left at the location: the first call takes one, the retry after the refresh another.
    await f.limiter.take(['google/location/accounts/1/locations/2'], 4, f.nowMs());
    expect(await publishReply(message(), f.deps)).toEqual({
      kind: 'deferred',
      delaySeconds: 1,
      reason: 'quota',
    });
    expect(f.refreshes()).toBe(1);
    expect(f.calls).toHaveLength(1);
    expect(f.sent[0]!.message.deferrals).toBe(0);
  });

  it('a probe whose retry after a refresh finds no token is given back: the next reply probes at once', async () => {
    const f = fakes({ answers: [{ kind: 'auth-expired', reason: '401' }] });
    const open = await openBreaker(f.breakers, f.nowMs());
    f.advance(open.openUntilMs! - f.nowMs());
    // One token left at the location: the probe's first call takes it, its retry finds none.
    await f.limiter.take(['google/location/accounts/1/locations/2'], 4, f.nowMs());
    expect(await publishReply(message(), f.deps)).toMatchObject({ kind: 'deferred', reason: 'quota' });
    const released = (await f.breaker())!;
    expect(released.status).toBe('half-open');
    expect(released.probe).toBeUndefined();
    // Another location's reply is the next probe (not a wait for the first one's lease); it closes the breaker.
    const elsewhere = message({ locationId: 'accounts/1/locations/3', reviewId: 'rev_2' });
    expect(await publishReply(elsewhere, f.deps)).toEqual({ kind: 'published', platform: 'google' });
    expect((await f.breaker())!.status).toBe('closed');
  });

  it('a probe that ends on our own failure (the store) is given back, and the failure is what the caller sees', async () => {
    const f = fakes({});
    const open = await openBreaker(f.breakers, f.nowMs());
    f.advance(open.openUntilMs! - f.nowMs());
    const tokens = f.deps.tokens;
    const deps: PublishReplyDeps = {
      ...f.deps,
      tokens: { ...tokens, credentialsFor: async () => Promise.reject(new Error('token vault unreadable')) },
    };
    await expect(publishReply(message(), deps)).rejects.toThrow('token vault unreadable');
    expect(f.calls).toEqual([]);
    expect((await f.breaker())!.probe).toBeUndefined();
  });

  it('a reported probe is left as reported: a failed one keeps the breaker open', async () => {
    const f = fakes({ answers: [{ kind: 'retry-later', reason: '503' }] });
    const open = await openBreaker(f.breakers, f.nowMs());
    f.advance(open.openUntilMs! - f.nowMs());
    expect(await publishReply(message(), f.deps)).toMatchObject({ kind: 'deferred' });
    expect((await f.breaker())!.status).toBe('open');
  });
});

describe('decide (a failed reply call)', () => {
  const transient: PlatformFailure = { kind: 'retry-later', reason: '503' };
  it('a failed probe waits for the new cool-down and is not counted, even past the last hop', () => {
    expect(
      decide(transient, MAX_RETRY_LATER_HOPS, { nowMs: 0, probe: true, breakerOpenUntilMs: 7_200 }),
    ).toEqual({ kind: 'defer', delaySeconds: 8, counted: false });
  });
  it('a failure that leaves the breaker open waits for its cool-down, counted', () => {
    expect(decide(transient, 0, { nowMs: 0, probe: false, breakerOpenUntilMs: 1_000 })).toEqual({
      kind: 'defer',
      delaySeconds: 1,
      counted: true,
    });
    expect(decide(transient, 2, { nowMs: 0, probe: false })).toEqual({
      kind: 'defer',
      delaySeconds: 20,
      counted: true,
    });
  });
  it('a platform 429 is a wait, never counted', () => {
    expect(decide({ kind: 'rate-limited', reason: '429', waitMs: 1500, window: 'second' }, 11)).toEqual({
      kind: 'defer',
      delaySeconds: 2,
      counted: false,
    });
  });
});
