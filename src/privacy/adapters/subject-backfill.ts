/**
 * Migration for review requests stored before data subject requests existed: sets the subject
 * hash and the bySubject index key on every request that has an address and lacks them. An
 * operator's command (`npm run cli -- privacy backfill`), run once after the deployment that adds
 * the index: a Scan of the ReviewRequests table (requests expire with their link, so it is small),
 * never a request path. Safe to run again: each update is conditional on the hash being absent.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { subjectIndexKey } from '../domain/erasure';
import { normaliseEmail, subjectHash } from '../domain/subject';

export async function backfillSubjectHashes(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ scanned: number; updated: number; skipped: number }> {
  let scanned = 0;
  let updated = 0;
  let skipped = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression:
          'begins_with(sk, :request) AND attribute_exists(email) AND attribute_not_exists(subjectHash)',
        ExpressionAttributeValues: { ':request': 'REQUEST#' },
        ExclusiveStartKey: start,
      }),
    );
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      if (typeof item.email !== 'string' || normaliseEmail(item.email) === undefined) {
        skipped += 1;
        continue;
      }
      const hash = subjectHash(item.email);
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET subjectHash = :hash, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(subjectHash)',
            ExpressionAttributeValues: {
              ':hash': hash,
              ':gsi1pk': subjectIndexKey(hash),
              ':gsi1sk': `${String(item.createdAt)}#${String(item.requestId)}`,
            },
          }),
        );
        updated += 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        skipped += 1;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { scanned, updated, skipped };
}
