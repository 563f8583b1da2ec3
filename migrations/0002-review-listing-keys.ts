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
import { reviewListingKeys, SPARSE_LISTING_KEYS, type ReviewListingKeys } from '../src/reviews';
import { itemUpdateMigration, type ItemUpdate } from '../src/migrations/adapters/item-update-migration';
import type { DocItem } from '../src/migrations/ports';

const SUPPLIER_PREFIX = 'SUPPLIER#';

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

/** The sparse listing keys to set or remove, where the stored ones differ from the expected. */
function listingKeysUpdate(item: DocItem): ItemUpdate | undefined {
  if (item.entity !== 'review') return undefined;
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
  if (sets.length === 0 && removes.length === 0) return undefined;
  const version = typeof item.version === 'number' ? item.version : undefined;
  if (version !== undefined) values[':version'] = version;
  return {
    UpdateExpression: [
      ...(sets.length > 0 ? [`SET ${sets.join(', ')}`] : []),
      ...(removes.length > 0 ? [`REMOVE ${removes.join(', ')}`] : []),
    ].join(' '),
    ConditionExpression:
      'attribute_exists(pk) AND ' +
      (version === undefined ? 'attribute_not_exists(#version)' : '#version = :version'),
    ExpressionAttributeNames: { '#version': 'version' },
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

export default itemUpdateMigration({
  id: '0002-review-listing-keys',
  description: 'Add the byPlatformRating and byRecommendation index keys to reviews stored before them',
  table: 'Reviews',
  pageSize: 100,
  filter: { expression: 'entity = :review', values: { ':review': 'review' } },
  updateFor: listingKeysUpdate,
});
