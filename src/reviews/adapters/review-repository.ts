/**
 * ReviewRepository on the Reviews table (keys documented in src/catalog/tables.ts).
 * A transaction stores reviews (each conditional on a new id), their audit records and this
 * region's summary counters together, so counters never drift from the reviews they count.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { assertKeyIn, type StoreKey } from '../../shared/cursor';
import type { Review, ReviewInsights, ReviewView } from '../domain/review';
import { reviewText, type RecentReview } from '../domain/review-inference';
import { combineShards, type SummaryShard } from '../domain/summary';
import type { ReviewListFilter, ReviewPage, ReviewRepository } from '../ports';

const supplierPk = (supplierId: string) => `SUPPLIER#${supplierId}`;
const reviewSk = (reviewId: string) => `REVIEW#${reviewId}`;
const STORAGE_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entity'];
/** Upper bound of a sort-key range: after every `<iso time>#<id>` that starts with the prefix. */
const RANGE_END = '~';
/** 2 actions per review + 1 summary update must stay within TransactWriteItems' 100 actions. */
export const MAX_REVIEWS_PER_TRANSACTION = 40;
const MAX_CONFLICT_RETRIES = 5;
/** A filtered page may need several reads; bound them so a request's cost stays bounded. */
const MAX_READS_PER_PAGE = 8;

export class DynamoReviewRepository implements ReviewRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly region: string,
  ) {}

  /**
   * Stores up to MAX_REVIEWS_PER_TRANSACTION reviews of one supplier in one transaction: each
   * review conditional on a new id, its audit record, and one summary update with the summed
   * counters. When DynamoDB cancels the transaction it says which actions failed: reviews that
   * already exist are duplicates and are dropped before trying again; a conflict with another
   * writer (the shared summary item) is retried after a short jittered pause.
   */
  async insertMany(
    supplierId: string,
    reviews: readonly Review[],
    storedAt: string,
  ): Promise<Map<string, 'created' | 'duplicate'>> {
    if (reviews.length > MAX_REVIEWS_PER_TRANSACTION) {
      throw new Error(
        `at most ${MAX_REVIEWS_PER_TRANSACTION} reviews per transaction, got ${reviews.length}`,
      );
    }
    if (reviews.some((r) => r.supplierId !== supplierId)) throw new Error('reviews of one supplier only');
    const outcomes = new Map<string, 'created' | 'duplicate'>();
    let pending = [...new Map(reviews.map((r) => [r.reviewId, r])).values()];
    let conflicts = 0;
    while (pending.length > 0) {
      try {
        await this.client.send(
          new TransactWriteCommand({ TransactItems: this.transactItems(supplierId, pending, storedAt) }),
        );
        for (const review of pending) outcomes.set(review.reviewId, 'created');
        return outcomes;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const existing = new Set(
          pending.filter((_, i) => reasons[i * 2]?.Code === 'ConditionalCheckFailed').map((r) => r.reviewId),
        );
        if (existing.size > 0) {
          for (const id of existing) outcomes.set(id, 'duplicate');
          pending = pending.filter((r) => !existing.has(r.reviewId));
          continue;
        }
        if (reasons.some((r) => r.Code === 'TransactionConflict') && conflicts < MAX_CONFLICT_RETRIES) {
          conflicts += 1;
          await new Promise((resolve) => setTimeout(resolve, 20 * conflicts + Math.random() * 30));
          continue;
        }
        throw error;
      }
    }
    return outcomes;
  }

  /** [review put, audit put] per review (so review i is action 2i), then the summary update. */
  private transactItems(supplierId: string, reviews: readonly Review[], storedAt: string) {
    const pk = supplierPk(supplierId);
    const counters = new Map<string, number>([
      ['count', 0],
      ['ratingSum', 0],
    ]);
    const bump = (name: string, by: number) => counters.set(name, (counters.get(name) ?? 0) + by);
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [];
    for (const review of reviews) {
      const sortTail = `${review.reviewedAt}#${review.reviewId}`;
      items.push(
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
      );
      bump('count', 1);
      bump('ratingSum', review.rating);
      bump(`r_${review.rating}`, 1);
      bump(`p_${review.platform}`, 1);
    }
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':summary': 'summary' };
    const adds = [...counters].map(([name, by], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = by;
      return `#c${i} :c${i}`;
    });
    items.push({
      Update: {
        TableName: this.tableName,
        Key: { pk, sk: `SUMMARY#${this.region}` },
        UpdateExpression: `ADD ${adds.join(', ')} SET entity = :summary`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    });
    return items;
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

  async recent(supplierId: string, limit: number): Promise<RecentReview[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byCreatedAt',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': supplierPk(supplierId) },
        ProjectionExpression: 'reviewId, title, body, reviewedAt, sourceHash',
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((item) => ({
      id: String(item.reviewId),
      text: reviewText({ title: String(item.title), body: String(item.body) }),
      submittedAt: Date.parse(String(item.reviewedAt)),
      ...(item.sourceHash ? { source: String(item.sourceHash) } : {}),
    }));
  }

  async completeInference(supplierId: string, reviewId: string, insights: ReviewInsights): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: supplierPk(supplierId), sk: reviewSk(reviewId) },
          UpdateExpression: 'SET insights = :insights',
          ConditionExpression: 'insights.#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':insights': insights, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
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
    if (filter.startKey) assertKeyIn(filter.startKey, { [`${partition}pk`]: partitionValue });
    let startKey: StoreKey | undefined = filter.startKey;

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
      ...(startKey ? { next: startKey } : {}),
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
