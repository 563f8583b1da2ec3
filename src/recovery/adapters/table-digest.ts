/**
 * A table's digest (count + order-independent checksum) from a parallel Scan, and, when asked,
 * every item's hash by key for a per-item diff.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DigestBuilder, itemKey, type TableDigest } from '../domain/item-hash';
import { scanTable, type ScanOptions } from './table-scan';

export interface ScannedTable {
  readonly digest: TableDigest;
  /** key (canonical JSON of the key attributes) -> item hash; only with `withItems`. */
  readonly items?: Map<string, string>;
}

/** The key attribute names of a table (partition key first). */
export async function keyNamesOf(client: DynamoDBClient, tableName: string): Promise<string[]> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return (Table?.KeySchema ?? []).map((k) => k.AttributeName!);
}

export async function digestTable(
  client: DynamoDBClient,
  tableName: string,
  options: ScanOptions & { readonly withItems?: boolean } = {},
): Promise<ScannedTable> {
  const builder = new DigestBuilder();
  const keyNames = options.withItems ? await keyNamesOf(client, tableName) : [];
  const items = options.withItems ? new Map<string, string>() : undefined;
  await scanTable(
    client,
    tableName,
    (page) => {
      for (const item of page) {
        const hash = builder.add(item);
        items?.set(itemKey(item, keyNames), hash);
      }
    },
    { consistent: true, ...options },
  );
  return { digest: builder.digest(), ...(items ? { items } : {}) };
}
