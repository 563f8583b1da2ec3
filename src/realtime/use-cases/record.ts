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
  readonly log: Pick<ChannelLog, 'append'>;
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

export async function recordChannelEvent(event: RecordableEvent, deps: RecordDeps): Promise<RecordOutcome> {
  let data: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(event.body) as { data?: unknown };
    if (typeof parsed.data === 'object' && parsed.data !== null)
      data = parsed.data as Record<string, unknown>;
  } catch {
    return { recorded: false };
  }
  const channel = channelOfEvent(event.type, event.ownerSupplierId, data, PLATFORM_SUPPLIER_ID);
  if (!channel) return { recorded: false };
  const name = channelName(channel);
  const { seq, duplicate } = await deps.log.append({
    channel: name,
    eventId: event.eventId,
    type: event.type,
    body: event.body,
    recordedAtMs: deps.clock.now().getTime(),
  });
  return { recorded: true, channel: name, seq, duplicate };
}
