/**
 * The RealtimeLog table: each channel's events numbered 1, 2, 3 ... (key design in
 * src/catalog/tables.ts). An append is one transaction: the head moves from n to n+1 (conditional
 * on n), the event is stored under SEQ#n+1, and its id is claimed (conditional on absent). Two
 * concurrent appends cannot take the same seq and a second copy of an event takes none, so the
 * sequence has no gap and no duplicate. Event items expire after the resume window (plus a margin).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ChannelEvent, ChannelLog } from '../ports';

/** Events are kept this long: the hour clients may resume from, plus ten minutes of slack. */
export const LOG_RETENTION_SECONDS = 3600 + 600;
const SEQ_DIGITS = 12;
const seqKey = (seq: number) => `SEQ#${String(seq).padStart(SEQ_DIGITS, '0')}`;
const channelPk = (channel: string) => `CHANNEL#${channel}`;
const MAX_ATTEMPTS = 10;
/** Events per transaction: the head, then two items each, within DynamoDB's 100 items. */
const APPEND_CHUNK = 40;

export class DynamoChannelLog implements ChannelLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The resume window, in ms: older events are not read back (TTL deletion lags). */
    private readonly windowMs = 3600 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  async head(channel: string): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: channelPk(channel), sk: 'HEAD' },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.seq === 'number' ? Item.seq : 0;
  }

  async seqOf(channel: string, eventId: string): Promise<number | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: channelPk(channel), sk: `ID#${eventId}` },
        ConsistentRead: true,
      }),
    );
    if (!Item || typeof Item.seq !== 'number') return undefined;
    if ((Item.recordedAtMs as number) < this.now() - this.windowMs) return undefined;
    return Item.seq;
  }

  async append(event: Omit<ChannelEvent, 'seq'>): Promise<{ seq: number; duplicate: boolean }> {
    const pk = channelPk(event.channel);
    const expiresAt = Math.floor(event.recordedAtMs / 1000) + LOG_RETENTION_SECONDS;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const existing = await this.seqOf(event.channel, event.eventId);
      if (existing !== undefined) return { seq: existing, duplicate: true };
      const head = await this.head(event.channel);
      const seq = head + 1;
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { pk, sk: 'HEAD' },
                  UpdateExpression: 'SET seq = :seq',
                  ConditionExpression: head === 0 ? 'attribute_not_exists(seq)' : 'seq = :head',
                  ExpressionAttributeValues: head === 0 ? { ':seq': seq } : { ':seq': seq, ':head': head },
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { pk, sk: seqKey(seq), ...event, seq, expiresAt },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { pk, sk: `ID#${event.eventId}`, seq, recordedAtMs: event.recordedAtMs, expiresAt },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return { seq, duplicate: false };
      } catch (error) {
        // Another append took this seq, or the same event won meanwhile: read again and retry.
        if (!(error instanceof TransactionCanceledException)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)));
      }
    }
    throw new Error(`channel ${event.channel}: append kept conflicting (${MAX_ATTEMPTS} attempts)`);
  }

  /**
   * One transaction per chunk: the head moves from n to n+k (conditional on n) and the k events
   * and their ids are written (each id conditional on absent). A copy of the same event within the
   * chunk takes the first one's seq. When an id already exists (a redelivered event), the chunk
   * falls back to one `append` per event, which finds it; a head conflict re-reads and retries.
   */
  async appendMany(
    events: readonly Omit<ChannelEvent, 'seq'>[],
  ): Promise<readonly { seq: number; duplicate: boolean }[]> {
    const results: { seq: number; duplicate: boolean }[] = [];
    for (let i = 0; i < events.length; i += APPEND_CHUNK) {
      results.push(...(await this.appendChunk(events.slice(i, i + APPEND_CHUNK))));
    }
    return results;
  }

  private async appendChunk(
    events: readonly Omit<ChannelEvent, 'seq'>[],
  ): Promise<readonly { seq: number; duplicate: boolean }[]> {
    const channel = events[0]?.channel;
    if (channel === undefined) return [];
    if (events.some((e) => e.channel !== channel)) throw new Error('appendMany takes events of one channel');
    const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
    const pk = channelPk(channel);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const head = await this.head(channel);
      const seqOf = new Map(unique.map((e, i) => [e.eventId, head + 1 + i]));
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { pk, sk: 'HEAD' },
                  UpdateExpression: 'SET seq = :seq',
                  ConditionExpression: head === 0 ? 'attribute_not_exists(seq)' : 'seq = :head',
                  ExpressionAttributeValues:
                    head === 0
                      ? { ':seq': head + unique.length }
                      : { ':seq': head + unique.length, ':head': head },
                },
              },
              ...unique.flatMap((event) => {
                const seq = seqOf.get(event.eventId)!;
                const expiresAt = Math.floor(event.recordedAtMs / 1000) + LOG_RETENTION_SECONDS;
                return [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: { pk, sk: seqKey(seq), ...event, seq, expiresAt },
                      ConditionExpression: 'attribute_not_exists(pk)',
                    },
                  },
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: {
                        pk,
                        sk: `ID#${event.eventId}`,
                        seq,
                        recordedAtMs: event.recordedAtMs,
                        expiresAt,
                      },
                      ConditionExpression: 'attribute_not_exists(pk)',
                    },
                  },
                ];
              }),
            ],
          }),
        );
        const firstOf = new Set<string>();
        return events.map((event) => {
          const duplicate = firstOf.has(event.eventId);
          firstOf.add(event.eventId);
          return { seq: seqOf.get(event.eventId)!, duplicate };
        });
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        // Items: 0 is the head, then (SEQ, ID) per event: an ID refused means a redelivered event.
        const idRefused = unique.some((_, i) => reasons[2 + 2 * i]?.Code === 'ConditionalCheckFailed');
        if (idRefused) {
          const one: { seq: number; duplicate: boolean }[] = [];
          for (const event of events) one.push(await this.append(event));
          return one;
        }
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)));
      }
    }
    throw new Error(`channel ${channel}: append kept conflicting (${MAX_ATTEMPTS} attempts)`);
  }

  async readAfter(channel: string, afterSeq: number, limit: number): Promise<ChannelEvent[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': channelPk(channel),
          ':from': seqKey(afterSeq + 1),
          ':to': seqKey(10 ** SEQ_DIGITS - 1),
        },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    const oldest = this.now() - this.windowMs;
    return (Items ?? [])
      .filter((item) => (item.recordedAtMs as number) >= oldest)
      .map((item) => ({
        channel,
        seq: item.seq as number,
        eventId: item.eventId as string,
        type: item.type as string,
        body: item.body as string,
        recordedAtMs: item.recordedAtMs as number,
      }));
  }
}

/** A stream record's new image (or the local stand-in's item) as a channel event, if it is one. */
export function channelEventOfItem(item: Record<string, unknown>): ChannelEvent | undefined {
  if (typeof item.sk !== 'string' || !item.sk.startsWith('SEQ#')) return undefined;
  if (
    typeof item.channel !== 'string' ||
    typeof item.seq !== 'number' ||
    typeof item.eventId !== 'string' ||
    typeof item.type !== 'string' ||
    typeof item.body !== 'string' ||
    typeof item.recordedAtMs !== 'number'
  ) {
    return undefined;
  }
  return {
    channel: item.channel,
    seq: item.seq,
    eventId: item.eventId,
    type: item.type,
    body: item.body,
    recordedAtMs: item.recordedAtMs,
  };
}
