/**
 * DynamoDB stream records (Lambda's event, or the local poller's, which has the same shape) as
 * channel events. Only the attribute types the log writes are read (S, N, and nothing nested).
 */
import { channelEventOfItem } from './dynamo-channel-log';
import type { ChannelEvent } from '../ports';

export interface StreamRecord {
  readonly eventName?: string;
  readonly dynamodb?: {
    readonly NewImage?: Record<string, StreamAttribute>;
    readonly SequenceNumber?: string;
  };
}
export type StreamAttribute = { readonly S?: string; readonly N?: string } & Readonly<
  Record<string, unknown>
>;

function plain(image: Record<string, StreamAttribute>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(image)) {
    if (typeof value.S === 'string') item[name] = value.S;
    else if (typeof value.N === 'string') item[name] = Number(value.N);
  }
  return item;
}

/** The new images of a batch's inserts, as plain items, in stream order (updates and removals skipped). */
export function insertedItems(records: readonly StreamRecord[]): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName === 'INSERT' && image) items.push(plain(image));
  }
  return items;
}

/** The inserted events of a batch, in stream order; heads, id claims and removals (TTL) are skipped. */
export function channelEventsOfRecords(records: readonly StreamRecord[]): ChannelEvent[] {
  return insertedItems(records).flatMap((item) => channelEventOfItem(item) ?? []);
}
