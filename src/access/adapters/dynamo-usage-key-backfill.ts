/**
 * The usage key backfill's view of the Tenants table (ADR 0036; src/access/use-cases/
 * backfill-usage-keys.ts). The key is reserved on the supplier's profile as `pendingUsageKey` until
 * it is registered; the assignment then sets `usageKey` on the profile, on the key list's version
 * item and on every active key's authorizer and list items, in one transaction conditional on the
 * list's version, so a key added or revoked meanwhile makes it read again instead of missing it.
 * Keys made before the key lists (issue 9) are not in any list: run `backfillKeyLists` first.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { UsageKeyBackfillStore, UsageKeyReservation } from '../ports';
import { bumpVersion, KEY_LIST_PREFIX, KEY_LIST_VERSION_SK, ownerPartition } from '../key-items';
import { isConflict } from './dynamo-api-keys';

const PROFILE_SK = 'PROFILE';
const SUPPLIER_PREFIX = 'SUPPLIER#';
/** DynamoDB's limit of items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;
/** A busy key list (keys made or revoked during the run) is read again this many times. */
const MAX_VERSION_CONFLICTS = 5;

export class DynamoUsageKeyBackfill implements UsageKeyBackfillStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** A Scan of the small Tenants table: an operator's command, never a request path. */
  async suppliersWithoutUsageKey(): Promise<readonly string[]> {
    const suppliers = new Set<string>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression:
            'attribute_not_exists(usageKey) AND (sk = :profile OR (sk = :apikey AND #status = :active AND ' +
            '(attribute_not_exists(#role) OR #role <> :ops)))',
          ExpressionAttributeNames: { '#status': 'status', '#role': 'role' },
          ExpressionAttributeValues: {
            ':profile': PROFILE_SK,
            ':apikey': 'APIKEY',
            ':active': 'active',
            ':ops': 'ops',
          },
          ProjectionExpression: 'pk, sk, supplierId',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const pk = String(item.pk);
        if (item.sk === PROFILE_SK && pk.startsWith(SUPPLIER_PREFIX))
          suppliers.add(pk.slice(SUPPLIER_PREFIX.length));
        else if (item.sk === 'APIKEY' && typeof item.supplierId === 'string') suppliers.add(item.supplierId);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return [...suppliers].sort();
  }

  async reserveUsageKey(supplierId: string, candidate: string): Promise<UsageKeyReservation | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `${SUPPLIER_PREFIX}${supplierId}`, sk: PROFILE_SK },
          UpdateExpression: 'SET pendingUsageKey = if_not_exists(pendingUsageKey, :candidate)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':candidate': candidate },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (typeof Attributes?.usageKey === 'string')
        return { state: 'assigned', usageKey: Attributes.usageKey };
      return { state: 'reserved', usageKey: String(Attributes?.pendingUsageKey) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async assignUsageKey(supplierId: string, usageKey: string): Promise<{ keys: number } | 'changed'> {
    const owner = { kind: 'supplier', supplierId } as const;
    for (let attempt = 1; attempt <= MAX_VERSION_CONFLICTS; attempt += 1) {
      const items = await this.partition(ownerPartition(owner));
      const profile = items.find((item) => item.sk === PROFILE_SK);
      if (!profile) throw new Error('the supplier has no profile item');
      const current = typeof profile.usageKey === 'string' ? profile.usageKey : profile.pendingUsageKey;
      if (current !== usageKey) return 'changed';
      const version = items.find((item) => item.sk === KEY_LIST_VERSION_SK)?.version;
      const active = items.filter(
        (item) => String(item.sk).startsWith(KEY_LIST_PREFIX) && item.status === 'active',
      );
      if (2 + 2 * active.length > MAX_TRANSACTION_ITEMS)
        throw new Error(`${active.length} active keys: more than one transaction can update`);
      const setUsageKey = (Key: Record<string, unknown>) => ({
        Update: {
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET usageKey = :usageKey',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':usageKey': usageKey },
        },
      });
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { pk: profile.pk, sk: PROFILE_SK },
                  UpdateExpression: 'SET usageKey = :usageKey REMOVE pendingUsageKey',
                  ConditionExpression: 'usageKey = :usageKey OR pendingUsageKey = :usageKey',
                  ExpressionAttributeValues: { ':usageKey': usageKey },
                },
              },
              bumpVersion(this.tableName, owner, typeof version === 'number' ? version : 0, usageKey),
              ...active.flatMap((item) => [
                setUsageKey({ pk: `APIKEY#${String(item.keyHash)}`, sk: 'APIKEY' }),
                setUsageKey({ pk: item.pk, sk: item.sk }),
              ]),
            ],
          }),
        );
        return { keys: active.length };
      } catch (error) {
        if (!isConflict(error)) throw error;
        // The list's version moved, or the profile's key changed: read again and decide again.
      }
    }
    throw new Error(`the key list kept changing (${MAX_VERSION_CONFLICTS} attempts)`);
  }

  private async partition(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
