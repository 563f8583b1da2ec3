/**
 * Lambda's DynamoDB stream event source, locally: reads a table's stream from DynamoDB Local's
 * Streams API (the same records Lambda hands a function: `eventName`, `dynamodb.NewImage`, ...)
 * and calls the handler with `{ Records }`, one shard at a time, in stream order. A batch that
 * fails is retried as is (Lambda retries a stream batch until it succeeds or its records expire;
 * locally, `maxAttempts` then the error is reported and the batch skipped, as an on-failure
 * destination would take it). No SDK client ships for the Streams API here, so it speaks the JSON
 * protocol directly; DynamoDB Local does not check signatures.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamFilterPattern } from '../src/catalog/functions';
import { matchesFilter } from './stream-filter';

export interface StreamPollerOptions {
  readonly endpoint: string;
  readonly tableName: string;
  readonly handler: (event: { Records: DynamoDBRecord[] }) => Promise<unknown>;
  /** The event source's filter: records it does not match never reach the handler (as in Lambda). */
  readonly filter?: StreamFilterPattern;
  readonly batchSize?: number;
  readonly idleMs?: number;
  readonly maxAttempts?: number;
  readonly onError?: (error: unknown) => void;
}

interface Shard {
  readonly ShardId: string;
  readonly ParentShardId?: string;
}

/** Lambda's polling rate of a stream shard (four times a second). */
const POLL_INTERVAL_MS = 250;

export class DynamoDbStreamPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly iterators = new Map<string, string | null>();
  private wake: (() => void) | undefined;

  constructor(private readonly options: StreamPollerOptions) {}

  private async call<T>(target: string, body: unknown): Promise<T> {
    const response = await fetch(this.options.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${target}`,
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${target}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async start(): Promise<void> {
    const { Streams } = await this.call<{ Streams?: { StreamArn: string }[] }>('ListStreams', {
      TableName: this.options.tableName,
    });
    const arn = Streams?.[0]?.StreamArn;
    if (!arn) throw new Error(`table ${this.options.tableName} has no stream`);
    // Shards open now are read from their end (the local mode starts this before any write);
    // shards that appear later are read from their start.
    await this.discover(arn, 'LATEST');
    this.running = true;
    this.loop = this.run(arn);
  }

  private async iteratorFor(arn: string, shardId: string, type: 'LATEST' | 'TRIM_HORIZON'): Promise<string> {
    const { ShardIterator } = await this.call<{ ShardIterator: string }>('GetShardIterator', {
      StreamArn: arn,
      ShardId: shardId,
      ShardIteratorType: type,
    });
    return ShardIterator;
  }

  private async discover(arn: string, type: 'LATEST' | 'TRIM_HORIZON' = 'TRIM_HORIZON'): Promise<void> {
    const { StreamDescription } = await this.call<{ StreamDescription: { Shards?: Shard[] } }>(
      'DescribeStream',
      {
        StreamArn: arn,
      },
    );
    for (const shard of StreamDescription.Shards ?? []) {
      if (this.iterators.has(shard.ShardId)) continue;
      this.iterators.set(shard.ShardId, await this.iteratorFor(arn, shard.ShardId, type));
    }
  }

  private async deliver(records: DynamoDBRecord[]): Promise<void> {
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.options.handler({ Records: records });
        return;
      } catch (error) {
        if (attempt >= attempts) {
          this.options.onError?.(error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  private async run(arn: string): Promise<void> {
    let sinceDiscovery = 0;
    while (this.running) {
      let busy = false;
      try {
        for (const [shardId, iterator] of [...this.iterators].sort(([a], [b]) => a.localeCompare(b))) {
          if (!iterator) continue;
          let page: { Records?: DynamoDBRecord[]; NextShardIterator?: string };
          try {
            page = await this.call('GetRecords', {
              ShardIterator: iterator,
              Limit: this.options.batchSize ?? 100,
            });
          } catch (error) {
            // DynamoDB Local answers a TRIM_HORIZON iterator of a shard with no record yet this
            // way: ask again from the start of the shard next round.
            if (!String(error).includes('TrimmedDataAccessException')) throw error;
            this.iterators.set(shardId, await this.iteratorFor(arn, shardId, 'TRIM_HORIZON'));
            continue;
          }
          this.iterators.set(shardId, page.NextShardIterator ?? null);
          if (page.Records && page.Records.length > 0) {
            busy = true;
            const { filter } = this.options;
            const records = filter ? page.Records.filter((r) => matchesFilter(filter, r)) : page.Records;
            if (records.length > 0) await this.deliver(records);
          }
        }
        sinceDiscovery += 1;
        if (sinceDiscovery >= 20) {
          sinceDiscovery = 0;
          await this.discover(arn);
        }
      } catch (error) {
        if (this.running) this.options.onError?.(error);
      }
      // An idle stream is polled four times a second, as Lambda polls each shard; a busy one with a
      // short pause between batches (read back to back, a hot table's stream, the event log's,
      // kept DynamoDB Local from serving the writes: webhook deliveries stalled in the tests).
      if (this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(
            resolve,
            this.options.idleMs ?? (busy ? POLL_INTERVAL_MS / 5 : POLL_INTERVAL_MS),
          );
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** Stops after the batch in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}
