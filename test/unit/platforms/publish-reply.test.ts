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
  let stored: ReviewReply | undefined;
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
      recordReply: async (_supplierId, _reviewId, reply) => {
        if (
          stored &&
          stored.requestedAt !== undefined &&
          (stored.requestedAt > reply.requestedAt! ||
            (stored.requestedAt === reply.requestedAt && stored.state !== 'pending'))
        ) {
          return false;
        }
        stored = reply;
        states.push(reply);
        return true;
      },
    },
    events: { publish: async (events) => void published.push(...events) },
    queue: { send: async (messages) => void sent.push(...messages) },
    clock: { now: () => NOW },
  };
  return { deps, calls, states, published, sent, refreshes: () => refreshes };
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
    expect(f.sent).toEqual([{ message: { ...message(), deferrals: 1 }, delaySeconds: 31 }]);
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
