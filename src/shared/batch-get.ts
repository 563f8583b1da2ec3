/**
 * Whole items of a page read through an index that holds only keys (or a few attributes): one
 * BatchGetItem per 100 keys, unprocessed keys retried with backoff, the items returned in the
 * order of the keys (the index's order). A key whose item is gone (deleted or expired between the
 * index read and this one) is left out. ADR 0032.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

const BATCH_GET_MAX = 100;
const BATCH_GET_TRIES = 8;

export type ItemKey = Readonly<Record<string, string>>;

export async function batchGetInOrder(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  keyAttributes: readonly string[],
  options: { readonly consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const identity = (item: Readonly<Record<string, unknown>>) =>
    JSON.stringify(keyAttributes.map((name) => item[name]));
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(keys.map((key) => [identity(key), key])).values()];
  for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
    let pending: Record<string, unknown>[] | undefined = unique
      .slice(i, i + BATCH_GET_MAX)
      .map((key) => Object.fromEntries(keyAttributes.map((name) => [name, key[name]])));
    for (let tries = 0; pending && pending.length > 0; tries += 1) {
      if (tries >= BATCH_GET_TRIES)
        throw new Error(`BatchGetItem left keys unprocessed after ${tries} tries`);
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** tries)));
      const result: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}) },
          },
        }),
      );
      for (const item of result.Responses?.[tableName] ?? []) found.set(identity(item), item);
      pending = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return keys.flatMap((key) => {
    const item = found.get(identity(key));
    return item ? [item] : [];
  });
}
