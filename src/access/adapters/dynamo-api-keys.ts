/**
 * An owner's API keys in the Tenants table (issue 9), beside the authorizer's items:
 * - pk=APIKEY#<sha256>, sk=APIKEY: what the authorizer reads (status, owner, expiresAt);
 * - pk=KEYID#<keyId>, sk=KEYID: key id -> hash (revocation by key id);
 * - pk=<owner>, sk=APIKEYS#<keyId>: the owner's key list (label, times, status, lastUsedAt, hash);
 * - pk=<owner>, sk=APIKEYS: the list's version; every change is a transaction conditional on it.
 * <owner> is SUPPLIER#<sid> for a supplier's keys and OPSKEYS for the operators' keys.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { StoredKey } from '../domain/key-lifecycle';
import type { ApiKeyStore, KeyOwner, KeyUseRecorder, NewStoredKey } from '../ports';
import {
  bumpVersion,
  KEY_LIST_PREFIX,
  KEY_LIST_VERSION_SK,
  keyListItem,
  ownerOfRecord,
  ownerPartition,
} from '../key-items';

/** A condition of the write (or of one item of its transaction) failed: someone wrote first. */
export const isConflict = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed'));

export class DynamoApiKeyStore implements ApiKeyStore, KeyUseRecorder {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listKeys(owner: KeyOwner): Promise<{ keys: StoredKey[]; version: number; usageKey?: string }> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': ownerPartition(owner), ':prefix': KEY_LIST_VERSION_SK },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const versionItem = items.find((item) => item.sk === KEY_LIST_VERSION_SK);
    const usageKey = items.find((item) => typeof item.usageKey === 'string')?.usageKey as string | undefined;
    return {
      ...(usageKey !== undefined ? { usageKey } : {}),
      keys: items.filter((item) => String(item.sk).startsWith(KEY_LIST_PREFIX)).map(storedKeyOf),
      version: typeof versionItem?.version === 'number' ? versionItem.version : 0,
    };
  }

  async addKey(owner: KeyOwner, key: NewStoredKey, expectedVersion: number): Promise<'ok' | 'conflict'> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            bumpVersion(this.tableName, owner, expectedVersion),
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: `APIKEY#${key.keyHash}`,
                  sk: 'APIKEY',
                  supplierId: owner.kind === 'ops' ? 'ops' : owner.supplierId,
                  ...(owner.kind === 'ops' ? { role: 'ops', name: key.label ?? 'ops' } : {}),
                  keyId: key.keyId,
                  status: 'active',
                  createdAt: key.createdAt,
                  ...(key.expiresAt !== undefined ? { expiresAt: key.expiresAt } : {}),
                  ...(key.usageKey !== undefined ? { usageKey: key.usageKey } : {}),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: `KEYID#${key.keyId}`,
                  sk: 'KEYID',
                  keyId: key.keyId,
                  keyHash: key.keyHash,
                  createdAt: key.createdAt,
                },
              },
            },
            { Put: { TableName: this.tableName, Item: keyListItem(owner, key) } },
          ],
        }),
      );
      return 'ok';
    } catch (error) {
      if (isConflict(error)) return 'conflict';
      throw error;
    }
  }

  async revokeKey(
    owner: KeyOwner,
    keyId: string,
    revokedAt: string,
    expectedVersion: number,
  ): Promise<'ok' | 'conflict'> {
    const listKey = { pk: ownerPartition(owner), sk: `${KEY_LIST_PREFIX}${keyId}` };
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: listKey, ConsistentRead: true }),
    );
    if (typeof Item?.keyHash !== 'string') return 'conflict';
    const revoke = 'SET #status = :revoked, revokedAt = if_not_exists(revokedAt, :at)';
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            bumpVersion(this.tableName, owner, expectedVersion),
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: `APIKEY#${Item.keyHash}`, sk: 'APIKEY' },
                UpdateExpression: revoke,
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':revoked': 'revoked', ':at': revokedAt },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: listKey,
                UpdateExpression: revoke,
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':revoked': 'revoked', ':at': revokedAt },
              },
            },
          ],
        }),
      );
      return 'ok';
    } catch (error) {
      if (isConflict(error)) return 'conflict';
      throw error;
    }
  }

  /**
   * One conditional UpdateItem on the owner's list item: written only when no use at or after
   * `threshold` is recorded, and only for a listed key (never creates an item).
   */
  async recordUse(owner: KeyOwner, keyId: string, at: string, threshold: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: ownerPartition(owner), sk: `${KEY_LIST_PREFIX}${keyId}` },
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :t)',
          ExpressionAttributeValues: { ':at': at, ':t': threshold },
        }),
      );
    } catch (error) {
      // Recorded recently by another container, or a key without a list item: nothing to do.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/**
 * Operator's one-off migration: gives every key made before issue 9 (an authorizer item without a
 * list item) its list item, so it is listed, counted by the two-key rule and gets its last use.
 * A Scan of the small Tenants table, run from the CLI, never on a request path. Idempotent.
 */
export async function backfillKeyLists(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let added = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': 'APIKEY' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const owner = ownerOfRecord({ supplierId: String(item.supplierId), role: String(item.role) });
      const listItem = {
        ...keyListItem(owner, {
          keyId: String(item.keyId),
          keyHash: String(item.pk).slice('APIKEY#'.length),
          ...(typeof item.name === 'string' ? { label: item.name } : {}),
          createdAt: typeof item.createdAt === 'string' ? item.createdAt : new Date(0).toISOString(),
          ...(typeof item.expiresAt === 'string' ? { expiresAt: item.expiresAt } : {}),
        }),
        status: item.status === 'revoked' ? 'revoked' : 'active',
        ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
      };
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: listItem,
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              bumpVersion(tableName, owner, undefined),
            ],
          }),
        );
        added += 1;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return added;
}

function storedKeyOf(item: Record<string, unknown>): StoredKey {
  const text = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
  return {
    keyId: String(item.keyId),
    ...text('label'),
    createdAt: String(item.createdAt),
    ...text('expiresAt'),
    ...text('lastUsedAt'),
    ...text('revokedAt'),
    status: item.status === 'revoked' ? 'revoked' : 'active',
  };
}
