/**
 * Reads a table's DynamoDB stream in DynamoDB Local (the Streams API, spoken as JSON: no SDK client
 * ships for it here), shard by shard in stream order, a shard only once its parent is finished, so
 * the records of one item stay in order. One loop, two ways to hand records on:
 * - `batch` (Lambda's DynamoDB event source, for the local mode's stream consumers): each page of a
 *   shard, after the event source's filter, goes to the handler as `{ Records }`; a batch that
 *   fails is retried as is, then (after `maxAttempts`, or `maxAgeMs`) reported and skipped, as an on-failure
 *   destination would take it. An idle shard is asked four times a second, as Lambda polls; a busy
 *   one back to back.
 * - `record` (the two-region replicator and the review corrections): one record at a time; a
 *   record whose handler fails is read again (nothing is skipped). A quiet stream is asked less and
 *   less often (25 ms doubling to 400 ms): many readers share two cores.
 * Both keep a checkpoint per shard (the last record handled or skipped): after an error (the
 * instance down, or restarted with its data in files) iterators are rebuilt after the checkpoints.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamFilterPattern } from '../src/catalog/functions';
import { callDynamo, isDynamoError, type JsonItem } from './replication/dynamo-json';
import { matchesFilter } from './stream-filter';

/** A stream record as the Streams API returns it (the fields every reader here uses). */
export interface StreamRecord {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly dynamodb: {
    readonly Keys: JsonItem;
    readonly NewImage?: JsonItem;
    readonly OldImage?: JsonItem;
    readonly SequenceNumber: string;
  };
}

export type StreamDelivery =
  | {
      /** Lambda-style: a page of records per call, filtered, retried, then skipped. */
      readonly kind: 'batch';
      readonly handler: (event: { Records: DynamoDBRecord[] }) => Promise<unknown>;
      /** The event source's filter: records it does not match never reach the handler (as in Lambda). */
      readonly filter?: StreamFilterPattern;
      /** Calls of one batch before it is skipped (5). */
      readonly maxAttempts?: number;
      /**
       * Instead of a number of calls: retried until this long after its first call, then skipped
       * (Lambda's maximum record age with unlimited retries; locally a batch is read as soon as it
       * is written, so its first call stands in for its records' age). Retries at most a second apart.
       */
      readonly maxAgeMs?: number;
    }
  | {
      /** One record per call, checkpointed after each; a failing record is read again. */
      readonly kind: 'record';
      readonly onRecord: (record: StreamRecord) => Promise<void>;
    };

export interface StreamReaderOptions {
  readonly endpoint: string;
  readonly tableName: string;
  readonly delivery: StreamDelivery;
  /** Where to begin in the shards open at start: all their records, or new ones only. */
  readonly from?: 'TRIM_HORIZON' | 'LATEST';
  /** Records per GetRecords (batch: Lambda's batch size, 100; record: 500). */
  readonly pageSize?: number;
  /** Errors of the stream calls, and (batch) of batches skipped after their attempts. */
  readonly onError?: (error: unknown) => void;
}

interface Shard {
  readonly ShardId: string;
  readonly ParentShardId?: string;
}

const STREAMS = 'DynamoDBStreams_20120810';
/** Lambda's polling rate of an idle stream shard (four times a second). */
export const LAMBDA_POLL_INTERVAL_MS = 250;
const DISCOVERY_EVERY_ROUNDS = 20;

/**
 * The pause before the next round: none after a round that found records (a busy shard is read
 * back to back, as Lambda does); after quiet rounds Lambda's fixed interval (batch) or a backoff
 * from 25 ms doubling to 400 ms (record).
 */
export function pauseAfterRound(kind: StreamDelivery['kind'], busy: boolean, quietRounds: number): number {
  if (busy) return 0;
  return kind === 'batch' ? LAMBDA_POLL_INTERVAL_MS : Math.min(400, 25 * 2 ** Math.min(quietRounds, 5));
}

/** The shards to read this round, in id order: unfinished ones whose parent (if still listed) is finished. */
export function shardsToRead(shards: readonly Shard[], finished: ReadonlySet<string>): Shard[] {
  const listed = new Set(shards.map((s) => s.ShardId));
  return [...shards]
    .sort((a, b) => a.ShardId.localeCompare(b.ShardId))
    .filter(
      (shard) =>
        !finished.has(shard.ShardId) &&
        !(
          shard.ParentShardId !== undefined &&
          listed.has(shard.ParentShardId) &&
          !finished.has(shard.ParentShardId)
        ),
    );
}

export class DynamoDbStreamReader {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private streamArn: string | undefined;
  private shards: Shard[] = [];
  private readonly iterators = new Map<string, string>();
  private readonly checkpoints = new Map<string, string>();
  /** Shards positioned at LATEST and not yet read past a record: rebuilt at LATEST, never from their start. */
  private readonly fromLatest = new Set<string>();
  private readonly finished = new Set<string>();
  private quietRounds = 0;
  private rounds = 0;

  constructor(private readonly options: StreamReaderOptions) {}

  /**
   * Starts reading. From `LATEST`, the shards open now are positioned before this resolves, so
   * every write after it is read; it rejects when the table has no stream.
   */
  async start(): Promise<void> {
    this.running = true;
    if (this.options.from === 'LATEST') {
      await this.discover();
      for (const shard of this.shards) {
        this.iterators.set(shard.ShardId, await this.iterator(shard.ShardId, 'LATEST'));
        this.fromLatest.add(shard.ShardId);
      }
    }
    this.loop = this.run();
  }

  /** Whole rounds over every shard in a row that found no record and no error. */
  get idleRounds(): number {
    return this.quietRounds;
  }

