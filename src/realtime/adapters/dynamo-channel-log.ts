/**
 * The RealtimeLog table: each channel's events numbered 1, 2, 3 ... (key design in
 * src/catalog/tables.ts), written with ordinary conditional writes, not transactions (a
 * transaction bills every item twice; ADR 0035, addendum). An event takes two writes, in order:
 * 1. Claim its id: `ID#<eventId>` put if absent, holding the seq it is about to take (the next
 *    after the channel's tail). Present already: an earlier attempt claimed it (step 3).
 * 2. Write the event at `SEQ#<seq>` if absent. Only the next seq after the tail is ever written, and
 *    the tail is the head plus the SEQ items after it, so every SEQ item is written after its
 *    predecessor: the sequence has no gap at any moment, and the stream shows it in order.
 * 3. A claim whose seq another event took (a concurrent append, or an attempt that died between
 *    its two writes and was overtaken) moves to the next free seq (conditional on the seq it held),
 *    and step 2 runs again; a claim whose SEQ item holds the event is that event's: a redelivered
 *    event keeps its first seq and writes nothing.
 * The head moves forward once per chunk (conditional on being behind), so it may lag the last
 * SEQ item by one chunk (or, after a crash, until the channel's next append); readers that need
 * the tail take it from the SEQ items. Event items expire after the resume window (plus a margin);
 * the recorder retries a batch for 15 minutes at most (catalog `streamRetry`), far inside it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ChannelEvent, ChannelLog } from '../ports';

/** Events are kept this long: the hour clients may resume from, plus ten minutes of slack. */
export const LOG_RETENTION_SECONDS = 3600 + 600;
const SEQ_DIGITS = 12;
const seqKey = (seq: number) => `SEQ#${String(seq).padStart(SEQ_DIGITS, '0')}`;
const channelPk = (channel: string) => `CHANNEL#${channel}`;
/** Times one event's claim may be overtaken before the append gives up (the batch is retried). */
const MAX_ATTEMPTS = 50;
/** Events appended per head move. */
const APPEND_CHUNK = 40;
/** SEQ items read per page when looking for the tail past the head. */
const TAIL_PAGE = 100;

