/**
 * The reply worker's use case: publish (or delete) the supplier's reply on the review's platform,
 * behind the platform's circuit breaker and within its token buckets (the SyncWorker's own, shared).
 */
import * as z from '../../shared/zod';
import type { EventPublisher } from '../../events';
import type { Clock } from '../../shared/clock';
import type { ReviewReply } from '../../reviews';
import type { BreakerStore } from '../../shared/circuit-breaker';
import type { Connection, ReplyMessage } from '../domain/connection';
import { isPlatformCallError, type ConnectedPlatform, type PlatformFailure } from '../domain/platform';
import { bucketsFor } from '../domain/quota-policy';
import {
  decide,
  replyDelaySeconds,
  replyFailedEvent,
  repliedEvent,
  replyMessageSchema,
  type ReplyFailure,
} from '../domain/replies';
import type {
  CallContext,
  ConnectionStore,
  Credentials,
  PlatformAdapter,
  RateLimiter,
  ReplyQueue,
  TokenProvider,
} from '../ports';
import {
  admit,
  gateOf,
  releaseUnreportedProbe,
  reportCall,
  take,
  type Admission,
  type GateWaitReason,
} from './platform-gate';

/** Where the reply's state is kept: on the review (the reviews capability's repository). */
export interface ReplyStateStore {
  /** False when refused: no such review, a newer request, or this request already finished. */
  recordReply(supplierId: string, reviewId: string, reply: ReviewReply): Promise<boolean>;
}

export interface PublishReplyDeps {
  readonly connections: ConnectionStore;
  readonly tokens: TokenProvider;
  readonly adapters: Readonly<Record<ConnectedPlatform, PlatformAdapter>>;
  readonly replies: ReplyStateStore;
  readonly events: EventPublisher;
  /** The Replies queue, for deferred messages (DelaySeconds hops). */
  readonly queue: ReplyQueue;
  /** The platforms' token buckets, shared with the SyncWorker (RateLimits table). */
  readonly limiter: RateLimiter;
  /** The platforms' circuit breakers, shared with the SyncWorker (PlatformBreakers table). */
  readonly breakers: BreakerStore;
  readonly clock: Clock;
}

