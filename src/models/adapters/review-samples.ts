/**
 * Stored reviews with their stars for the weekly retraining job: a paged Scan of the Reviews table
 * (a batch job, never a request path; no index spans suppliers), filtered to live reviews with a
 * rating stored since the lookback start, stopping at the job's cap. Erased and removed reviews
 * are left out. Reads only what training needs: id, title, body and rating.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReviewSampleSource } from '../retraining/retrain';
import type { StoredReviewSample } from '../retraining/weak-labels';

/** Items examined per Scan page (the filter applies after reading). */
const PAGE_LIMIT = 1000;

export class DynamoReviewSamples implements ReviewSampleSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async ratedReviews(
    since: Date,
    max: number,
    onProgress: (read: number) => void,
  ): Promise<StoredReviewSample[]> {
    const out: StoredReviewSample[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          Limit: PAGE_LIMIT,
          ExclusiveStartKey: start,
          FilterExpression:
            '#entity = :review AND attribute_type(#rating, :number) AND #storedAt >= :since ' +
            'AND attribute_not_exists(#erasedAt) AND attribute_not_exists(#removedAt)',
          ProjectionExpression: '#reviewId, #title, #body, #rating',
          ExpressionAttributeNames: {
            '#entity': 'entity',
            '#rating': 'rating',
            '#storedAt': 'storedAt',
            '#erasedAt': 'erasedAt',
            '#removedAt': 'removedAt',
            '#reviewId': 'reviewId',
            '#title': 'title',
            '#body': 'body',
          },
          ExpressionAttributeValues: { ':review': 'review', ':number': 'N', ':since': since.toISOString() },
        }),
      );
      for (const item of page.Items ?? []) {
        if (out.length >= max) break;
        out.push({
          reviewId: String(item.reviewId),
          text: `${String(item.title ?? '')}. ${String(item.body ?? '')}`,
          rating: typeof item.rating === 'number' ? item.rating : null,
        });
      }
      onProgress(out.length);
      start = page.LastEvaluatedKey;
    } while (start && out.length < max);
    return out;
  }
}
