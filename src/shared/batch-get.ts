/**
 * Whole items of a page read through an index that holds only keys (or a few attributes): one
 * BatchGetItem per 100 keys, unprocessed keys retried with backoff, the items returned in the
 * order of the keys (the index's order). A key whose item is gone (deleted or expired between the
 * index read and this one) is left out. ADR 0032.
 *
 * Either client reads the same items. The low-level one (`dynamoClient()`) is the cheaper per page
 * (ADR 0022): its middleware stack is cached, and each item is unmarshalled once here instead of
 * through the DocumentClient's generic walk of the whole output.
 */
import { BatchGetItemCommand, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { StoreThrottledError } from './store-throttle';

const BATCH_GET_MAX = 100;
const BATCH_GET_TRIES = 8;

export type ItemKey = Readonly<Record<string, string>>;

/** One BatchGetItem of keys (in the client's own form): the items found and the keys left over. */
type ReadBatch<K> = (
  keys: K[],
) => Promise<{ items: Record<string, unknown>[]; unprocessed: K[] | undefined }>;

/**
 * A key's identity: its values, each prefixed by its length (unambiguous for any string, and a
 * fraction of the cost of `JSON.stringify` for the three lookups per key of a page).
 */
const identityOf = (keyAttributes: readonly string[], item: Readonly<Record<string, unknown>>): string => {
  let identity = '';
  for (const name of keyAttributes) {
    const value = String(item[name]);
    identity += `${value.length}:${value}`;
  }
  return identity;
};

export async function batchGetInOrder(
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  keyAttributes: readonly string[],
  options: { readonly consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const consistency = options.consistent ? { ConsistentRead: true } : {};
  if (client instanceof DynamoDBClient) {
    const read: ReadBatch<Record<string, AttributeValue>> = async (pending) => {
      const result = await client.send(
        new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending, ...consistency } } }),
      );
      return {
        items: (result.Responses?.[tableName] ?? []).map((item) => unmarshall(item)),
        unprocessed: result.UnprocessedKeys?.[tableName]?.Keys,
      };
    };
    // Key attributes are strings (ItemKey): their wire form needs no marshaller.
    const wireKey = (key: ItemKey) => {
      const wire: Record<string, AttributeValue> = {};
      for (const name of keyAttributes) wire[name] = { S: String(key[name]) };
      return wire;
    };
    return inOrder(read, wireKey, keys, keyAttributes);
  }
  const read: ReadBatch<Record<string, unknown>> = async (pending) => {
    const result = await client.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ...consistency } } }),
    );
    return {
      items: result.Responses?.[tableName] ?? [],
      unprocessed: result.UnprocessedKeys?.[tableName]?.Keys,
    };
  };
  const documentKey = (key: ItemKey) => Object.fromEntries(keyAttributes.map((name) => [name, key[name]]));
  return inOrder(read, documentKey, keys, keyAttributes);
}

async function inOrder<K>(
  read: ReadBatch<K>,
  wireKey: (key: ItemKey) => K,
  keys: readonly ItemKey[],
  keyAttributes: readonly string[],
): Promise<Record<string, unknown>[]> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(keys.map((key) => [identityOf(keyAttributes, key), key])).values()];
  for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
    let pending: K[] | undefined = unique.slice(i, i + BATCH_GET_MAX).map(wireKey);
    for (let tries = 0; pending && pending.length > 0; tries += 1) {
      // DynamoDB leaves keys unprocessed when the table or index is over capacity (throttled).
      if (tries >= BATCH_GET_TRIES)
        throw new StoreThrottledError(`BatchGetItem left keys unprocessed after ${tries} tries`);
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** tries)));
      const result = await read(pending);
      for (const item of result.items) found.set(identityOf(keyAttributes, item), item);
      pending = result.unprocessed;
    }
  }
  return keys.flatMap((key) => {
    const item = found.get(identityOf(keyAttributes, key));
    return item ? [item] : [];
  });
}
