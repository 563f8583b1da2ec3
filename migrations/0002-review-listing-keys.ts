/**
 * The listing keys of reviews stored before the byPlatformRating and byRecommendation indexes
 * (issue 12, ADR 0032's addendum): each review gets the sparse index keys it should carry
 * (src/reviews/domain/review-listing-keys.ts, the function the repository writes them with), so
 * DynamoDB adds it to those indexes. Reviews written since carry them already and are unchanged,
 * so a page applied twice (a crash before its checkpoint) changes nothing the second time.
 *
 * Ingestion is never clobbered: each update is conditional on the review's `version` (bumped by
 * every edit and removal, the only writes that change what the keys derive from); when an edit
 * lands between our read and our write, we re-read that review once and derive again, or count a
 * conflict (the edit wrote the keys itself).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { reviewListingKeys, SPARSE_LISTING_KEYS, type ReviewListingKeys } from '../src/reviews';
import type { DocItem, Migration, MigrationContext } from '../src/migrations/ports';

const ITEMS_IN_FLIGHT = 10;
const SUPPLIER_PREFIX = 'SUPPLIER#';

type Verdict = 'changed' | 'unchanged' | 'conflict';

/** The sparse listing keys a stored review item should carry. */
export function expectedListingKeys(item: DocItem): ReviewListingKeys {
  const pk = String(item.pk);
  if (!pk.startsWith(SUPPLIER_PREFIX)) throw new Error(`not a review's partition: ${pk}`);
  return reviewListingKeys(pk.slice(SUPPLIER_PREFIX.length), {
    reviewId: String(item.reviewId),
    reviewedAt: String(item.reviewedAt),
    platform: String(item.platform),
    rating: typeof item.rating === 'number' ? item.rating : null,
    ...(typeof item.recommendation === 'string' ? { recommendation: item.recommendation } : {}),
  });
}

async function addKeys(item: DocItem, context: MigrationContext, secondTry = false): Promise<Verdict> {
  if (item.entity !== 'review') return 'unchanged';
  const expected = expectedListingKeys(item);
  const sets: string[] = [];
  const removes: string[] = [];
  const values: Record<string, unknown> = {};
  for (const attribute of SPARSE_LISTING_KEYS) {
    const value = expected[attribute];
    if (value === item[attribute]) continue;
    if (value === undefined) {
      removes.push(attribute);
    } else {
      sets.push(`${attribute} = :${attribute}`);
      values[`:${attribute}`] = value;
    }
  }
  if (sets.length === 0 && removes.length === 0) return 'unchanged';
  if (context.dryRun) return 'changed';
  const version = typeof item.version === 'number' ? item.version : undefined;
  if (version !== undefined) values[':version'] = version;
  try {
    await context.client.send(
      new UpdateCommand({
        TableName: context.tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: [
          ...(sets.length > 0 ? [`SET ${sets.join(', ')}`] : []),
          ...(removes.length > 0 ? [`REMOVE ${removes.join(', ')}`] : []),
        ].join(' '),
        ConditionExpression:
          'attribute_exists(pk) AND ' +
          (version === undefined ? 'attribute_not_exists(#version)' : '#version = :version'),
        ExpressionAttributeNames: { '#version': 'version' },
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
    return 'changed';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    if (secondTry) return 'conflict';
    // Someone wrote the review since we read it: derive from what is stored now, once.
    const { Item } = await context.client.send(
      new GetCommand({
        TableName: context.tableName,
        Key: { pk: item.pk, sk: item.sk },
        ConsistentRead: true,
      }),
    );
    return Item ? addKeys(Item, context, true) : 'unchanged';
  }
}

const migration: Migration = {
  id: '0002-review-listing-keys',
  description: 'Add the byPlatformRating and byRecommendation index keys to reviews stored before them',
  table: 'Reviews',
  pageSize: 100,
  filter: { expression: 'entity = :review', values: { ':review': 'review' } },
  async migratePage(items, context) {
    const verdicts: Verdict[] = [];
    for (let i = 0; i < items.length; i += ITEMS_IN_FLIGHT) {
      verdicts.push(
        ...(await Promise.all(items.slice(i, i + ITEMS_IN_FLIGHT).map((item) => addKeys(item, context)))),
      );
    }
    return {
      scanned: items.length,
      changed: verdicts.filter((v) => v === 'changed').length,
      unchanged: verdicts.filter((v) => v === 'unchanged').length,
      conflicts: verdicts.filter((v) => v === 'conflict').length,
    };
  },
};

export default migration;
