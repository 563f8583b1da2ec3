/**
 * Connections in DynamoDB (catalog table `Connections`; access patterns beside its definition):
 * the connection item pk=CONNECTION#<id>, sk=CONNECTION, with its pending authorization (PKCE
 * verifier, nonce) while pending, and its sealed token slots pk=CONNECTION#<id>, sk=TOKEN#<slot>
 * (ciphertext only). One class implements the ports over the one table (and the status counts of
 * the health gauges).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ConnectedLocation, Connection, ConnectionStatus } from '../domain/connection';
import type { SealedSecret } from '../domain/envelope';
import type { ConnectedPlatform, SyncCursor } from '../domain/platform';
import type {
  AvailableLocation,
  ConnectionLifecycleStore,
  PendingAuthorization,
  TokenSlot,
  TokenVault,
} from '../oauth-ports';
import type { ConnectionStatusCounts } from '../audit-ports';
import type { ConnectionStore } from '../ports';

const CONNECTION_SK = 'CONNECTION';
const pkOf = (connectionId: string) => `CONNECTION#${connectionId}`;
const keyOf = (connectionId: string) => ({ pk: pkOf(connectionId), sk: CONNECTION_SK });
const statusKey = (status: ConnectionStatus) => `STATUS#${status}`;

const CONNECTION_FIELDS = [
  'connectionId',
  'supplierId',
  'platform',
  'status',
  'accountId',
  'locations',
  'settings',
  'statusReason',
  'lastFailureKind',
  'createdAt',
  'updatedAt',
] as const;

function toConnection(item: Record<string, unknown>): Connection {
  const picked: Record<string, unknown> = {};
  for (const field of CONNECTION_FIELDS) if (item[field] !== undefined) picked[field] = item[field];
  picked.locations ??= [];
  return picked as unknown as Connection;
}

function toItem(connection: Connection): Record<string, unknown> {
  return {
    ...keyOf(connection.connectionId),
    ...connection,
    gsi1pk: `SUPPLIER#${connection.supplierId}`,
    gsi1sk: `${connection.createdAt}#${connection.connectionId}`,
    gsi2pk: statusKey(connection.status),
    gsi2sk: connection.connectionId,
  };
}

const conditionFailed = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoConnectionStore
  implements ConnectionStore, ConnectionLifecycleStore, TokenVault, ConnectionStatusCounts
{
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(supplierId: string, connectionId: string): Promise<Connection | undefined> {
    const connection = await this.getById(connectionId);
    // Another supplier's connection looks exactly like a missing one.
    return connection?.supplierId === supplierId ? connection : undefined;
  }

  async getById(connectionId: string): Promise<Connection | undefined> {
    const item = await this.item(connectionId);
    return item ? toConnection(item) : undefined;
  }

  async list(supplierId: string): Promise<Connection[]> {
    const items: Connection[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'bySupplier',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `SUPPLIER#${supplierId}` },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []).map(toConnection));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async listActive(
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ items: Connection[]; next?: Record<string, unknown> }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': statusKey('active') },
        Limit: limit,
        ExclusiveStartKey: cursor,
      }),
    );
    return {
      items: (page.Items ?? []).map(toConnection),
      ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
    };
  }

  /** Connections of each platform in `status` (byStatus, only the platform read), for the health gauges. */
  async countByStatus(status: ConnectionStatus): Promise<Partial<Record<ConnectedPlatform, number>>> {
    const counts: Partial<Record<ConnectedPlatform, number>> = {};
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byStatus',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': statusKey(status) },
          ProjectionExpression: 'platform',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const platform = item.platform as ConnectedPlatform;
        counts[platform] = (counts[platform] ?? 0) + 1;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return counts;
  }

  /** Writes the whole connection (its pending authorization and offered locations go with a rewrite). */
  async put(connection: Connection): Promise<void> {
    const previous = await this.item(connection.connectionId);
    const available = previous?.available;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...toItem(connection),
          ...(connection.status !== 'disconnected' && available !== undefined ? { available } : {}),
        },
      }),
    );
  }

  async setStatus(
    connectionId: string,
    from: ConnectionStatus,
    to: ConnectionStatus,
    reason: string,
    at: string,
  ): Promise<boolean> {
    return this.update(connectionId, {
      UpdateExpression: 'SET #status = :to, statusReason = :reason, updatedAt = :at, gsi2pk = :gsi',
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':to': to,
        ':from': from,
        ':reason': reason,
        ':at': at,
        ':gsi': statusKey(to),
      },
    });
  }

  async saveCursor(
    connectionId: string,
    locationId: string,
    cursor: SyncCursor | undefined,
    at: string,
  ): Promise<void> {
    const item = await this.item(connectionId);
    const locations = (item?.locations ?? []) as ConnectedLocation[];
    const index = locations.findIndex((l) => l.locationId === locationId);
    if (index < 0) return; // the supplier dropped the location meanwhile: nothing to keep
    await this.update(connectionId, {
      UpdateExpression: cursor
        ? `SET locations[${index}].#cursor = :cursor, locations[${index}].lastSyncAt = :at`
        : `SET locations[${index}].lastSyncAt = :at REMOVE locations[${index}].#cursor`,
      ConditionExpression: `locations[${index}].locationId = :location`,
      ExpressionAttributeNames: { '#cursor': 'cursor' },
      ExpressionAttributeValues: {
        ':location': locationId,
        ':at': at,
        ...(cursor ? { ':cursor': cursor } : {}),
      },
    });
  }

  async createPending(connection: Connection, pending: PendingAuthorization): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...toItem(connection), pending, expiresAt: pending.expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async claimAuthorization(connectionId: string, nonce: string): Promise<PendingAuthorization | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(connectionId),
          UpdateExpression: 'REMOVE pending',
          ConditionExpression: '#status = :pending AND pending.nonce = :nonce',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':nonce': nonce },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes?.pending as PendingAuthorization | undefined;
    } catch (error) {
      if (conditionFailed(error)) return undefined;
      throw error;
    }
  }

  async activate(
    connectionId: string,
    update: {
      accountId?: string;
      available: readonly AvailableLocation[];
      locations: readonly ConnectedLocation[];
      settings?: Readonly<Record<string, string>>;
      at: string;
    },
  ): Promise<boolean> {
    return this.update(connectionId, {
      // Active connections do not expire: the pending item's TTL goes.
      UpdateExpression:
        'SET #status = :active, gsi2pk = :gsi, available = :available, locations = :locations, updatedAt = :at' +
        (update.accountId ? ', accountId = :account' : '') +
        (update.settings ? ', settings = :settings' : '') +
        ' REMOVE expiresAt, statusReason',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':active': 'active',
        ':pending': 'pending',
        ':gsi': statusKey('active'),
        ':available': update.available,
        ':locations': update.locations,
        ':at': update.at,
        ...(update.accountId ? { ':account': update.accountId } : {}),
        ...(update.settings ? { ':settings': update.settings } : {}),
      },
    });
  }

  async availableLocations(connectionId: string): Promise<readonly AvailableLocation[]> {
    const item = await this.item(connectionId);
    return (item?.available ?? []) as AvailableLocation[];
  }

  async setSettings(
    connectionId: string,
    settings: Readonly<Record<string, string>>,
    at: string,
  ): Promise<boolean> {
    return this.update(connectionId, {
      UpdateExpression: 'SET settings = :settings, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND #status <> :disconnected',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':settings': settings, ':at': at, ':disconnected': 'disconnected' },
    });
  }

  async setLocations(
    connectionId: string,
    locations: readonly ConnectedLocation[],
    at: string,
  ): Promise<boolean> {
    return this.update(connectionId, {
      UpdateExpression: 'SET locations = :locations, updatedAt = :at',
      ConditionExpression: '#status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':locations': locations, ':at': at, ':active': 'active' },
    });
  }

  async load(
    connectionId: string,
    slot: TokenSlot,
  ): Promise<{ sealed: SealedSecret; version: number } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pkOf(connectionId), sk: `TOKEN#${slot}` },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { encryptedKey, keyId, iv, tag, ciphertext, version } = Item;
    return {
      sealed: {
        encryptedKey: String(encryptedKey),
        keyId: String(keyId),
        iv: String(iv),
        tag: String(tag),
        ciphertext: String(ciphertext),
      },
      version: Number(version),
    };
  }

  async save(
    connectionId: string,
    slot: TokenSlot,
    sealed: SealedSecret,
    expectedVersion: number,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: pkOf(connectionId), sk: `TOKEN#${slot}`, ...sealed, version: expectedVersion + 1 },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async erase(connectionId: string): Promise<number> {
    const keys: { pk: string; sk: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :token)',
          ExpressionAttributeValues: { ':pk': pkOf(connectionId), ':token': 'TOKEN#' },
          ProjectionExpression: 'pk, sk',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      keys.push(...((page.Items ?? []) as { pk: string; sk: string }[]));
      start = page.LastEvaluatedKey;
    } while (start);
    for (let i = 0; i < keys.length; i += 25) {
      let requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']> = {
        [this.tableName]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })),
      };
      // Unprocessed deletes are retried until none is left (a token must not survive a disconnect).
      for (let attempt = 0; Object.keys(requests).length > 0; attempt += 1) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: requests }),
        );
        requests = UnprocessedItems ?? {};
        if (attempt > 8) throw new Error('token erase: deletes still unprocessed after retries');
      }
    }
    return keys.length;
  }

  private async item(connectionId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(connectionId), ConsistentRead: true }),
    );
    return Item;
  }

  private async update(
    connectionId: string,
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({ TableName: this.tableName, Key: keyOf(connectionId), ...input }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }
}
