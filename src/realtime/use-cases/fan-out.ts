/**
 * Live fan-out in one region: the channel log's new events (its stream in AWS, the local stand-in
 * otherwise) to the connections of this region subscribed to their channels.
 * 1. Group the batch by channel and sort each by seq (the log's order).
 * 2. For each subscription of the channel, deliver through the batch's last seq (deliver.ts): one
 *    cursor write claims the batch's events and they are posted from the batch (no log read); a
 *    subscription whose cursor is behind gets the missing events from the log first, one that is
 *    ahead gets nothing twice. Subscriptions are served in parallel (bounded), each in order.
 * 3. Gone connections (410) are removed on the way; other failures are thrown after every
 *    subscription had its turn, so the batch is retried and the cursors keep what was sent.
 */
import type { ChannelEvent, ConnectionStore } from '../ports';
import { deliverTo, type DeliverDeps } from './deliver';

export interface FanOutDeps extends DeliverDeps {
  readonly connections: DeliverDeps['connections'] & Pick<ConnectionStore, 'subscribers'>;
  /** Subscriptions posted to at once (the management API's rate is per account and region). */
  readonly concurrency?: number;
}

export interface FanOutSummary {
  readonly events: number;
  readonly messages: number;
  readonly goneConnections: number;
  readonly failures: number;
}

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(runners);
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
    await inParallel(subscriptions, deps.concurrency ?? 50, async (subscription) => {
      try {
        const outcome = await deliverTo(subscription, deps, { throughSeq: last.seq, known });
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
