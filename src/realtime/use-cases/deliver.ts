/**
 * Delivery to one subscription, shared by the live fan-out and the resume on subscribe:
 * 1. Take the next events after the subscription's cursor: the ones the caller already holds (the
 *    fan-out's batch) when they follow the cursor, else a page from the channel log. A subscription
 *    that is up to date is served from the batch alone: no log read.
 * 2. Claim them all with one conditional write: the cursor moves from its seq to the last one's
 *    (one deliverer wins each range, so a connection gets each event once), then post them in seq
 *    order. One write per subscription and batch (per page of the log for one that is behind).
 * 3. A post answered 410 Gone removes the connection; any other failure moves the cursor back to
 *    the last event posted (so nothing is lost) and is thrown (the caller's invocation is retried).
 * 4. When the log no longer holds the next event (older than an hour), the client is told
 *    `resume-unavailable` once and the cursor jumps to the head (it must reload its state).
 * 5. A subscription a subscribe holds (it is resuming, ADR 0034) is left to that subscribe: the
 *    events it would have been sent are noted on it as pending (the subscribe delivers them before
 *    it lets go); if the hold is gone by then, the delivery goes on from the cursor. A caller with
 *    the hold (the subscribe) moves the cursor only while its hold lasts, and stops once it has not.
 */
import { eventFrame, frame } from '../domain/protocol';
import type {
  ChannelEvent,
  ChannelLog,
  ConnectionMessenger,
  ConnectionStore,
  Hold,
  Subscription,
} from '../ports';

export interface DeliverDeps {
  readonly connections: Pick<ConnectionStore, 'advance' | 'removeConnection' | 'notePending'>;
  readonly log: Pick<ChannelLog, 'readAfter' | 'head'>;
  readonly messenger: ConnectionMessenger;
}

const PAGE = 100;
/** Bounds one call's work; what is left is picked up by the next event or the next subscribe. */
const MAX_EVENTS_PER_CALL = 1000;

export type DeliverOutcome = { sent: number; gone: boolean };

export interface DeliverToOutcome extends DeliverOutcome {
  /** The cursor where this delivery left it: every event through it was sent (or skipped as lost). */
  readonly lastSeq: number;
  /** Stopped because the subscription is held by someone else (for a holder: its hold is gone). */
  readonly held: boolean;
}

export interface DeliverOptions {
  /** Deliver up to this seq (the fan-out's batch end); without it, up to the log's head. */
  readonly throughSeq?: number;
  /** Events of this channel the caller holds already (the batch), in seq order, without repeats. */
  readonly known?: readonly ChannelEvent[];
  /** The caller's hold on the subscription (the subscribe resuming it). */
  readonly hold?: Hold;
}

/** The run of `known` that starts right after `cursor` and has no gap, or nothing. */
export function followingRun(known: readonly ChannelEvent[], cursor: number): ChannelEvent[] {
  const start = known.findIndex((event) => event.seq === cursor + 1);
  if (start < 0) return [];
  const run: ChannelEvent[] = [];
  for (let i = start; i < known.length && known[i]!.seq === cursor + 1 + run.length; i += 1) {
    run.push(known[i]!);
  }
  return run;
}

/**
 * Posts events already claimed for a connection (its cursor moved through the last of them), in
 * order. 410 Gone removes the connection; any other failure hands the unsent events back (the
 * cursor moves back to the last event posted) and is thrown.
 */
export async function postClaimed(
  connectionId: string,
  channel: string,
  claim: readonly ChannelEvent[],
  deps: DeliverDeps,
  hold?: Hold,
): Promise<DeliverOutcome> {
  const to = claim[claim.length - 1]?.seq;
  let sent = 0;
  if (to === undefined) return { sent, gone: false };
  for (const event of claim) {
    let result: 'sent' | 'gone';
    try {
      result = await deps.messenger.post(connectionId, eventFrame(channel, event.seq, event.body));
    } catch (error) {
      // Not delivered: hand this event and the rest of the claim back, so a retry sends them.
      await deps.connections.advance(connectionId, channel, to, event.seq - 1, hold).catch(() => undefined);
      throw error;
    }
    if (result === 'gone') {
      await deps.connections.removeConnection(connectionId);
      return { sent, gone: true };
    }
    sent += 1;
  }
  return { sent, gone: false };
}

export async function deliverTo(
  subscription: Subscription,
  deps: DeliverDeps,
  options: DeliverOptions = {},
): Promise<DeliverToOutcome> {
  const { connectionId, channel } = subscription;
  const { throughSeq, known = [], hold } = options;
  let cursor = subscription.lastSeq;
  let sent = 0;
  const done = (gone: boolean, held = false): DeliverToOutcome => ({ sent, gone, lastSeq: cursor, held });
  /**
   * Someone else holds it: a holder stops; another deliverer leaves the events through `seq` to the
   * holder, or goes on from the cursor if the hold is gone by now. True when the caller stops.
   */
  const leaveToHolder = async (seq: number): Promise<boolean> =>
    hold !== undefined || (await deps.connections.notePending(connectionId, channel, seq));
  while (sent < MAX_EVENTS_PER_CALL) {
    if (throughSeq !== undefined && cursor >= throughSeq) break;
    let page: ChannelEvent[] = followingRun(known, cursor);
    const fromLog = page.length === 0;
    if (fromLog) page = await deps.log.readAfter(channel, cursor, PAGE);
    if (page.length === 0) break;
    const first = page[0]!;
    if (first.seq !== cursor + 1) {
      // The log lost what this subscription has not had yet (past its hour): say so, skip ahead.
      const moved = await deps.connections.advance(connectionId, channel, cursor, first.seq - 1, hold);
      if (moved.kind === 'gone') break;
      if (moved.kind === 'held' && (await leaveToHolder(throughSeq ?? page[page.length - 1]!.seq))) {
        return done(false, true);
      }
      if (moved.kind !== 'advanced') {
        cursor = moved.lastSeq;
        continue;
      }
      const notice = frame({
        type: 'error',
        code: 'resume-unavailable',
        channel,
        message: `events ${cursor + 1}..${first.seq - 1} of this channel are no longer kept: reload its state`,
      });
      if ((await deps.messenger.post(connectionId, notice)) === 'gone') {
        await deps.connections.removeConnection(connectionId);
        return done(true);
      }
      cursor = first.seq - 1;
    }
    const claim = page.filter(
      (event, i) =>
        event.seq === cursor + 1 + i &&
        (throughSeq === undefined || event.seq <= throughSeq) &&
        sent + i < MAX_EVENTS_PER_CALL,
    );
    if (claim.length === 0) break;
    const to = claim[claim.length - 1]!.seq;
    const step = await deps.connections.advance(connectionId, channel, cursor, to, hold);
    if (step.kind === 'gone') return done(false);
    if (step.kind === 'held' && (await leaveToHolder(throughSeq ?? to))) return done(false, true);
    if (step.kind !== 'advanced') {
      // Another deliverer (a retry, a hold let go of) got there first: go on from its seq.
      cursor = step.lastSeq;
      continue;
    }
    const posted = await postClaimed(connectionId, channel, claim, deps, hold);
    sent += posted.sent;
    if (posted.gone) return done(true);
    cursor = to;
    // A short page of the log reached the head as it was when read; with a target, the loop's test
    // ends it.
    if (fromLog && page.length < PAGE && throughSeq === undefined) break;
  }
  return done(false);
}
