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

/**
 * The version item's update, shared by every change to a key list. `expectedVersion` undefined: an
 * unconditional bump (supplier creation, legacy CLI paths). `usageKey` (ADR 0036's backfill) is kept
 * on the version item too, so the list's usage key is found even when all its keys are revoked.
 */
export function bumpVersion(
  tableName: string,
  owner: KeyOwner,
  expectedVersion: number | undefined,
  usageKey?: string,
) {
  const Key = { pk: ownerPartition(owner), sk: KEY_LIST_VERSION_SK };
  if (expectedVersion === undefined) {
    if (usageKey !== undefined) throw new Error('a usage key is set with an expected version only');
    return {
      Update: {
        TableName: tableName,
        Key,
        UpdateExpression: 'ADD version :one',
        ExpressionAttributeValues: { ':one': 1 },
      },
    };
  }
  return {
    Update: {
      TableName: tableName,
      Key,
      UpdateExpression: `SET version = :next${usageKey === undefined ? '' : ', usageKey = :usageKey'}`,
      ConditionExpression:
        expectedVersion === 0
          ? 'attribute_not_exists(version) OR version = :expected'
          : 'version = :expected',
      ExpressionAttributeValues: {
        ':next': expectedVersion + 1,
        ':expected': expectedVersion,
        ...(usageKey === undefined ? {} : { ':usageKey': usageKey }),
      },
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
