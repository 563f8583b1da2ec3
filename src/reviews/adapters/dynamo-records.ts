/** Small DynamoDB adapters: parked messages, review requests, tenants (suppliers and API keys). */
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { RejectedStore, ReviewRequestRecord, ReviewRequestRepository } from '../ports';

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

  async put(record: ReviewRequestRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `SUPPLIER#${record.supplierId}`,
          sk: `REQUEST#${record.requestId}`,
          ...record,
          expiresAt: Math.floor(new Date(record.expiresAt).getTime() / 1000),
          expiresAtIso: record.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}

export interface ApiKeyRecord {
  readonly supplierId: string;
  readonly keyId: string;
  readonly status: 'active' | 'revoked';
  /** Operators' keys read the ops routes only; supplier keys are the default. */
  readonly role: 'supplier' | 'ops';
}

export class DynamoTenantStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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
    };
  }

  /** An operator's key: it reads the ops routes and nothing of any supplier. */
  async createOpsKey(input: {
    name: string;
    keyId: string;
    keyHash: string;
    createdAt: string;
  }): Promise<void> {
    await this.client.send(
      new PutCommand({
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
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  }
}
