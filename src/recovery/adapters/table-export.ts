/**
 * Export a table to JSON-lines files (one per Scan segment, `<dir>/<table>.<segment>.jsonl`) and
 * import such files into a table with BatchWriteItem (25 items a call, several calls in flight),
 * retrying the items DynamoDB leaves unprocessed with a growing, jittered pause. This is the
 * restore path where there is no PITR (DynamoDB Local) and the drill's whole mechanism.
 */
import { createReadStream, createWriteStream, readdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import {
  BatchWriteItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { mapWithConcurrency } from '../../shared/concurrency';
import type { RawItem } from '../domain/item-hash';
import { itemLine, parseItemLine } from '../domain/json-lines';
import { scanTable, type ScanOptions } from './table-scan';

const BATCH = 25;
const MAX_UNPROCESSED_ROUNDS = 12;

export interface ExportResult {
  readonly items: number;
  readonly files: readonly string[];
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

export async function exportTable(
  client: DynamoDBClient,
  tableName: string,
  dir: string,
  options: ScanOptions & { readonly onItems?: (n: number) => void } = {},
): Promise<ExportResult> {
  const files = new Map<number, { file: string; stream: WriteStream }>();
  const streamOf = (segment: number) => {
    let entry = files.get(segment);
    if (!entry) {
      const file = path.join(dir, `${tableName}.${String(segment).padStart(3, '0')}.jsonl`);
      entry = { file, stream: createWriteStream(file) };
      files.set(segment, entry);
    }
    return entry.stream;
  };
  let items = 0;
  try {
    items = await scanTable(
      client,
      tableName,
      async (page, segment) => {
        if (page.length === 0) return;
        await write(streamOf(segment), page.map((item) => `${itemLine(item)}\n`).join(''));
        options.onItems?.(page.length);
      },
      options,
    );
  } finally {
    await Promise.all(
      [...files.values()].map(async ({ stream }) => {
        stream.end();
        await once(stream, 'finish');
      }),
    );
  }
  return { items, files: [...files.values()].map((f) => f.file).sort() };
}

/** The export files of one table in `dir`. */
export const exportFilesOf = (dir: string, tableName: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.startsWith(`${tableName}.`) && f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(dir, f));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes one batch (at most 25 puts), re-sending what DynamoDB returns unprocessed until nothing
 * is left; gives up (throws) after MAX_UNPROCESSED_ROUNDS rounds that still left items behind.
 */
export async function batchPut(client: DynamoDBClient, tableName: string, items: readonly RawItem[]) {
  let requests: WriteRequest[] = items.map((item) => ({
    PutRequest: { Item: item as Record<string, AttributeValue> },
  }));
  for (let round = 0; requests.length > 0; round += 1) {
    if (round > 0) {
      if (round > MAX_UNPROCESSED_ROUNDS) {
        throw new Error(`${requests.length} items of ${tableName} stayed unprocessed after ${round} rounds`);
      }
      await pause(Math.min(2000, 25 * 2 ** round) * (0.5 + Math.random() / 2));
    }
    const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
    requests = result.UnprocessedItems?.[tableName] ?? [];
  }
}

/** Deletes up to 25 items by key, re-sending unprocessed deletes like `batchPut`. */
export async function batchDelete(
  client: DynamoDBClient,
  tableName: string,
  keys: readonly RawItem[],
): Promise<void> {
  let requests: WriteRequest[] = keys.map((key) => ({
    DeleteRequest: { Key: key as Record<string, AttributeValue> },
  }));
  for (let round = 0; requests.length > 0; round += 1) {
    if (round > MAX_UNPROCESSED_ROUNDS)
      throw new Error(`${requests.length} deletes of ${tableName} stayed unprocessed`);
    if (round > 0) await pause(Math.min(2000, 25 * 2 ** round) * (0.5 + Math.random() / 2));
    const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
    requests = result.UnprocessedItems?.[tableName] ?? [];
  }
}

/** The key item back from its canonical JSON (`itemKey`): string, number and binary keys. */
export function keyFromCanonical(key: string, keyNames: readonly string[]): RawItem {
  const parsed = parseItemLine(key);
  for (const name of keyNames) if (parsed[name] === undefined) throw new Error(`key ${key} lacks ${name}`);
  return parsed;
}

/** The items of JSON-lines files in batches of `BATCH`, read only as the batches are asked for. */
async function* batchesOf(files: readonly string[]): AsyncGenerator<RawItem[]> {
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let batch: RawItem[] = [];
    for await (const line of lines) {
      if (line.trim() === '') continue;
      batch.push(parseItemLine(line));
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/**
 * Imports JSON-lines files into `tableName` (which must exist), `concurrency` batches in flight.
 * The first batch that fails stops the import (no batch starts after it) and is thrown.
 * Returns the number of items written.
 */
export async function importFiles(
  client: DynamoDBClient,
  tableName: string,
  files: readonly string[],
  options: { readonly concurrency?: number; readonly onItems?: (n: number) => void } = {},
): Promise<number> {
  let written = 0;
  await mapWithConcurrency(batchesOf(files), options.concurrency ?? 8, async (batch) => {
    await batchPut(client, tableName, batch);
    written += batch.length;
    options.onItems?.(batch.length);
  });
  return written;
}