export type ReplyOutcome =
  | { readonly kind: 'published' | 'pending'; readonly platform: ConnectedPlatform }
  | { readonly kind: 'failed'; readonly failure: ReplyFailure; readonly reason: string }
  | { readonly kind: 'deferred'; readonly delaySeconds: number; readonly reason: string }
  /** A newer request for the review exists, this one already finished, or the review is gone. */
  | { readonly kind: 'superseded' }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * 1. Record the reply as pending on the review (ordered by request time: a request that is
 *    superseded or already finished stops here, so a redelivery does nothing twice).
 * 2. Find the connection (absent or not active: fail), the platform's adapter (no replies by
 *    API: fail).
 * 3. The platform gate (platform-gate.ts): breaker open or another worker's probe out, or the
 *    buckets (platform app + the review's location) empty -> wait: re-send the message with the
 *    delay, its retry count unchanged, nothing called. A breaker past its cool-down: this call is
 *    the probe (one worker wins it).
 * 4. Credentials, then reply / deleteReply. A refused access token (auth-expired) is refreshed
 *    once and the call made again (another token from the buckets); a dead refresh token fails
 *    the reply (reauth-required). The result goes into the breaker: a transient failure (5xx,
 *    timeout) counts, a success closes a probing breaker, a 4xx is an answer, not an outage.
 * 5. Rate-limited or transiently failing: re-send the message with a delay (a new message, the
 *    old one is deleted: a deferral never counts towards the DLQ's receive count). Permanent,
 *    unsupported or reauth-required: fail, never retried.
 * 6. Announce review.replied or review.reply_failed (ids per request, so a redelivery repeats
 *    the same id), then record the final state on the review.
 * Anything unexpected (store or queue down) throws: the message is retried, then the DLQ.
 */
export async function publishReply(message: ReplyMessage, deps: PublishReplyDeps): Promise<ReplyOutcome> {
  const reply = (state: ReviewReply['state'], extra: { reason?: string } = {}): ReviewReply => ({
    action: message.kind,
    state,
    source: 'api',
    ...(message.comment !== undefined ? { comment: message.comment } : {}),
    requestedAt: message.requestedAt,
    updatedAt: deps.clock.now().toISOString(),
    ...extra,
  });
  if (!(await deps.replies.recordReply(message.supplierId, message.reviewId, reply('pending')))) {
    return { kind: 'superseded' };
  }
  const fail = async (platform: ConnectedPlatform | undefined, failure: ReplyFailure, reason: string) => {
    const time = deps.clock.now().toISOString();
    if (platform) await deps.events.publish([replyFailedEvent(message, platform, failure, reason, time)]);
    await deps.replies.recordReply(message.supplierId, message.reviewId, reply('failed', { reason }));
    return { kind: 'failed', failure, reason } as const;
  };

  const connection = await deps.connections.get(message.supplierId, message.connectionId);
  if (!connection) return fail(message.platform, 'not-connected', 'the platform connection no longer exists');
  const platform = connection.platform;
  if (connection.status !== 'active') {
    const failure: ReplyFailure =
      connection.status === 'reauth-required' ? 'reauth-required' : 'not-connected';
    return fail(
      platform,
      failure,
      `the ${platform} connection is ${connection.status}${reasonSuffix(connection)}`,
    );
  }
  const adapter = deps.adapters[platform];
  if (!adapter.supportsReplies) return fail(platform, 'unsupported', `${platform} offers no replies by API`);
  if (message.kind === 'reply' && (message.comment ?? '') === '') {
    return fail(platform, 'permanent', 'a reply needs a comment');
  }

  const defer = async (delaySeconds: number, counted: boolean, reason: string): Promise<ReplyOutcome> => {
    await deps.queue.send([
      {
        message: { ...message, platform, deferrals: retryHops(message) + (counted ? 1 : 0) },
        delaySeconds,
      },
    ]);
    return { kind: 'deferred', delaySeconds, reason };
  };
  const wait = (w: { reason: GateWaitReason; delayMs: number }) =>
    defer(replyDelaySeconds(w.delayMs), false, w.reason);

  const buckets = bucketsFor(platform, message.locationId);
  const admission = await admit(deps, platform, buckets);
  if (admission.kind === 'wait') return wait(admission);
  try {
    const context: CallContext = {
      platform,
      operation: message.kind,
      supplierId: message.supplierId,
      connectionId: connection.connectionId,
      correlationId: message.correlationId,
      gate: gateOf(admission),
    };
    const call = (credentials: Credentials) =>
      message.kind === 'reply'
        ? adapter.reply(credentials, message.locationId, message.externalId, message.comment ?? '', context)
        : adapter
            .deleteReply(credentials, message.locationId, message.externalId, context)
            .then(() => ({ state: 'published' as const }));

    let state: 'published' | 'pending';
    try {
      state = (await callWithOneRefresh(connection, context, call, deps.tokens, () => take(deps, buckets)))
        .state;
    } catch (error) {
      if (error instanceof TokensWait) return wait(error.wait);
      if (!isPlatformCallError(error)) throw error;
      const after = await reportCall(deps, platform, admission, error.failure);
      const decision = decide(error.failure, retryHops(message), {
        nowMs: deps.clock.now().getTime(),
        probe: admission.probeId !== undefined,
        ...(after.status === 'open' && after.openUntilMs !== undefined
          ? { breakerOpenUntilMs: after.openUntilMs }
          : {}),
      });
      if (decision.kind === 'fail') return fail(platform, decision.failure, decision.reason);
      return defer(decision.delaySeconds, decision.counted, describe(error.failure));
    }
    await reportCall(deps, platform, admission, undefined);
    const time = deps.clock.now().toISOString();
    await deps.events.publish([repliedEvent(message, platform, state, time)]);
    await deps.replies.recordReply(
      message.supplierId,
      message.reviewId,
      state === 'published'
        ? reply('published')
        : reply('pending', { reason: 'the platform moderates replies first' }),
    );
    return { kind: state, platform };
  } finally {
    // A probe claimed here and not reported (a wait for tokens, our own failure) goes back.
    await releaseUnreportedProbe(deps, platform, admission);
  }
}

/** The second call of an attempt found the buckets empty: the message waits. */
class TokensWait extends Error {
  constructor(readonly wait: Extract<Admission, { kind: 'wait' }>) {
    super('no token for the call after a refresh');
  }
}

/** One call; on a refused access token, one refresh and one more call (which takes its own token). */
async function callWithOneRefresh<T>(
  connection: Connection,
  context: CallContext,
  call: (credentials: Credentials) => Promise<T>,
  tokens: TokenProvider,
  takeToken: () => Promise<Extract<Admission, { kind: 'wait' }> | undefined>,
): Promise<T> {
  const credentials = await tokens.credentialsFor(connection, context);
  try {
    return await call(credentials);
  } catch (error) {
    if (!isPlatformCallError(error) || error.failure.kind !== 'auth-expired') throw error;
    const fresh = await tokens.refreshAfterRejection(connection, context);
    const refused = await takeToken();
    if (refused) throw new TokensWait(refused);
    return call(fresh);
  }
}

/**
 * Failed attempts so far (the message's `deferrals`): only transient failures of calls that were
 * not the breaker's probe count; waits for the breaker, the buckets or a platform's 429 never do.
 */
const retryHops = (message: ReplyMessage) => message.deferrals ?? 0;

const reasonSuffix = (connection: Connection) =>
  connection.statusReason ? ` (${connection.statusReason})` : '';

const describe = (failure: PlatformFailure) => `${failure.kind}: ${failure.reason}`;

/** Parses a queued body; the reason when it can never be a reply message. */
export function parseReplyMessage(
  body: string,
): { ok: true; message: ReplyMessage } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'message body is not JSON' };
  }
  const parsed = replyMessageSchema().safeParse(raw);
  return parsed.success
    ? { ok: true, message: parsed.data }
    : { ok: false, reason: z.prettifyError(parsed.error).slice(0, 500) };
}

export interface QueuedReply {
  readonly messageId: string;
  readonly body: string;
}

/**
 * A batch from the Replies queue, each message on its own. Returned (for a partial batch
 * response) are the ids of messages that failed unexpectedly, and of invalid ones: those can
 * never succeed and so reach the DLQ, where its alarm calls a person. A deferred message was
 * re-sent with a delay and counts as done (deleted from the batch).
 */
export async function processReplyBatch(
  messages: readonly QueuedReply[],
  deps: PublishReplyDeps & {
    readonly onOutcome?: (
      messageId: string,
      outcome: ReplyOutcome | { kind: 'error'; error: unknown },
    ) => void;
  },
): Promise<string[]> {
  const failed: string[] = [];
  await Promise.all(
    messages.map(async ({ messageId, body }) => {
      const parsed = parseReplyMessage(body);
      if (!parsed.ok) {
        deps.onOutcome?.(messageId, { kind: 'invalid', reason: parsed.reason });
        failed.push(messageId);
        return;
      }
      try {
        // Awaited first: an optional call would skip evaluating its arguments without a listener.
        const outcome = await publishReply(parsed.message, deps);
        deps.onOutcome?.(messageId, outcome);
      } catch (error) {
        deps.onOutcome?.(messageId, { kind: 'error', error });
        failed.push(messageId);
      }
    }),
  );
  return failed;
}
