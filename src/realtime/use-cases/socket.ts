/**
 * The WebSocket routes, as API Gateway calls them (and the local server, with the same events):
 * - `$connect`: the `token` query parameter must be a valid connection token (401 without one or
 *   with a bad one, 403 when it has expired); the connection is stored with its grant, for at most
 *   API Gateway's 2 hours.
 * - `$disconnect`: the connection and its subscriptions are removed.
 * - `subscribe`: the channel must parse and the grant must entitle it (else an error frame, and
 *   nothing is stored). With `lastEventId`, the events after it (up to an hour old) are sent
 *   first, in order; without, the subscription starts at the channel's head. Then `subscribed`
 *   says how many were sent (`resumed`) and the seq of the last one before it (`lastSeq`); every
 *   later event comes after it. See `subscribe` below for how that holds against the live fan-out.
 * - `unsubscribe`, `ping` (answered `pong`), `$default` (an error frame saying what to send).
 * Answers go through the management API (as the fan-out's events do), so they are ordered with
 * the events the subscribe sends.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock';
import { channelName, grantFor, isEntitled, parseChannel } from '../domain/channels';
import { ConnectionTokenError, verifyConnectionToken } from '../domain/connection-token';
import { MAX_RELEASE_ROUNDS, SUBSCRIBE_HOLD_MS } from '../domain/hold';
import { frame, parseClientFrame, type ErrorCode } from '../domain/protocol';
import type { ChannelLog, ConnectionMessenger, ConnectionStore, Hold } from '../ports';
import { deliverTo } from './deliver';

/** API Gateway closes a WebSocket connection after 2 hours whatever happens. */
export const MAX_CONNECTION_SECONDS = 2 * 3600;
/** Resume reaches this far back (the channel log keeps events a little longer). */
export const RESUME_WINDOW_SECONDS = 3600;

export interface SocketDeps {
  readonly keys: { keyRing(): Promise<readonly string[]> };
  readonly connections: ConnectionStore;
  readonly log: ChannelLog;
  readonly messenger: ConnectionMessenger;
  readonly clock: Clock;
}

export type ConnectOutcome =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly status: 401 | 403; readonly reason: string };

export async function connect(
  connectionId: string,
  token: string | undefined,
  deps: SocketDeps,
): Promise<ConnectOutcome> {
  if (!token) return { accepted: false, status: 401, reason: 'missing token query parameter' };
  const now = deps.clock.now();
  let grant;
  try {
    grant = verifyConnectionToken(token, await deps.keys.keyRing(), now).grant;
  } catch (error) {
    if (error instanceof ConnectionTokenError) {
      return error.reason === 'expired'
        ? { accepted: false, status: 403, reason: 'token expired: request a new one' }
        : { accepted: false, status: 401, reason: `token ${error.reason}` };
    }
    throw error;
  }
  await deps.connections.putConnection({
    connectionId,
    grant,
    connectedAtMs: now.getTime(),
    expiresAt: Math.floor(now.getTime() / 1000) + MAX_CONNECTION_SECONDS,
  });
  return { accepted: true };
}

export async function disconnect(connectionId: string, deps: Pick<SocketDeps, 'connections'>): Promise<void> {
  await deps.connections.removeConnection(connectionId);
}

async function reply(deps: SocketDeps, connectionId: string, data: string): Promise<void> {
  if ((await deps.messenger.post(connectionId, data)) === 'gone') {
    await deps.connections.removeConnection(connectionId);
  }
}

const error = (code: ErrorCode, message: string, channel?: string) =>
  frame({ type: 'error', code, message, ...(channel ? { channel } : {}) });