  /** Rounds completed since the start. */
  get completedRounds(): number {
    return this.rounds;
  }

  private async discover(): Promise<void> {
    if (!this.streamArn) {
      const { Streams } = await callDynamo<{ Streams?: { StreamArn: string }[] }>(
        this.options.endpoint,
        STREAMS,
        'ListStreams',
        { TableName: this.options.tableName },
      );
      this.streamArn = Streams?.[Streams.length - 1]?.StreamArn;
      if (!this.streamArn) throw new Error(`table ${this.options.tableName} has no stream`);
    }
    const { StreamDescription } = await callDynamo<{ StreamDescription: { Shards?: Shard[] } }>(
      this.options.endpoint,
      STREAMS,
      'DescribeStream',
      { StreamArn: this.streamArn },
    );
    this.shards = StreamDescription.Shards ?? [];
  }

  private async iterator(
    shardId: string,
    type: 'LATEST' | 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER',
  ): Promise<string> {
    const { ShardIterator } = await callDynamo<{ ShardIterator: string }>(
      this.options.endpoint,
      STREAMS,
      'GetShardIterator',
      {
        StreamArn: this.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: this.checkpoints.get(shardId) } : {}),
      },
    );
    return ShardIterator;
  }

  /** Where a shard without a live iterator is read from: after its checkpoint, else its start (or LATEST). */
  private resumeType(shardId: string): 'LATEST' | 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER' {
    if (this.checkpoints.has(shardId)) return 'AFTER_SEQUENCE_NUMBER';
    return this.fromLatest.has(shardId) ? 'LATEST' : 'TRIM_HORIZON';
  }

  /** Reads one page of a shard: whether it held records, or must be asked again (not quiet). */
  private async readShard(shard: Shard): Promise<'records' | 'none' | 'again'> {
    const iterator =
      this.iterators.get(shard.ShardId) ??
      (await this.iterator(shard.ShardId, this.resumeType(shard.ShardId)));
    const { delivery } = this.options;
    let page: { Records?: StreamRecord[]; NextShardIterator?: string };
    try {
      page = await callDynamo(this.options.endpoint, STREAMS, 'GetRecords', {
        ShardIterator: iterator,
        Limit: this.options.pageSize ?? (delivery.kind === 'batch' ? 100 : 500),
      });
    } catch (error) {
      // DynamoDB Local answers an iterator of a shard with no record yet this way (LATEST too): the
      // shard is read from its start next round (it had nothing to leave out).
      if (!isDynamoError(error, 'TrimmedDataAccessException')) throw error;
      this.iterators.delete(shard.ShardId);
      this.fromLatest.delete(shard.ShardId);
      return 'again';
    }
    const records = page.Records ?? [];
    if (delivery.kind === 'batch') {
      const passed = delivery.filter ? records.filter((r) => matchesFilter(delivery.filter!, r)) : records;
      if (passed.length > 0) await this.deliverBatch(delivery, passed as unknown as DynamoDBRecord[]);
      this.checkpoint(shard.ShardId, records[records.length - 1]);
    } else {
      for (const record of records) {
        try {
          await delivery.onRecord(record);
        } catch (error) {
          // Read this record again next round (after the last one handled).
          this.iterators.delete(shard.ShardId);
          throw error;
        }
        this.checkpoint(shard.ShardId, record);
      }
    }
    if (page.NextShardIterator) this.iterators.set(shard.ShardId, page.NextShardIterator);
    else {
      this.iterators.delete(shard.ShardId);
      this.finished.add(shard.ShardId);
    }
    return records.length > 0 ? 'records' : 'none';
  }

  private checkpoint(shardId: string, record: StreamRecord | undefined): void {
    if (!record) return;
    this.checkpoints.set(shardId, record.dynamodb.SequenceNumber);
    this.fromLatest.delete(shardId);
  }

  /** Lambda's retries of a stream batch, then the on-failure destination (reported, skipped). */
  private async deliverBatch(
    delivery: Extract<StreamDelivery, { kind: 'batch' }>,
    records: DynamoDBRecord[],
  ): Promise<void> {
    const attempts = delivery.maxAgeMs === undefined ? (delivery.maxAttempts ?? 5) : Infinity;
    const giveUpAt = Date.now() + (delivery.maxAgeMs ?? Infinity);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await delivery.handler({ Records: records });
        return;
      } catch (error) {
        if (attempt >= attempts || Date.now() >= giveUpAt) {
          this.options.onError?.(error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 1000)));
      }
    }
  }

  private async run(): Promise<void> {
    const kind = this.options.delivery.kind;
    while (this.running) {
      let busy = false;
      let unsure = false;
      try {
        if (this.rounds % DISCOVERY_EVERY_ROUNDS === 0 || this.shards.length === 0) await this.discover();
        for (const shard of shardsToRead(this.shards, this.finished)) {
          if (!this.running) break;
          const read = await this.readShard(shard);
          if (read === 'records') busy = true;
          if (read === 'again') unsure = true;
        }
        this.quietRounds = busy || unsure ? 0 : this.quietRounds + 1;
        this.rounds += 1;
      } catch (error) {
        busy = false;
        this.quietRounds = 0;
        // The instance may be down or restarted: iterators are rebuilt from the checkpoints.
        this.iterators.clear();
        this.shards = [];
        if (this.running) this.options.onError?.(error);
        await this.sleep(LAMBDA_POLL_INTERVAL_MS);
        continue;
      }
      const pause = pauseAfterRound(kind, busy, this.quietRounds);
      if (pause > 0 && this.running) await this.sleep(pause);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops after the batch or record in hand. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}
