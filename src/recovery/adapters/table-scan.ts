/**
 * Parallel Scan of a whole table in attribute-value form (no unmarshalling, so hashes see the
 * stored types). Each of `segments` workers reads its own segment page by page and hands the
 * page to `onPage`; throttled or failed pages are retried by the SDK client's own retry policy.
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RawItem } from '../domain/item-hash';

export interface ScanOptions {
  readonly segments?: number;
  /** Items per page (Scan's Limit; DynamoDB also stops at 1 MB). */
  readonly pageSize?: number;
  /** Strongly consistent reads (verification right after a write). */
  readonly consistent?: boolean;
}

export const DEFAULT_SEGMENTS = 4;

export async function scanTable(
  client: DynamoDBClient,
  tableName: string,
  onPage: (items: readonly RawItem[], segment: number) => Promise<void> | void,
  options: ScanOptions = {},
): Promise<number> {
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  const counts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let count = 0;
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            Segment: segment,
            TotalSegments: segments,
            ExclusiveStartKey: startKey,
            Limit: options.pageSize,
            ConsistentRead: options.consistent,
          }),
        );
        const items = (page.Items ?? []) as RawItem[];
        count += items.length;
        await onPage(items, segment);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return count;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}
