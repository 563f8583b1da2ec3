/**
 * The RateLimiter port on DynamoDB (table RateLimits): one item per bucket, pk=BUCKET#<name>,
 * holding `tokens`, `asOfMs` and a `version`. `take` reads the buckets (strongly consistent), runs
 * the token-bucket arithmetic (domain/token-bucket.ts) and writes every bucket in ONE transaction,
 * each put conditional on the version it read (or on the item's absence): all buckets or none,
 * and two workers can never spend the same tokens. A lost race re-reads and re-computes.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  drainUntil,
  fullBucket,
  takeTokens,
  type BucketPolicy,
  type BucketState,
} from '../domain/token-bucket';
import type { RateLimiter } from '../ports';

/** After this many lost races the caller is told to come back shortly (never an error, never a grant). */
const MAX_ROUNDS = 8;
const CONTENTION_WAIT_MS = 250;
/** Idle buckets expire (a full bucket is what an absent item means anyway). */
const IDLE_TTL_SECONDS = 2 * 86_400;

interface StoredBucket {
  readonly state: BucketState;
  /** 0 when the item does not exist. */
  readonly version: number;
}

export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The policy of each bucket name (domain/quota-policy.ts `bucketPolicy`). */
    private readonly policyOf: (bucket: string) => BucketPolicy | undefined,
  ) {}

  private policy(bucket: string): BucketPolicy {
    const policy = this.policyOf(bucket);
    if (!policy) throw new Error(`no quota policy for bucket ${bucket}`);
    return policy;
  }

  private async read(bucket: string, nowMs: number): Promise<StoredBucket> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `BUCKET#${bucket}` }, ConsistentRead: true }),
    );
    if (!Item) return { state: fullBucket(this.policy(bucket), nowMs), version: 0 };
    return {
      state: { tokens: Number(Item.tokens), asOfMs: Number(Item.asOfMs) },
      version: Number(Item.version),
    };
  }

  private put(bucket: string, next: BucketState, expectedVersion: number) {
    return {
      TableName: this.tableName,
      Item: {
        pk: `BUCKET#${bucket}`,
        tokens: next.tokens,
        asOfMs: next.asOfMs,
        version: expectedVersion + 1,
        expiresAt: Math.floor(next.asOfMs / 1000) + IDLE_TTL_SECONDS,
      },
      ...(expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
    };
  }

  async take(
    buckets: readonly string[],
    cost: number,
    nowMs: number,
  ): Promise<{ ok: true } | { ok: false; waitMs: number }> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const stored = await Promise.all(buckets.map((b) => this.read(b, nowMs)));
      const results = buckets.map((b, i) => takeTokens(stored[i]!.state, this.policy(b), cost, nowMs));
      const waits = results.flatMap((r) => (r.ok ? [] : [r.waitMs]));
      if (waits.length > 0) return { ok: false, waitMs: Math.max(...waits) };
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: buckets.map((b, i) => {
              const result = results[i]!;
              if (!result.ok) throw new Error('unreachable: every bucket had its tokens');
              return { Put: this.put(b, result.next, stored[i]!.version) };
            }),
          }),
        );
        return { ok: true };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // Another worker wrote a bucket first (condition failed or a conflicting transaction): again.
      }
    }
    return { ok: false, waitMs: CONTENTION_WAIT_MS };
  }

  async tighten(bucket: string, untilMs: number, nowMs: number): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { state, version } = await this.read(bucket, nowMs);
      const next = drainUntil(state, untilMs);
      if (next === state) return;
      try {
        await this.client.send(new PutCommand(this.put(bucket, next, version)));
        return;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    throw new Error(`could not tighten bucket ${bucket}: too much contention`);
  }
}
