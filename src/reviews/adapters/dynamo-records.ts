/** Small DynamoDB adapters: parked messages, review requests, tenants (suppliers and API keys). */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { erasureIdFor, subjectHash, subjectIndexKey, tombstoneKey } from '../../privacy';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { bumpVersion, keyListItem, ownerOfRecord, ownerPartition, KEY_LIST_PREFIX } from '../../access';
import type {
  DailyQuota,
  RejectedStore,
  ReviewRequestRecord,
  ReviewRequestRepository,
  ReviewRequestStatus,
  SupplierDirectory,
} from '../ports';
import { RecipientErasedError } from '../ports';

const DAY_SECONDS = 86_400;
const REJECTED_RETENTION_DAYS = 30;

export class DynamoRejectedStore implements RejectedStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async park(record: { queue: string; messageId: string; body: string; reason: string; detail: string }) {
    const at = this.now();
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `QUEUE#${record.queue}#${at.toISOString().slice(0, 10)}`,
          sk: record.messageId,
          ...record,
          // The raw body is kept as sent (bounded by SQS's own 256 KiB limit) so it can be replayed.
          parkedAt: at.toISOString(),
          expiresAt: Math.floor(at.getTime() / 1000) + REJECTED_RETENTION_DAYS * DAY_SECONDS,
        },
      }),
    );
  }
}