/** A frame on `subscribe`, `unsubscribe`, `ping` or `$default`: validated whatever the route was. */
export async function onMessage(
  connectionId: string,
  body: string | null | undefined,
  deps: SocketDeps,
): Promise<void> {
  const parsed = parseClientFrame(body);
  if (parsed.kind === 'invalid') return reply(deps, connectionId, error(parsed.code, parsed.message));
  if (parsed.kind === 'ping') {
    return reply(deps, connectionId, frame({ type: 'pong', time: deps.clock.now().toISOString() }));
  }
  const requested = parsed.frame.channel;
  const channel = parseChannel(requested);
  if (!channel) {
    return reply(
      deps,
      connectionId,
      error(
        'unknown-channel',
        'channels are supplier:<id>:reviews, wedding:<id>:schedule, wedding:<id>:budget',
        requested,
      ),
    );
  }
  const name = channelName(channel);
  // One answer for "not yours" whatever exists behind it: no probing other tenants' channels.
  const forbidden = () =>
    reply(
      deps,
      connectionId,
      error('forbidden-channel', 'this connection may not subscribe to this channel', name),
    );
  if (parsed.kind === 'unsubscribe') {
    const connection = await deps.connections.getConnection(connectionId);
    // A frame racing `$disconnect` (or after the 2 hours): nothing to answer to.
    if (!connection) return;
    if (!isEntitled(connection.grant, channel)) return forbidden();
    const removed = await deps.connections.unsubscribe(connectionId, name);
    return reply(
      deps,
      connectionId,
      removed
        ? frame({ type: 'unsubscribed', channel: name })
        : error('not-subscribed', 'not subscribed to this channel', name),
    );
  }
  // Subscribe: the log's reads first, then one conditional write that checks the connection
  // (open, and holding the one grant that entitles this channel) as it stores the subscription, so
  // the connection is not read first. Nothing read here is answered before that check.
  const head = await deps.log.head(name);
  let start = head;
  const lastEventId = parsed.frame.lastEventId;
  const seq = lastEventId === undefined ? undefined : await deps.log.seqOf(name, lastEventId);
  if (seq !== undefined) start = seq;
  // Stored held by this subscribe (ADR 0034), so no live event comes before its answers.
  const hold: Hold = { holder: randomUUID(), forMs: SUBSCRIBE_HOLD_MS };
  const stored = await deps.connections.subscribe({
    connectionId,
    channel: name,
    grant: grantFor(channel),
    lastSeq: start,
    expiresAt: Math.floor(deps.clock.now().getTime() / 1000) + MAX_CONNECTION_SECONDS,
    hold,
  });
  // A frame racing `$disconnect` (or after the 2 hours): nothing to answer to.
  if (stored === 'gone') return;
  if (stored === 'forbidden') return forbidden();
  if (lastEventId !== undefined && seq === undefined) {
    // Unknown, or older than the log keeps: the subscription starts now, and the client must reload.
    await reply(
      deps,
      connectionId,
      error(
        'resume-unavailable',
        'lastEventId is unknown or older than an hour: reload the state, then follow',
        name,
      ),
    );
  }
  await resume(connectionId, name, start, hold, deps);
}

/**
 * Resumes a subscription that this subscribe stored at `start` with `hold` (ADR 0034):
 * 1. (The caller) stored the subscription at `start`, held by this call: the live fan-out claims
 *    nothing of it while the hold lasts; it notes the last seq of each batch it would have sent.
 * 2. Send the events after `start` from the log, in order (each claim renews the hold).
 * 3. Answer `subscribed` with how many were sent and the seq of the last one: true, since nobody
 *    else could send any of them, and before any live event, since none can be sent yet.
 * 4. Let go, only if nothing is pending past the cursor; else send what is pending (live events,
 *    after the answer), and try again. If the call dies on the way, the hold expires within
 *    `SUBSCRIBE_HOLD_MS` and the next event's fan-out serves the subscription from its cursor.
 */
async function resume(
  connectionId: string,
  name: string,
  start: number,
  hold: Hold,
  deps: SocketDeps,
): Promise<void> {
  const subscription = { connectionId, channel: name };
  const missed = await deliverTo({ ...subscription, lastSeq: start }, deps, { hold });
  if (missed.gone) return;
  await reply(
    deps,
    connectionId,
    frame({ type: 'subscribed', channel: name, resumed: missed.sent, lastSeq: missed.lastSeq }),
  );
  // Lost (replaced by a newer subscribe, gone, or expired): whoever has it now delivers.
  if (missed.held) return;
  let cursor = missed.lastSeq;
  for (let round = 0; round < MAX_RELEASE_ROUNDS; round += 1) {
    const release = await deps.connections.release(connectionId, name, hold.holder);
    if (release.kind !== 'pending') return;
    const live = await deliverTo({ ...subscription, lastSeq: cursor }, deps, { hold });
    if (live.gone || live.held) return;
    cursor = live.lastSeq;
  }
  // Events kept coming faster than it could let go: the hold expires and the fan-out takes over.
}