type Appended = { seq: number; duplicate: boolean };

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
    // A claim whose event is not written (yet) names no event a client can have seen.
    const written = await this.eventAt(channelPk(channel), Item.seq);
    return written?.eventId === eventId ? Item.seq : undefined;
  }

  async append(event: Omit<ChannelEvent, 'seq'>): Promise<Appended> {
    const [appended] = await this.appendMany([event]);
    return appended!;
  }

  /**
   * Appends events of one channel in the given order, a chunk at a time: each event claimed and
   * written in turn (steps 1-3 above), then the head moved once. A copy of an event within the
   * batch takes the first one's seq.
   */
  async appendMany(events: readonly Omit<ChannelEvent, 'seq'>[]): Promise<readonly Appended[]> {
    const results: Appended[] = [];
    for (let i = 0; i < events.length; i += APPEND_CHUNK) {
      results.push(...(await this.appendChunk(events.slice(i, i + APPEND_CHUNK))));
    }
    return results;
  }

  private async appendChunk(events: readonly Omit<ChannelEvent, 'seq'>[]): Promise<readonly Appended[]> {
    const channel = events[0]?.channel;
    if (channel === undefined) return [];
    if (events.some((e) => e.channel !== channel)) throw new Error('appendMany takes events of one channel');
    const pk = channelPk(channel);
    const head = await this.head(channel);
    let tail = await this.tailFrom(pk, head);
    const byId = new Map<string, Appended>();
    const results: Appended[] = [];
    for (const event of events) {
      const first = byId.get(event.eventId);
      if (first) {
        results.push({ seq: first.seq, duplicate: true });
        continue;
      }
      const { appended, tail: after } = await this.appendOne(pk, event, tail);
      tail = after;
      byId.set(event.eventId, appended);
      results.push(appended);
    }
    if (tail > head) await this.moveHead(pk, tail);
    return results;
  }

  /** Claims and writes one event, given the tail as last seen; returns its seq and the tail after. */
  private async appendOne(
    pk: string,
    event: Omit<ChannelEvent, 'seq'>,
    seenTail: number,
  ): Promise<{ appended: Appended; tail: number }> {
    let tail = seenTail;
    const expiresAt = Math.floor(event.recordedAtMs / 1000) + LOG_RETENTION_SECONDS;
    const idKey = { pk, sk: `ID#${event.eventId}` };
    // 1. Claim the id with the next seq, or learn the seq an earlier attempt claimed.
    let claimed = tail + 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...idKey, seq: claimed, recordedAtMs: event.recordedAtMs, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      claimed = seqOfConflict(error);
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      if (claimed === tail + 1) {
        // 2. The claim is the next seq: write the event there, unless another took it first.
        const taken = await this.putEvent(pk, { ...event, seq: claimed, expiresAt });
        if (taken === undefined) return { appended: { seq: claimed, duplicate: false }, tail: claimed };
        if (taken === event.eventId) return { appended: { seq: claimed, duplicate: true }, tail: claimed };
        tail = await this.tailFrom(pk, claimed);
      } else if (claimed <= tail) {
        // Claimed by an earlier attempt at a seq now behind the tail: this event's, or overtaken.
        const written = await this.eventAt(pk, claimed);
        // Absent: expired, so recorded over an hour ago (the recorder gives up after 15 minutes).
        if (written === undefined || written.eventId === event.eventId) {
          return { appended: { seq: claimed, duplicate: true }, tail };
        }
      } else {
        // Past the next seq: an attempt's claim left ahead of a tail that never reached it.
        tail = await this.tailFrom(pk, tail);
        if (claimed <= tail + 1) continue;
      }
      // 3. Overtaken: move the claim to the next seq, if it still holds the one it held.
      const next = tail + 1;
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: idKey,
            UpdateExpression: 'SET seq = :next, recordedAtMs = :at, expiresAt = :expires',
            ConditionExpression: 'seq = :held',
            ExpressionAttributeValues: {
              ':next': next,
              ':held': claimed,
              ':at': event.recordedAtMs,
              ':expires': expiresAt,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        claimed = next;
      } catch (error) {
        // A concurrent attempt for the same event moved it first: go on from where it put it.
        claimed = seqOfConflict(error);
      }
      if (attempt > 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
    throw new Error(`channel ${event.channel}: append kept being overtaken (${MAX_ATTEMPTS} attempts)`);
  }

  /** Puts the event at its seq if that seq is free; otherwise the id of the event holding it. */
  private async putEvent(
    pk: string,
    item: ChannelEvent & { expiresAt: number },
  ): Promise<string | undefined> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk: seqKey(item.seq), ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return String(error.Item?.eventId?.S ?? '');
    }
  }

  private async eventAt(pk: string, seq: number): Promise<{ eventId: string } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk, sk: seqKey(seq) },
        ConsistentRead: true,
        ProjectionExpression: 'eventId',
      }),
    );
    return Item ? { eventId: String(Item.eventId) } : undefined;
  }

  /** The last seq written: `from` (a seq known written, or the head) and the SEQ items after it. */
  private async tailFrom(pk: string, from: number): Promise<number> {
    let tail = from;
    for (;;) {
      const { Items = [] } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': pk,
            ':from': seqKey(tail + 1),
            ':to': seqKey(10 ** SEQ_DIGITS - 1),
          },
          ProjectionExpression: 'seq',
          ConsistentRead: true,
          Limit: TAIL_PAGE,
        }),
      );
      // Written in order without gaps, so the items after the tail are tail + 1, tail + 2, ...
      for (const item of Items) {
        if (item.seq !== tail + 1) return tail;
        tail += 1;
      }
      if (Items.length < TAIL_PAGE) return tail;
    }
  }

  /** The head moves forward to `seq`, never back (another chunk may have moved it further). */
  private async moveHead(pk: string, seq: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: 'HEAD' },
          UpdateExpression: 'SET seq = :seq',
          ConditionExpression: 'attribute_not_exists(seq) OR seq < :seq',
          ExpressionAttributeValues: { ':seq': seq },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
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

/** The seq held by the item a conditional write found (its `ALL_OLD` image); rethrows anything else. */
function seqOfConflict(error: unknown): number {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
  const seq = Number(error.Item?.seq?.N);
  if (!Number.isInteger(seq))
    throw new Error('a conditional write found an item without a seq', { cause: error });
  return seq;
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