export class DynamoReviewRequestRepository implements ReviewRequestRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(supplierId: string, requestId: string) {
    return { pk: `SUPPLIER#${supplierId}`, sk: `REQUEST#${requestId}` };
  }

  async put(record: ReviewRequestRecord): Promise<void> {
    const item = {
      ...this.key(record.supplierId, record.requestId),
      ...record,
      expiresAt: Math.floor(new Date(record.expiresAt).getTime() / 1000),
      expiresAtIso: record.expiresAt,
    };
    if (record.email === undefined) {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return;
    }
    // Data subject requests (src/privacy) find a person's requests by the hash of their address
    // (index bySubject); the write checks the address's erasure tombstone in the same transaction.
    const hash = subjectHash(record.email);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...item,
                  subjectHash: hash,
                  gsi1pk: subjectIndexKey(hash),
                  gsi1sk: `${record.createdAt}#${record.requestId}`,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: tombstoneKey(erasureIdFor(hash)),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed'
      ) {
        throw new RecipientErasedError();
      }
      throw error;
    }
  }

  async get(supplierId: string, requestId: string): Promise<ReviewRequestRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: this.key(supplierId, requestId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const optional = (name: string) =>
      typeof Item[name] === 'string' ? { [name]: Item[name] as string } : {};
    return {
      supplierId: String(Item.supplierId),
      requestId: String(Item.requestId),
      coupleName: String(Item.coupleName),
      ...optional('email'),
      weddingDate: String(Item.weddingDate),
      createdAt: String(Item.createdAt),
      expiresAt: String(Item.expiresAtIso),
      // Requests stored before ADR 0010 had their token returned to the supplier: a link.
      delivery: Item.delivery === 'email' ? 'email' : 'link',
      status: (typeof Item.status === 'string' ? Item.status : 'issued') as ReviewRequestStatus,
      ...optional('sentAt'),
      ...optional('failedAt'),
      ...optional('failureReason'),
    };
  }

  async markSent(supplierId: string, requestId: string, sentAt: string): Promise<void> {
    await this.update(
      supplierId,
      requestId,
      'SET #status = :sent, sentAt = :at REMOVE failureReason, failedAt',
      {
        ':sent': 'sent',
        ':at': sentAt,
      },
    );
  }

  async markFailed(supplierId: string, requestId: string, reason: string, failedAt: string): Promise<void> {
    await this.update(
      supplierId,
      requestId,
      'SET #status = :failed, failureReason = :reason, failedAt = :at',
      {
        ':failed': 'failed',
        ':reason': reason.slice(0, 200),
        ':at': failedAt,
      },
    );
  }

  private async update(
    supplierId: string,
    requestId: string,
    expression: string,
    values: Record<string, string>,
  ): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(supplierId, requestId),
          UpdateExpression: expression,
          // Never resurrect an expired (TTL-deleted) request as a stub.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/**
 * Per-supplier daily counters in the ReviewRequests table, one shard per region
 * (pk=SUPPLIER#<sid>, sk=QUOTA#<day>#<region>): the table is a global table, and two regions
 * adding to one item at once would lose one increment to last writer wins (ADR 0020). A take
 * reads the other regions' shards, then one conditional UpdateItem on this region's shard both
 * checks the remaining allowance and counts, so concurrent requests in a region never exceed the
 * limit; across regions the limit can be passed only by what the replication lag hides. Shards
 * expire (TTL) a day after their UTC day ends.
 */
export class DynamoDailyQuota implements DailyQuota {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The region this quota counts in: its shard of each day. */
    private readonly region: string,
  ) {}

  async take(supplierId: string, now: Date, limit: number): Promise<boolean> {
    if (limit <= 0) return false;
    const day = now.toISOString().slice(0, 10);
    const pk = `SUPPLIER#${supplierId}`;
    const ownShard = `QUOTA#${day}#${this.region}`;
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
        ExpressionAttributeValues: { ':pk': pk, ':day': `QUOTA#${day}` },
      }),
    );
    // Every shard but this region's (including a day counted before the shards existed).
    const elsewhere = Items.filter((item) => item.sk !== ownShard).reduce(
      (sum, item) => sum + Number(item.requests ?? 0),
      0,
    );
    const allowance = limit - elsewhere;
    if (allowance <= 0) return false;
    const dayEnds = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) / 1000 + DAY_SECONDS;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: ownShard },
          UpdateExpression: 'ADD requests :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(requests) OR requests < :allowance',
          ExpressionAttributeValues: {
            ':one': 1,
            ':allowance': allowance,
            ':expires': dayEnds + DAY_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

export interface ApiKeyRecord {
  readonly supplierId: string;
  readonly keyId: string;
  readonly status: 'active' | 'revoked';
  /** Operators' keys read the ops routes only; supplier keys are the default. */
  readonly role: 'supplier' | 'ops';
  /** ISO instant after which the key is refused (issue 9); none: it does not expire. */
  readonly expiresAt?: string;
  /** The supplier's usage identifier key (ADR 0036); absent on keys stored before it. */
  readonly usageKey?: string;
}

export class DynamoTenantStore implements SupplierDirectory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The supplier's usage identifier key (ADR 0036), from its profile; undefined for none. */
  async usageKeyOf(supplierId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `SUPPLIER#${supplierId}`, sk: 'PROFILE' },
        ProjectionExpression: 'usageKey',
        ConsistentRead: true,
      }),
    );
    return typeof Item?.usageKey === 'string' ? Item.usageKey : undefined;
  }

  async supplierName(supplierId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `SUPPLIER#${supplierId}`, sk: 'PROFILE' } }),
    );
    return typeof Item?.name === 'string' ? Item.name : undefined;
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `APIKEY#${keyHash}`, sk: 'APIKEY' } }),
    );
    if (!Item) return undefined;
    return {
      supplierId: String(Item.supplierId),
      keyId: String(Item.keyId),
      status: Item.status as ApiKeyRecord['status'],
      role: Item.role === 'ops' ? 'ops' : 'supplier',
      ...(typeof Item.expiresAt === 'string' ? { expiresAt: Item.expiresAt } : {}),
      ...(typeof Item.usageKey === 'string' ? { usageKey: Item.usageKey } : {}),
    };
  }

  /**
   * Revokes an API key, named by the hash of the whole key or by its key id; returns the revoked
   * key, or undefined if no such key exists. Revoking twice is harmless. A key id is found
   * through its pointer item (written with every key since ADR 0010) or, for older keys, by a
   * Scan of this small table: an operator's command, never a request path.
   */
  async revokeApiKey(
    by: { keyHash: string } | { keyId: string },
    revokedAt: string,
  ): Promise<{ keyId: string; supplierId: string; revokedAt: string } | undefined> {
    const keyHash = 'keyHash' in by ? by.keyHash : await this.keyHashOf(by.keyId);
    if (!keyHash) return undefined;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `APIKEY#${keyHash}`, sk: 'APIKEY' },
          UpdateExpression: 'SET #status = :revoked, revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':at': revokedAt },
          ReturnValues: 'ALL_NEW',
        }),
      );
      await this.markListed(Attributes ?? {}, revokedAt);
      return {
        keyId: String(Attributes?.keyId),
        supplierId: String(Attributes?.supplierId),
        // The first revocation's time (revoking again keeps it), so its act is recorded once.
        revokedAt: typeof Attributes?.revokedAt === 'string' ? Attributes.revokedAt : revokedAt,
      };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** The owner's key list (issue 9) follows a revocation made here; keys made before it have none. */
  private async markListed(key: Record<string, unknown>, revokedAt: string): Promise<void> {
    const owner = ownerOfRecord({ supplierId: String(key.supplierId), role: String(key.role) });
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            bumpVersion(this.tableName, owner, undefined),
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: ownerPartition(owner), sk: `${KEY_LIST_PREFIX}${String(key.keyId)}` },
                UpdateExpression: 'SET #status = :revoked, revokedAt = if_not_exists(revokedAt, :at)',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':revoked': 'revoked', ':at': revokedAt },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
    }
  }

  private async keyHashOf(keyId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `KEYID#${keyId}`, sk: 'KEYID' } }),
    );
    if (typeof Item?.keyHash === 'string') return Item.keyHash;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :sk AND keyId = :keyId',
          ExpressionAttributeValues: { ':sk': 'APIKEY', ':keyId': keyId },
          ExclusiveStartKey: start,
        }),
      );
      const found = page.Items?.[0];
      if (found) return String(found.pk).slice('APIKEY#'.length);
      start = page.LastEvaluatedKey;
    } while (start);
    return undefined;
  }

  /**
   * An operator's key: it reads the ops routes and nothing of any supplier. Listed with the
   * operators' keys (`npm run cli -- ops-keys list`), its name as the label.
   */
  async createOpsKey(input: {
    name: string;
    keyId: string;
    keyHash: string;
    createdAt: string;
  }): Promise<void> {
    const owner = { kind: 'ops' } as const;
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: `APIKEY#${input.keyHash}`,
                sk: 'APIKEY',
                supplierId: 'ops',
                role: 'ops',
                name: input.name,
                keyId: input.keyId,
                status: 'active',
                createdAt: input.createdAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: this.tableName, Item: keyIdPointer(input) } },
          { Put: { TableName: this.tableName, Item: keyListItem(owner, { ...input, label: input.name }) } },
          bumpVersion(this.tableName, owner, undefined),
        ],
      }),
    );
  }

  /** Creates the supplier (if new) and one API key, atomically. */
  async createSupplierWithKey(input: {
    supplierId: string;
    name: string;
    keyId: string;
    keyHash: string;
    createdAt: string;
    /** The supplier's usage identifier key (ADR 0036), kept on its profile and each key item. */
    usageKey: string;
  }): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: `SUPPLIER#${input.supplierId}`,
                sk: 'PROFILE',
                supplierId: input.supplierId,
                name: input.name,
                createdAt: input.createdAt,
                usageKey: input.usageKey,
              },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: `APIKEY#${input.keyHash}`,
                sk: 'APIKEY',
                supplierId: input.supplierId,
                keyId: input.keyId,
                status: 'active',
                createdAt: input.createdAt,
                usageKey: input.usageKey,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: this.tableName, Item: keyIdPointer(input) } },
          // The supplier's key list (issue 9): listed, counted towards the two-key limit.
          {
            Put: {
              TableName: this.tableName,
              Item: keyListItem({ kind: 'supplier', supplierId: input.supplierId }, input),
            },
          },
          bumpVersion(this.tableName, { kind: 'supplier', supplierId: input.supplierId }, undefined),
        ],
      }),
    );
  }
}

/** Finds a key's hash from its (non-secret) key id, for revocation by key id. */
const keyIdPointer = (input: { keyId: string; keyHash: string; createdAt: string }) => ({
  pk: `KEYID#${input.keyId}`,
  sk: 'KEYID',
  keyId: input.keyId,
  keyHash: input.keyHash,
  createdAt: input.createdAt,
});
