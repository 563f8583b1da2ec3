/**
 * Whole items of a page read through an index that holds only keys (or a few attributes): one
 * BatchGetItem per 100 keys, unprocessed keys retried with backoff, the items returned in the
 * order of the keys (the index's order). A key whose item is gone (deleted or expired between the
 * index read and this one) is left out. ADR 0032.
 *
 * Either client reads the same items. The low-level one (`dynamoClient()`) is the cheaper per page
 * (ADR 0022): its middleware stack is cached, and each item is unmarshalled once here instead of
 * through the DocumentClient's generic walk of the whole output; `batchGetWireInOrder` leaves the
 * items in the wire form, for a caller that decodes only what it shows (the review listing).
 */
import { BatchGetItemCommand, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { StoreThrottledError } from './store-throttle';

const BATCH_GET_MAX = 100;
const BATCH_GET_TRIES = 8;

export type ItemKey = Readonly<Record<string, string>>;

/** An item in DynamoDB's wire form, as the low-level client returns it. */
export type WireItem = Record<string, AttributeValue>;

/** One BatchGetItem of keys (in the client's own form): the items found and the keys left over. */
type ReadBatch<K, T> = (keys: K[]) => Promise<{ items: T[]; unprocessed: K[] | undefined }>;

/**
 * Items (or keys) by their key values: one Map level per key attribute, so that matching a page's
 * items to its keys builds no identity string per key and per item (ADR 0022, `getcpu2`).
 */
type KeyTree<T> = Map<string, KeyTree<T> | T>;

/** Puts `value` under `values` in `tree`; false when something was there already (now replaced). */
function addTo<T>(tree: KeyTree<T>, values: readonly string[], value: T): boolean {
  let level = tree;
  const last = values.length - 1;
  for (let i = 0; i < last; i += 1) {
    let next = level.get(values[i]!) as KeyTree<T> | undefined;
    if (next === undefined) level.set(values[i]!, (next = new Map()));
    level = next;
  }
  const fresh = !level.has(values[last]!);
  level.set(values[last]!, value);
  return fresh;
}

function findIn<T>(tree: KeyTree<T>, values: readonly string[]): T | undefined {
  let level: KeyTree<T> | T | undefined = tree;
  for (const value of values) {
    level = (level as KeyTree<T>).get(value);
    if (level === undefined) return undefined;
  }
  return level as T;
}

/** What a read may ask besides the keys: strong consistency, and only some attributes. */
export interface BatchGetOptions {
  readonly consistent?: boolean;
  /**
   * Read only these attributes (the key attributes are always read: they match items to keys).
   * The read units are the same (DynamoDB bills the whole item), but the table sends, and the
   * caller decodes, only these (ADR 0022, "The pipeline's CPU per review").
   */
  readonly attributes?: readonly string[];
}

/** The request fields `options` ask for: ConsistentRead, ProjectionExpression with its names. */
function readFields(options: BatchGetOptions, keyAttributes: readonly string[]) {
  const consistency = options.consistent ? { ConsistentRead: true } : {};
  if (!options.attributes) return consistency;
  const names = [...new Set([...keyAttributes, ...options.attributes])];
  return {
    ...consistency,
    ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
  };
}

/**
 * The items as the low-level client reads them, in DynamoDB's wire form, in the order of the keys:
 * for a caller that decodes only what it needs (the review listing, ADR 0022 "Seventh round").
 */
export async function batchGetWireInOrder(
  client: DynamoDBClient,
  tableName: string,
  keys: readonly ItemKey[],
  keyAttributes: readonly string[],
  options: BatchGetOptions = {},
): Promise<WireItem[]> {
  const fields = readFields(options, keyAttributes);
  const read: ReadBatch<WireItem, WireItem> = async (pending) => {
    const result = await client.send(
      new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending, ...fields } } }),
    );
    return {
      items: result.Responses?.[tableName] ?? [],
      unprocessed: result.UnprocessedKeys?.[tableName]?.Keys,
    };
  };
  // Key attributes are strings (ItemKey): their wire form needs no marshaller.
  const wireKey = (key: ItemKey) => {
    const wire: WireItem = {};
    for (const name of keyAttributes) wire[name] = { S: String(key[name]) };
    return wire;
  };
  return inOrder(read, wireKey, keys, keyAttributes, (item, name) => item[name]?.S);
}

export async function batchGetInOrder(
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  keyAttributes: readonly string[],
  options: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> {
  if (client instanceof DynamoDBClient) {
    const items = await batchGetWireInOrder(client, tableName, keys, keyAttributes, options);
    return items.map((item) => unmarshall(item));
  }
  const fields = readFields(options, keyAttributes);
  const read: ReadBatch<Record<string, unknown>, Record<string, unknown>> = async (pending) => {
    const result = await client.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ...fields } } }),
    );
    return {
      items: result.Responses?.[tableName] ?? [],
      unprocessed: result.UnprocessedKeys?.[tableName]?.Keys,
    };
  };
  const documentKey = (key: ItemKey) => Object.fromEntries(keyAttributes.map((name) => [name, key[name]]));
  return inOrder(read, documentKey, keys, keyAttributes, (item, name) => item[name]);
}

async function inOrder<K, T>(
  read: ReadBatch<K, T>,
  wireKey: (key: ItemKey) => K,
  keys: readonly ItemKey[],
  keyAttributes: readonly string[],
  keyValue: (item: T, name: string) => unknown,
): Promise<T[]> {
  // Each key's values once: they name the key for the batches and find its item at the end.
  const keyValues = keys.map((key) => keyAttributes.map((name) => String(key[name])));
  const asked: KeyTree<true> = new Map();
  const unique = keys.filter((_, i) => addTo(asked, keyValues[i]!, true));
  const found: KeyTree<T> = new Map();
  for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
    let pending: K[] | undefined = unique.slice(i, i + BATCH_GET_MAX).map(wireKey);
    for (let tries = 0; pending && pending.length > 0; tries += 1) {
      // DynamoDB leaves keys unprocessed when the table or index is over capacity (throttled).
      if (tries >= BATCH_GET_TRIES)
        throw new StoreThrottledError(`BatchGetItem left keys unprocessed after ${tries} tries`);
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** tries)));
      const result = await read(pending);
      for (const item of result.items) {
        addTo(
          found,
          keyAttributes.map((name) => String(keyValue(item, name))),
          item,
        );
      }
      pending = result.unprocessed;
    }
  }
  const inKeyOrder: T[] = [];
  for (const values of keyValues) {
    const item = findIn(found, values);
    if (item !== undefined) inKeyOrder.push(item);
  }
  return inKeyOrder;
}
