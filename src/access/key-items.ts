/**
 * The Tenants table's layout of an owner's key list (issue 9), as plain objects: shared by the
 * key-list adapter (adapters/dynamo-api-keys.ts) and the tenant store that creates suppliers and
 * operators' keys (src/reviews/adapters/dynamo-records.ts), so both write the same items.
 */
import type { KeyOwner, NewStoredKey } from './ports';

export const ownerPartition = (owner: KeyOwner): string =>
  owner.kind === 'ops' ? 'OPSKEYS' : `SUPPLIER#${owner.supplierId}`;
/** The owner named on an authorizer item: `supplierId` is `ops` for operators' keys. */
export const ownerOfRecord = (record: { supplierId: string; role?: string }): KeyOwner =>
  record.role === 'ops' ? { kind: 'ops' } : { kind: 'supplier', supplierId: record.supplierId };

export const KEY_LIST_PREFIX = 'APIKEYS#';
export const KEY_LIST_VERSION_SK = 'APIKEYS';

/** The version item's update, shared by every change to a key list. */
export function bumpVersion(tableName: string, owner: KeyOwner, expectedVersion: number | undefined) {
  return {
    Update: {
      TableName: tableName,
      Key: { pk: ownerPartition(owner), sk: KEY_LIST_VERSION_SK },
      // expectedVersion undefined: an unconditional bump (supplier creation, legacy CLI paths).
      ...(expectedVersion === undefined
        ? {
            UpdateExpression: 'ADD version :one',
            ExpressionAttributeValues: { ':one': 1 },
          }
        : expectedVersion === 0
          ? {
              UpdateExpression: 'SET version = :next',
              ConditionExpression: 'attribute_not_exists(version) OR version = :expected',
              ExpressionAttributeValues: { ':next': 1, ':expected': 0 },
            }
          : {
              UpdateExpression: 'SET version = :next',
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':next': expectedVersion + 1, ':expected': expectedVersion },
            }),
    },
  };
}

/** The owner's list item of a new key. */
export function keyListItem(owner: KeyOwner, key: NewStoredKey): Record<string, unknown> {
  return {
    pk: ownerPartition(owner),
    sk: `${KEY_LIST_PREFIX}${key.keyId}`,
    keyId: key.keyId,
    keyHash: key.keyHash,
    ...(key.label !== undefined ? { label: key.label } : {}),
    createdAt: key.createdAt,
    ...(key.expiresAt !== undefined ? { expiresAt: key.expiresAt } : {}),
    ...(key.usageKey !== undefined ? { usageKey: key.usageKey } : {}),
    status: 'active',
  };
}
