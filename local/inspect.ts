/** Read-only views of the local store for tests and the bench (never used on a request path). */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** How many reviews of a supplier are stored (paged COUNT query on the table's own key). */
export async function countStoredReviews(
  doc: DynamoDBDocumentClient,
  table: string,
  supplierId: string,
): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :review)',
        ExpressionAttributeValues: { ':pk': `SUPPLIER#${supplierId}`, ':review': 'REVIEW#' },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}
