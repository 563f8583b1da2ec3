/**
 * Live fan-out in one region: the channel log's new events (its stream in AWS, the local stand-in
 * otherwise) to the connections of this region subscribed to their channels.
 * 1. Group the batch by channel and sort each by seq (the log's order).
 * 2. Read the channel's subscriptions. Those whose cursor is just before events of the batch (the
 *    live case: up to date) claim them all together: one batch of conditional cursor moves
 *    (`ConnectionStore.claim`, a transaction per hundred subscriptions) instead of a write each.
 * 3. Post each claimed subscription its events from the batch, in order; subscriptions are served
 *    in parallel (at most `concurrency` PostToConnection calls in flight), each in order.
 * 4. The rest (behind, ahead, or whose claim did not take) go through `deliverTo` one by one: one
 *    that is behind gets the missing events from the log first, one that is ahead nothing twice.
 * 5. Gone connections (410) are removed on the way; other failures are thrown after every
 *    subscription had its turn, so the batch is retried and the cursors keep what was sent.
 * 6. A subscription a subscribe holds (it is resuming, ADR 0034) is not claimed: the batch's last
 *    seq is noted on it as pending (one conditional write), and the subscribe delivers it before
 *    it lets go. If the hold is gone by then, it goes through `deliverTo` like the rest.
 */
import { systemClock, type Clock } from '../../shared/clock';
import { mapWithConcurrency } from '../../shared/concurrency';
import { isHeld } from '../domain/hold';
import type { ChannelEvent, ConnectionStore, Subscription } from '../ports';
import { deliverTo, followingRun, postClaimed, type DeliverDeps, type DeliverOutcome } from './deliver';

export interface FanOutDeps extends DeliverDeps {
  readonly connections: DeliverDeps['connections'] & Pick<ConnectionStore, 'subscribers' | 'claim'>;
  /** Subscriptions posted to at once (the management API's rate is per account and region). */
  readonly concurrency?: number;
  /** Tells a live hold from an expired one (the system clock unless a test hands in another). */
  readonly clock?: Clock;
}

export interface FanOutSummary {
  readonly events: number;
  readonly messages: number;
  readonly goneConnections: number;
  readonly failures: number;
}

/** PostToConnection calls in flight at once by default (bounded: the management API's rate is per account). */
export const FAN_OUT_CONCURRENCY = 64;

type Task =
  | { readonly kind: 'post'; readonly subscription: Subscription; readonly events: readonly ChannelEvent[] }
  | { readonly kind: 'deliver'; readonly subscription: Subscription }
  | { readonly kind: 'held'; readonly subscription: Subscription };

export interface ChannelPlan {
  /** Up to date and free: claimed together, then served from the batch. */
  readonly ready: readonly { readonly subscription: Subscription; readonly events: ChannelEvent[] }[];
  /** Held by a subscribe and short of the batch's end: the batch is noted on them as pending. */
  readonly held: readonly Subscription[];
  /** Behind (or ahead): `deliverTo` reads what they miss from the log (nothing for one ahead). */
  readonly others: readonly Subscription[];
}

/** How a batch of one channel (`known`: in seq order, no repeats) serves each subscription. */
export function planChannel(
  known: readonly ChannelEvent[],
  subscriptions: readonly Subscription[],
  nowMs: number,
): ChannelPlan {
  const last = known[known.length - 1]?.seq ?? 0;
  const ready: { subscription: Subscription; events: ChannelEvent[] }[] = [];
  const held: Subscription[] = [];
  const others: Subscription[] = [];
  for (const subscription of subscriptions) {
    if (isHeld(subscription, nowMs)) {
      if (subscription.lastSeq < last) held.push(subscription);
      continue;
    }
    const run = followingRun(known, subscription.lastSeq);
    if (run.length > 0) ready.push({ subscription, events: run });
    else others.push(subscription);
  }
  return { ready, held, others };
}

export async function fanOutChannelEvents(
  events: readonly ChannelEvent[],
  deps: FanOutDeps,
): Promise<FanOutSummary> {
  const byChannel = new Map<string, ChannelEvent[]>();
  for (const event of events) {
    const list = byChannel.get(event.channel) ?? [];
    list.push(event);
    byChannel.set(event.channel, list);
  }
  let messages = 0;
  let goneConnections = 0;
  const errors: unknown[] = [];
  for (const [channel, list] of byChannel) {
    // In seq order, each seq once (a retried or overlapping batch may repeat a record).
    const known = [...new Map(list.map((event) => [event.seq, event])).values()].sort(
      (a, b) => a.seq - b.seq,
    );
    const last = known[known.length - 1]!;
    const subscriptions = await deps.connections.subscribers(channel);
    const plan = planChannel(known, subscriptions, (deps.clock ?? systemClock).now().getTime());
    const { ready } = plan;
    const tasks: Task[] = [
      ...plan.held.map((subscription) => ({ kind: 'held' as const, subscription })),
      ...plan.others.map((subscription) => ({ kind: 'deliver' as const, subscription })),
    ];
    const claimed = await deps.connections.claim(
      ready.map(({ subscription, events: run }) => ({
        connectionId: subscription.connectionId,
        channel,
        from: subscription.lastSeq,
        to: run[run.length - 1]!.seq,
      })),
    );
    ready.forEach((entry, i) => {
      const outcome = claimed[i]!;
      if (outcome === 'claimed') tasks.push({ kind: 'post', ...entry });
      // Moved by someone else, or gone: deliverTo looks at its cursor and goes on from there.
      else if (outcome === 'not-claimed') tasks.push({ kind: 'deliver', subscription: entry.subscription });
      else errors.push(outcome.failed);
    });
    // Each task catches its failure: every subscription has its turn, the errors are thrown below.
    await mapWithConcurrency(tasks, deps.concurrency ?? FAN_OUT_CONCURRENCY, async (task) => {
      try {
        const { connectionId } = task.subscription;
        // Held: the batch is the holder's to send, unless the hold is gone by now.
        if (task.kind === 'held' && (await deps.connections.notePending(connectionId, channel, last.seq))) {
          return;
        }
        const outcome: DeliverOutcome =
          task.kind === 'post'
            ? await postClaimed(connectionId, channel, task.events, deps)
            : await deliverTo(task.subscription, deps, { throughSeq: last.seq, known });
        messages += outcome.sent;
        if (outcome.gone) goneConnections += 1;
      } catch (error) {
        errors.push(error);
      }
    });
  }
  if (errors.length > 0) {
    throw new AggregateError(errors, `${errors.length} subscription(s) not served; the batch is retried`);
  }
  return { events: events.length, messages, goneConnections, failures: errors.length };
}
