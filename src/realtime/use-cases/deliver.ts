/**
 * Delivery to one subscription, shared by the live fan-out and the resume on subscribe:
 * 1. Take the next events after the subscription's cursor (the one just recorded when it is
 *    next, else from the channel log).
 * 2. For each, in seq order: move the cursor from seq-1 to seq (conditional: one deliverer wins
 *    each event, so a connection gets it once), then post it.
 * 3. A post answered 410 Gone removes the connection; any other failure moves the cursor back
 *    (so nothing is lost) and is thrown (the caller's invocation is retried).
 * 4. When the log no longer holds the next event (older than an hour), the client is told
 *    `resume-unavailable` once and the cursor jumps to the head (it must reload its state).
 */
import { eventFrame, frame } from '../domain/protocol';
import type { ChannelEvent, ChannelLog, ConnectionMessenger, ConnectionStore, Subscription } from '../ports';

export interface DeliverDeps {
  readonly connections: Pick<ConnectionStore, 'advance' | 'removeConnection'>;
  readonly log: Pick<ChannelLog, 'readAfter' | 'head'>;
  readonly messenger: ConnectionMessenger;
}

const PAGE = 100;
/** Bounds one call's work; what is left is picked up by the next event or the next subscribe. */
const MAX_EVENTS_PER_CALL = 1000;

export type DeliverOutcome = { sent: number; gone: boolean };

export async function deliverTo(
  subscription: Subscription,
  deps: DeliverDeps,
  options: { throughSeq?: number; known?: ChannelEvent } = {},
): Promise<DeliverOutcome> {
  const { connectionId, channel } = subscription;
  let cursor = subscription.lastSeq;
  let sent = 0;
  while (sent < MAX_EVENTS_PER_CALL) {
    if (options.throughSeq !== undefined && cursor >= options.throughSeq) break;
    const known = options.known;
    const page =
      known && known.seq === cursor + 1 ? [known] : await deps.log.readAfter(channel, cursor, PAGE);
    if (page.length === 0) break;
    const first = page[0]!;
    if (first.seq !== cursor + 1) {
      // The log lost what this subscription has not had yet (past its hour): say so, skip ahead.
      const moved = await deps.connections.advance(connectionId, channel, cursor, first.seq - 1);
      if (moved.kind === 'gone') break;
      if (moved.kind === 'moved') {
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
        return { sent, gone: true };
      }
      cursor = first.seq - 1;
    }
    let restart = false;
    for (const event of page) {
      if (options.throughSeq !== undefined && event.seq > options.throughSeq) break;
      const step = await deps.connections.advance(connectionId, channel, event.seq - 1, event.seq);
      if (step.kind === 'gone') return { sent, gone: false };
      if (step.kind === 'moved') {
        cursor = step.lastSeq;
        restart = true;
        break;
      }
      let result: 'sent' | 'gone';
      try {
        result = await deps.messenger.post(connectionId, eventFrame(channel, event.seq, event.body));
      } catch (error) {
        // Not delivered: hand the event back so a retry (or the next deliverer) sends it.
        await deps.connections
          .advance(connectionId, channel, event.seq, event.seq - 1)
          .catch(() => undefined);
        throw error;
      }
      if (result === 'gone') {
        await deps.connections.removeConnection(connectionId);
        return { sent, gone: true };
      }
      cursor = event.seq;
      sent += 1;
    }
    // A short page reached the head as it was when read; with a target, the loop's test ends it.
    if (!restart && page.length < PAGE && options.throughSeq === undefined) break;
  }
  return { sent, gone: false };
}
