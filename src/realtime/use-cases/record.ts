/**
 * Recording a domain event in its channel's log (the source of real-time delivery in every region):
 * 1. Find the event's channel from its type, owner and data; events of no channel are skipped.
 * 2. Append it once to the log with the next seq of the channel (a second copy of the same event
 *    id gets the first one's seq and writes nothing). The log's stream does the rest.
 */
import { PLATFORM_SUPPLIER_ID } from '../../events';
import type { Clock } from '../../shared/clock';
import { channelName, channelOfEvent } from '../domain/channels';
import type { ChannelLog } from '../ports';

export interface RecordDeps {
  readonly log: Pick<ChannelLog, 'append' | 'appendMany'>;
  readonly clock: Clock;
}

export interface RecordableEvent {
  readonly eventId: string;
  readonly type: string;
  /** The supplier the event belongs to (the platform tenant for couples' events). */
  readonly ownerSupplierId: string;
  /** The envelope webhooks carry, as JSON text: its `data` names the wedding. */
  readonly body: string;
}

export type RecordOutcome =
  | { readonly recorded: false }
  | { readonly recorded: true; readonly channel: string; readonly seq: number; readonly duplicate: boolean };

/** The channel an event belongs to, if any (from its type, owner and data). */
function channelNameOf(event: RecordableEvent): string | undefined {
  let data: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(event.body) as { data?: unknown };
    if (typeof parsed.data === 'object' && parsed.data !== null)
      data = parsed.data as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const channel = channelOfEvent(event.type, event.ownerSupplierId, data, PLATFORM_SUPPLIER_ID);
  return channel ? channelName(channel) : undefined;
}

/**
 * A batch of events: each channel's events are appended together, in the batch's order (one head
 * move per channel instead of one per event, and no two appends of one batch racing for a head).
 * The outcome of each event, in input order; a channel whose append failed fails its events only.
 */
export async function recordChannelEvents(
  events: readonly RecordableEvent[],
  deps: RecordDeps,
): Promise<PromiseSettledResult<RecordOutcome>[]> {
  const outcomes: PromiseSettledResult<RecordOutcome>[] = events.map(() => ({
    status: 'fulfilled',
    value: { recorded: false },
  }));
  const byChannel = new Map<string, number[]>();
  events.forEach((event, index) => {
    const name = channelNameOf(event);
    if (name !== undefined) byChannel.set(name, [...(byChannel.get(name) ?? []), index]);
  });
  const recordedAtMs = deps.clock.now().getTime();
  await Promise.all(
    [...byChannel].map(async ([channel, indexes]) => {
      try {
        const appended = await deps.log.appendMany(
          indexes.map((i) => ({
            channel,
            eventId: events[i]!.eventId,
            type: events[i]!.type,
            body: events[i]!.body,
            recordedAtMs,
          })),
        );
        indexes.forEach((i, k) => {
          const { seq, duplicate } = appended[k]!;
          outcomes[i] = { status: 'fulfilled', value: { recorded: true, channel, seq, duplicate } };
        });
      } catch (error) {
        for (const i of indexes) outcomes[i] = { status: 'rejected', reason: error };
      }
    }),
  );
  return outcomes;
}

export async function recordChannelEvent(event: RecordableEvent, deps: RecordDeps): Promise<RecordOutcome> {
  const name = channelNameOf(event);
  if (name === undefined) return { recorded: false };
  const { seq, duplicate } = await deps.log.append({
    channel: name,
    eventId: event.eventId,
    type: event.type,
    body: event.body,
    recordedAtMs: deps.clock.now().getTime(),
  });
  return { recorded: true, channel: name, seq, duplicate };
}
