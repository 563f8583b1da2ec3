/**
 * Reads every record of one table's DynamoDB stream in DynamoDB Local, in order, one record at a
 * time, and remembers the last one handled in each shard: a record whose handler fails is read
 * again (nothing is skipped), and when the instance stops and comes back (with its data in files)
 * the reading resumes after the last record handled. A shard is read only once its parent is
 * finished, so the records of one item stay in order.
 */
import { callDynamo, isDynamoError, type JsonItem } from './dynamo-json';

export interface StreamRecord {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly dynamodb: {
    readonly Keys: JsonItem;
    readonly NewImage?: JsonItem;
    readonly OldImage?: JsonItem;
    readonly SequenceNumber: string;
  };
}

export interface StreamReaderOptions {
  readonly endpoint: string;
  readonly tableName: string;
  readonly onRecord: (record: StreamRecord) => Promise<void>;
  /** Where to begin in the shards open at start: all their records (default) or new ones only. */
  readonly from?: 'TRIM_HORIZON' | 'LATEST';
  /** The pause after a round with no record: doubles while quiet, from 25 ms to `idleMs` (400). */
  readonly idleMs?: number;
  readonly onError?: (error: unknown) => void;
}

interface Shard {
  readonly ShardId: string;
  readonly ParentShardId?: string;
}

const STREAMS = 'DynamoDBStreams_20120810';

export class TableStreamReader {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private streamArn: string | undefined;
  private shards: Shard[] = [];
  private readonly iterators = new Map<string, string>();
  private readonly checkpoints = new Map<string, string>();
  private readonly finished = new Set<string>();
  private firstDiscovery = true;
  private quietRounds = 0;
  private rounds = 0;

  constructor(private readonly options: StreamReaderOptions) {}

  start(): void {
    this.running = true;
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
    const shards = [...(StreamDescription.Shards ?? [])].sort((a, b) => a.ShardId.localeCompare(b.ShardId));
    // Shards open when reading begins at LATEST are read from their end; later ones from their start.
    if (this.firstDiscovery && this.options.from === 'LATEST') {
      for (const shard of shards) {
        this.iterators.set(shard.ShardId, await this.iterator(shard.ShardId, 'LATEST'));
      }
    }
    this.firstDiscovery = false;
    this.shards = shards;
  }

  private async iterator(
    shardId: string,
    type: 'LATEST' | 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER',
  ): Promise<string> {
    const checkpoint = this.checkpoints.get(shardId);
    const { ShardIterator } = await callDynamo<{ ShardIterator: string }>(
      this.options.endpoint,
      STREAMS,
      'GetShardIterator',
      {
        StreamArn: this.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: checkpoint } : {}),
      },
    );
    return ShardIterator;
  }

  /** Reads one page of a shard: whether it held records, or must be asked again (not quiet). */
  private async readShard(shard: Shard): Promise<'records' | 'none' | 'again'> {
    let iterator = this.iterators.get(shard.ShardId);
    iterator ??= await this.iterator(
      shard.ShardId,
      this.checkpoints.has(shard.ShardId) ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
    );
    let page: { Records?: StreamRecord[]; NextShardIterator?: string };
    try {
      page = await callDynamo(this.options.endpoint, STREAMS, 'GetRecords', {
        ShardIterator: iterator,
        Limit: 500,
      });
    } catch (error) {
      // DynamoDB Local answers a TRIM_HORIZON iterator of a shard with no record yet this way.
      if (!isDynamoError(error, 'TrimmedDataAccessException')) throw error;
      this.iterators.delete(shard.ShardId);
      return 'again';
    }
    const records = page.Records ?? [];
    for (const record of records) {
      try {
        await this.options.onRecord(record);
      } catch (error) {
        // Read this record again next round (after the last one handled).
        this.iterators.delete(shard.ShardId);
        throw error;
      }
      this.checkpoints.set(shard.ShardId, record.dynamodb.SequenceNumber);
    }
    if (page.NextShardIterator) this.iterators.set(shard.ShardId, page.NextShardIterator);
    else {
      this.iterators.delete(shard.ShardId);
      this.finished.add(shard.ShardId);
    }
    return records.length > 0 ? 'records' : 'none';
  }

  private async run(): Promise<void> {
    let round = 0;
    while (this.running) {
      let busy = false;
      let unsure = false;
      try {
        if (round % 20 === 0 || this.shards.length === 0) await this.discover();
        round += 1;
        for (const shard of this.shards) {
          if (!this.running) break;
          if (this.finished.has(shard.ShardId)) continue;
          const parentOpen =
            shard.ParentShardId !== undefined &&
            this.shards.some((s) => s.ShardId === shard.ParentShardId) &&
            !this.finished.has(shard.ParentShardId);
          if (parentOpen) continue;
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
        await this.sleep(250);
      }
      // Many readers share two cores: a quiet stream is asked less and less often.
      if (!busy && this.running) {
        await this.sleep(Math.min(this.options.idleMs ?? 400, 25 * 2 ** Math.min(this.quietRounds, 5)));
      }
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

  /** Stops after the record in hand. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}
