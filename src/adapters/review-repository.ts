/**
 * ReviewRepository on the Reviews table (keys documented in src/catalog/tables.ts).
 * One transaction stores the review (conditional on a new id), its audit record and this
 * region's summary counters, so counters never drift from the reviews they count.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, type StoreKey } from '../domain/cursor';
import type { Review, ReviewView } from '../domain/review';
import { combineShards, type SummaryShard } from '../domain/summary';
import type { ReviewListFilter, ReviewPage, ReviewRepository } from '../ports';

const supplierPk = (supplierId: string) => `SUPPLIER#${supplierId}`;
const reviewSk = (reviewId: string) => `REVIEW#${reviewId}`;
const STORAGE_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entity'];
/** Upper bound of a sort-key range: after every `<iso time>#<id>` that starts with the prefix. */
const RANGE_END = '~';
/** A filtered page may need several reads; bound them so a request's cost stays bounded. */
const MAX_READS_PER_PAGE = 8;

export class DynamoReviewRepository implements ReviewRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly region: string,
  ) {}

  async insert(review: Review, storedAt: string): Promise<'created' | 'duplicate'> {
    const pk = supplierPk(review.supplierId);
    const sortTail = `${review.reviewedAt}#${review.reviewId}`;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk,
                  sk: reviewSk(review.reviewId),
                  entity: 'review',
                  ...review,
                  storedAt,
                  storedInRegion: this.region,
                  gsi1pk: pk,
                  gsi1sk: sortTail,
                  gsi2pk: `${pk}#PLATFORM#${review.platform}`,
                  gsi2sk: sortTail,
                  gsi3pk: `${pk}#RATING#${review.rating}`,
                  gsi3sk: sortTail,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk,
                  sk: `AUDIT#${review.reviewId}#created`,
                  entity: 'audit',
                  action: 'review.created',
                  reviewId: review.reviewId,
                  actor: review.actor,
                  origin: review.origin,
                  at: storedAt,
                  region: this.region,
                },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: `SUMMARY#${this.region}` },
                UpdateExpression:
                  'ADD #count :one, ratingSum :rating, #r :one, #p :one SET entity = :summary',
                ExpressionAttributeNames: {
                  '#count': 'count',
                  '#r': `r_${review.rating}`,
                  '#p': `p_${review.platform}`,
                },
                ExpressionAttributeValues: { ':one': 1, ':rating': review.rating, ':summary': 'summary' },
              },
            },
          ],
        }),
      );
      return 'created';
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        return 'duplicate';
      }
      throw error;
    }
  }

  async get(supplierId: string, reviewId: string): Promise<ReviewView | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: supplierPk(supplierId), sk: reviewSk(reviewId) },
      }),
    );
    return Item ? toView(Item) : undefined;
  }

  async list(supplierId: string, filter: ReviewListFilter): Promise<ReviewPage> {
    const pk = supplierPk(supplierId);
    // Pick the most selective index; the other filter (if any) is applied on the server.
    const [index, partition] = filter.platform
      ? (['byPlatform', 'gsi2'] as const)
      : filter.rating
        ? (['byRating', 'gsi3'] as const)
        : (['byCreatedAt', 'gsi1'] as const);
    const partitionValue =
      partition === 'gsi2'
        ? `${pk}#PLATFORM#${filter.platform}`
        : partition === 'gsi3'
          ? `${pk}#RATING#${filter.rating}`
          : pk;
    const names: Record<string, string> = { '#pk': `${partition}pk` };
    const values: Record<string, unknown> = { ':pk': partitionValue };
    let keyCondition = '#pk = :pk';
    if (filter.from || filter.to) {
      keyCondition += ' AND #sk BETWEEN :from AND :to';
      names['#sk'] = `${partition}sk`;
      values[':from'] = filter.from ?? '0000';
      values[':to'] = `${filter.to ?? '9999'}${RANGE_END}`;
    }
    let filterExpression: string | undefined;
    if (filter.platform && filter.rating) {
      filterExpression = 'rating = :rating';
      values[':rating'] = filter.rating;
    }
    let startKey: StoreKey | undefined = filter.cursor
      ? decodeCursor(filter.cursor, { [`${partition}pk`]: partitionValue })
      : undefined;

    const items: Record<string, unknown>[] = [];
    for (let read = 0; read < MAX_READS_PER_PAGE && items.length < filter.limit; read += 1) {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: keyCondition,
        FilterExpression: filterExpression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: filter.limit - items.length,
        ExclusiveStartKey: startKey,
      };
      const page = await this.client.send(new QueryCommand(input));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey as StoreKey | undefined;
      if (!startKey) break;
    }
    return {
      items: items.map(toView),
      ...(startKey ? { nextCursor: encodeCursor(startKey) } : {}),
    };
  }

  async summary(supplierId: string) {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :summary)',
        ExpressionAttributeValues: { ':pk': supplierPk(supplierId), ':summary': 'SUMMARY#' },
      }),
    );
    return combineShards(Items.map(toShard));
  }
}

function toView(item: Record<string, unknown>): ReviewView {
  const view: Record<string, unknown> = { ...item };
  for (const attribute of [...STORAGE_ATTRIBUTES, 'storedInRegion']) delete view[attribute];
  return view as unknown as ReviewView;
}

function toShard(item: Record<string, unknown>): SummaryShard {
  const byRating: Record<string, number> = {};
  const byPlatform: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (typeof value !== 'number') continue;
    if (name.startsWith('r_')) byRating[name.slice(2)] = value;
    if (name.startsWith('p_')) byPlatform[name.slice(2)] = value;
  }
  return { count: Number(item.count ?? 0), ratingSum: Number(item.ratingSum ?? 0), byRating, byPlatform };
}
