/**
 * ReviewRepository on the Reviews table (keys documented in src/catalog/tables.ts).
 * A transaction stores reviews (each conditional on a new id), their audit records and this
 * region's summary counters together, so counters never drift from the reviews they count.
 */
import { withCorrelationId } from '../../shared/correlation';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  QueryCommand as ReadQueryCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { assertKeyIn, type StoreKey } from '../../shared/cursor';
import { batchGetInOrder, batchGetWireInOrder, type WireItem } from '../../shared/batch-get';
import { tableDefinition } from '../../catalog/tables';
import type { Review, ReviewInsights, ReviewRemoval, ReviewReply, ReviewView } from '../domain/review';
import { reviewText, type RecentReview } from '../domain/review-inference';
import type { Platform, Recommendation } from '../domain/review-message-schemas';
import {
  changedFields,
  contentHash,
  contentOf,
  isLaterVersion,
  latestVersion,
  withInheritedDate,
  type ReviewContent,
  type ReviewEdit,
  type StoreOutcome,
  type VersionStamp,
} from '../domain/review-versions';
import {
  combineShards,
  nextWriteRun,
  summaryCounters,
  type StoredReviewItem,
  type SummaryShard,
} from '../domain/summary';
import type { ReplyObservation } from '../domain/review-replies';
import { listingPlan, reviewListingKeys, SPARSE_LISTING_KEYS } from '../domain/review-listing-keys';
import { DynamoReviewReplies } from './dynamo-review-replies';
import { toView, viewOfWireItem } from './review-views';
import type {
  RemovalOutcome,
  ReplyObservationOutcome,
  ReviewListFilter,
  ReviewPage,
  ReviewRepository,
} from '../ports';

/** The `entity` of a summary correction's marker item (one per replaced write, ADR 0020). */
export const SUMMARY_CORRECTION_ENTITY = 'summary-correction';

const supplierPk = (supplierId: string) => `SUPPLIER#${supplierId}`;
/** The table's indexes as the catalog defines them (keys and projection). */
const REVIEW_INDEXES = new Map(tableDefinition('Reviews').indexes.map((index) => [index.name, index]));
const reviewSk = (reviewId: string) => `REVIEW#${reviewId}`;
/** Upper bound of a sort-key range: after every `<iso time>#<id>` that starts with the prefix. */
const RANGE_END = '~';
/** 2 actions per review + 1 summary update must stay within TransactWriteItems' 100 actions. */
export const MAX_REVIEWS_PER_TRANSACTION = 40;
const MAX_CONFLICT_RETRIES = 5;
/** Edits of one review racing each other: re-read and decide again at most this often. */
const MAX_EDIT_ATTEMPTS = 8;
/** A filtered page may need several reads; bound them so a request's cost stays bounded. */
const MAX_READS_PER_PAGE = 8;
/** The attributes `recent` reads of each review (RecentReview's fields). */
const RECENT_ATTRIBUTES = ['reviewId', 'title', 'body', 'reviewedAt', 'sourceHash'] as const;

/**
 * A new review's item as the creating transaction stores it (`transactItems`); exported so the cost
 * model (bench/cost-items.ts) sizes the item this code writes, not a copy of it.
 */
export function createdReviewItem(
  supplierId: string,
  review: Review,
  storedAt: string,
  region: string,
): Record<string, unknown> {
  return {
    pk: supplierPk(supplierId),
    sk: reviewSk(review.reviewId),
    entity: 'review',
    ...review,
    version: 1,
    storedAt,
    storedInRegion: region,
    // This region's run of writes starts with the creation (ADR 0020).
    writtenInRegion: region,
    runFrom: 0,
    // The indexes share the sort key gsi1sk; the sparse ones are written only for the reviews they
    // list (review-listing-keys.ts). The content hash is derived when needed (storedVersion), not
    // stored (ADR 0032).
    ...reviewListingKeys(supplierId, review),
  };
}

/** What every audit record says of the change it records (`auditItem`). */
interface AuditedChange {
  readonly reviewId: string;
  readonly actor: unknown;
  readonly origin: unknown;
  readonly correlationId?: string;
}

/**
 * An audit record, stored beside a review's change in its transaction (`AUDIT#<reviewId>#<change>`):
 * the action, who made it from where, when and in which region, and what this kind of change adds.
 */
function auditItem(
  supplierId: string,
  change: AuditedChange,
  suffix: string,
  action: string,
  at: string,
  region: string,
  details: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    pk: supplierPk(supplierId),
    sk: `AUDIT#${change.reviewId}#${suffix}`,
    entity: 'audit',
    action,
    reviewId: change.reviewId,
    ...details,
    actor: change.actor,
    origin: change.origin,
    ...withCorrelationId(change.correlationId),
    at,
    region,
  };
}

/** The `review.created` audit record stored beside a new review (`transactItems`; the cost model too). */
export const createdAuditItem = (supplierId: string, review: Review, storedAt: string, region: string) =>
  auditItem(supplierId, review, 'created', 'review.created', storedAt, region);

export class DynamoReviewRepository implements ReviewRepository {
  /** The reply state of stored reviews, in its own module: the reply worker needs only that. */
  private readonly replies: DynamoReviewReplies;

  /**
   * `reader`: the low-level client the list pages and the latest reviews are read with (their
   * items unmarshalled here; the API's hot path, ADR 0022); `client` does everything else.
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly region: string,
    private readonly reader: DynamoDBClient,
  ) {
    this.replies = new DynamoReviewReplies(client, tableName);
  }

  /**
   * Stores up to MAX_REVIEWS_PER_TRANSACTION reviews of one supplier.
   * 1. One transaction: each review conditional on a new id, its audit record, and one summary
   *    update with the summed counters. When DynamoDB cancels it, it says which actions failed:
   *    reviews that already exist are set aside and the rest tried again; a conflict with another
   *    writer (the shared summary item) is retried after a short jittered pause.
   * 2. Each review that already existed is compared with the stored version (strongly
   *    consistent read): the same content is a duplicate, an earlier version is stale, a later
   *    one is an edit, stored by a transaction conditional on the version it read (see
   *    `applyEdit`), so concurrent edits resolve to the latest whatever order they land in.
   */
  async insertMany(
    supplierId: string,
    reviews: readonly Review[],
    storedAt: string,
  ): Promise<Map<string, StoreOutcome>> {
    if (reviews.length > MAX_REVIEWS_PER_TRANSACTION) {
      throw new Error(
        `at most ${MAX_REVIEWS_PER_TRANSACTION} reviews per transaction, got ${reviews.length}`,
      );
    }
    if (reviews.some((r) => r.supplierId !== supplierId)) throw new Error('reviews of one supplier only');
    const outcomes = new Map<string, StoreOutcome>();
    const byId = new Map<string, Review[]>();
    for (const review of reviews) byId.set(review.reviewId, [...(byId.get(review.reviewId) ?? []), review]);
    const candidates = [...byId.values()].map((versions) => latestVersion(versions));
    const existing: Review[] = [];
    let pending = candidates;
    let conflicts = 0;
    while (pending.length > 0) {
      try {
        await this.client.send(
          new TransactWriteCommand({ TransactItems: this.transactItems(supplierId, pending, storedAt) }),
        );
        for (const review of pending) outcomes.set(review.reviewId, { kind: 'created' });
        break;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const found = pending.filter((_, i) => reasons[i * 2]?.Code === 'ConditionalCheckFailed');
        if (found.length > 0) {
          existing.push(...found);
          pending = pending.filter((r) => !found.includes(r));
          continue;
        }
        if (reasons.some((r) => r.Code === 'TransactionConflict') && conflicts < MAX_CONFLICT_RETRIES) {
          conflicts += 1;
          await jitter(conflicts);
          continue;
        }
        throw error;
      }
    }
    // Reads in parallel; the edits they find (rare) one at a time, so that they do not conflict
    // with each other on the summary item.
    const first = await Promise.all(
      existing.map((review) => this.reconcile(supplierId, review, storedAt, false)),
    );
    for (const [i, review] of existing.entries()) {
      const outcome = first[i]!;
      outcomes.set(
        review.reviewId,
        outcome === 'edit' ? await this.reconcile(supplierId, review, storedAt, true) : outcome,
      );
    }
    return outcomes;
  }

  /** Duplicate, stale or edit of the stored review (re-read and decided again on a lost race). */
  private reconcile(
    supplierId: string,
    sent: Review,
    storedAt: string,
    apply: false,
  ): Promise<StoreOutcome | 'edit'>;
  private reconcile(supplierId: string, sent: Review, storedAt: string, apply: true): Promise<StoreOutcome>;
  private async reconcile(
    supplierId: string,
    sent: Review,
    storedAt: string,
    apply: boolean,
  ): Promise<StoreOutcome | 'edit'> {
    let conflicts = 0;
    for (let attempt = 0; attempt < MAX_EDIT_ATTEMPTS; attempt += 1) {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: supplierPk(supplierId), sk: reviewSk(sent.reviewId) },
          ConsistentRead: true,
        }),
      );
      if (!Item) throw new Error(`review ${sent.reviewId} existed a moment ago and is gone`);
      // Removed on its platform (or its removal arrived first), or erased at the reviewer's request
      // (src/privacy): nothing changes it any more, so a replay, re-sync or re-import of the same
      // review cannot bring the erased data back.
      if (Item.removedAt !== undefined || Item.erasedAt !== undefined) {
        return { kind: 'removed', version: typeof Item.version === 'number' ? Item.version : 1 };
      }
      const stored = storedVersion(Item);
      const candidate = withInheritedDate(sent, stored.content);
      const candidateStamp: VersionStamp = {
        reviewedAt: candidate.reviewedAt,
        versionAt: candidate.versionAt,
        contentHash: contentHash(candidate),
      };
      if (stored.stamp.contentHash === candidateStamp.contentHash) {
        return {
          kind: 'duplicate',
          version: stored.version,
          ...(stored.lastEdit ? { lastEdit: stored.lastEdit } : {}),
        };
      }
      if (!isLaterVersion(candidateStamp, stored.stamp)) return { kind: 'stale', version: stored.version };
      if (!apply) return 'edit';
      const edit: ReviewEdit = {
        version: stored.version + 1,
        changedFields: changedFields(stored.content, candidate),
        previousRating: stored.content.rating,
        ...(stored.content.recommendation !== undefined
          ? { previousRecommendation: stored.content.recommendation }
          : {}),
        previousPlatform: stored.content.platform,
        editedAt: storedAt,
      };
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: this.editItems(supplierId, candidate, stored, edit, storedAt),
          }),
        );
        return { kind: 'updated', version: edit.version, lastEdit: edit };
      } catch (error) {
        // Another edit got there first (read what it stored and decide again), or a conflict.
        conflicts = await retryChangeAfter(error, conflicts);
      }
    }
    throw new Error(`review ${sent.reviewId}: too many concurrent edits, will be retried`);
  }

  /**
   * [review update (conditional on the version read), audit put, summary update (when the rating
   * or platform changed)]. The review keeps its id, origin, first receipt and storage time.
   */
  private editItems(
    supplierId: string,
    review: Review,
    stored: StoredVersion,
    edit: ReviewEdit,
    storedAt: string,
  ) {
    const pk = supplierPk(supplierId);
    const keys = reviewListingKeys(supplierId, review);
    const values: Record<string, unknown> = {
      ':rating': review.rating,
      ':title': review.title,
      ':body': review.body,
      ':reviewerName': review.reviewerName,
      ':platform': review.platform,
      ':reviewedAt': review.reviewedAt,
      ':versionAt': review.versionAt,
      ':version': edit.version,
      ':updatedAt': storedAt,
      ':lastEdit': edit,
      ':gsi1sk': keys.gsi1sk,
      ':gsi2pk': keys.gsi2pk,
    };
    const sets = [
      'rating = :rating',
      'title = :title',
      '#body = :body',
      'reviewerName = :reviewerName',
      'platform = :platform',
      'reviewedAt = :reviewedAt',
      'versionAt = :versionAt',
      '#version = :version',
      'updatedAt = :updatedAt',
      'lastEdit = :lastEdit',
      'gsi1sk = :gsi1sk',
      'gsi2pk = :gsi2pk',
    ];
    this.recordWriteRun(stored.item, sets, values);
    // Derivable, not stored (ADR 0032): the content hash, and the indexes' copies of gsi1sk that
    // reviews stored before it carry.
    const removed: string[] = ['contentHash', 'gsi2sk', 'gsi3sk'];
    if (review.insights) {
      sets.push('insights = :insights');
      values[':insights'] = review.insights;
    }
    // The sparse indexes (stars, recommendation): set those that apply, remove the others.
    for (const attribute of SPARSE_LISTING_KEYS) {
      const value = keys[attribute];
      if (value !== undefined) {
        sets.push(`${attribute} = :${attribute}`);
        values[`:${attribute}`] = value;
      } else {
        removed.push(attribute);
      }
    }
    for (const field of ['recommendation', 'excerpt'] as const) {
      if (review[field] !== undefined) {
        sets.push(`${field} = :${field}`);
        values[`:${field}`] = review[field];
      } else {
        removed.push(field);
      }
    }
    // A dated version replaces a dateless one's receipt time for good.
    if (!review.reviewedAtDefaulted) removed.push('reviewedAtDefaulted');
    const removes = removed.length > 0 ? ` REMOVE ${removed.join(', ')}` : '';
    let condition =
      'attribute_exists(pk) AND attribute_not_exists(removedAt) AND attribute_not_exists(erasedAt) AND ';
    if (stored.versionAttribute === undefined) {
      condition += 'attribute_not_exists(#version)';
    } else {
      condition += '#version = :expected';
      values[':expected'] = stored.versionAttribute;
    }
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      {
        Update: {
          TableName: this.tableName,
          Key: { pk, sk: reviewSk(review.reviewId) },
          UpdateExpression: `SET ${sets.join(', ')}${removes}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#body': 'body', '#version': 'version' },
          ExpressionAttributeValues: values,
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: auditItem(
            supplierId,
            review,
            `v${String(edit.version).padStart(4, '0')}`,
            'review.updated',
            storedAt,
            this.region,
            { version: edit.version, changedFields: edit.changedFields, previous: stored.content },
          ),
        },
      },
    ];
    // Move the review from the counters of its old content to those of its new content.
    const deltas = new Map<string, number>();
    const bump = (name: string, by: number) => deltas.set(name, (deltas.get(name) ?? 0) + by);
    for (const [name, by] of summaryCounters(stored.content)) bump(name, -by);
    for (const [name, by] of summaryCounters(review)) bump(name, by);
    const changed = [...deltas].filter(([, by]) => by !== 0);
    if (changed.length > 0) items.push(this.summaryUpdate(pk, changed));
    return items;
  }

  /**
   * Adds this region's write run to an edit or removal (ADR 0020): the region, and when the last
   * write was another region's, where this region's run starts, so that a region whose write last
   * writer wins replaces can take exactly its lost deltas out of its shard.
   */
  private recordWriteRun(stored: StoredReviewItem, sets: string[], values: Record<string, unknown>): void {
    const run = nextWriteRun(this.region, stored);
    sets.push('writtenInRegion = :writtenInRegion');
    values[':writtenInRegion'] = run.writtenInRegion;
    if (run.runFrom !== undefined && run.runBase !== undefined) {
      sets.push('runFrom = :runFrom', 'runBase = :runBase');
      values[':runFrom'] = run.runFrom;
      values[':runBase'] = run.runBase;
    }
  }

  private summaryUpdate(pk: string, counters: readonly (readonly [string, number])[]) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':summary': 'summary' };
    const adds = counters.map(([name, by], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = by;
      return `#c${i} :c${i}`;
    });
    return {
      Update: {
        TableName: this.tableName,
        // Each region adds to its own shard; a shard may go below zero for a review another
        // region counted, and the sum over the shards stays right.
        Key: { pk, sk: `SUMMARY#${this.region}` },
        UpdateExpression: `ADD ${adds.join(', ')} SET entity = :summary`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
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
      items.push(
        {
          Put: {
            TableName: this.tableName,
            Item: createdReviewItem(supplierId, review, storedAt, this.region),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: createdAuditItem(supplierId, review, storedAt, this.region),
          },
        },
      );
      for (const [name, by] of summaryCounters(review)) bump(name, by);
    }
    items.push(this.summaryUpdate(pk, [...counters]));
    return items;
  }

  async get(supplierId: string, reviewId: string): Promise<ReviewView | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: supplierPk(supplierId), sk: reviewSk(reviewId) },
      }),
    );
    // A removal that arrived before its review leaves a tombstone: not a review to show.
    return Item && Item.entity === 'review' ? toView(Item) : undefined;
  }

  async recent(supplierId: string, limit: number): Promise<RecentReview[]> {
    const { Items: latest = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byCreatedAt',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': supplierPk(supplierId) },
        ProjectionExpression: 'pk, sk',
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    // The index holds no texts (ADR 0032): the reviews are read by key.
    const Items = await batchGetInOrder(
      this.reader,
      this.tableName,
      latest.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
      ['pk', 'sk'],
      // What the authenticity check reads, not the whole review: a third of its size to decode.
      { attributes: RECENT_ATTRIBUTES },
    );
    return Items.map((item) => ({
      id: String(item.reviewId),
      text: reviewText({ title: String(item.title), body: String(item.body) }),
      submittedAt: Date.parse(String(item.reviewedAt)),
      ...(item.sourceHash ? { source: String(item.sourceHash) } : {}),
    }));
  }

  async completeInference(
    supplierId: string,
    reviewId: string,
    insights: ReviewInsights,
    version: number,
  ): Promise<boolean> {
    // Version 1 may be a review stored before versions existed (no attribute).
    const sameVersion =
      version === 1 ? '(attribute_not_exists(#version) OR #version = :version)' : '#version = :version';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: supplierPk(supplierId), sk: reviewSk(reviewId) },
          UpdateExpression: 'SET insights = :insights',
          ConditionExpression: `insights.#status = :pending AND ${sameVersion}`,
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ':insights': insights, ':pending': 'pending', ':version': version },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async list(supplierId: string, filter: ReviewListFilter): Promise<ReviewPage> {
    const query = reviewListQuery(this.tableName, supplierId, filter);
    const index = REVIEW_INDEXES.get(query.IndexName!)!;
    if (filter.startKey) {
      assertKeyIn(filter.startKey, {
        [index.partitionKey]: query.ExpressionAttributeValues![':pk'] as string,
      });
    }
    let startKey: StoreKey | undefined = filter.startKey;

    const entries: WireItem[] = [];
    // Read with the low-level client (ADR 0022): the values marshalled once, and only what the
    // page shows decoded, straight from the wire form (review-views.ts).
    const { ExpressionAttributeValues: values = {}, ...input } = query;
    const wireValues = marshall(values);
    // From an index entry only its table keys are used (the filters are tested by DynamoDB before
    // projecting); the read units are the same, the answer about half the bytes.
    const projection = index.projection === 'all' ? {} : { ProjectionExpression: 'pk, sk' };
    for (let read = 0; read < MAX_READS_PER_PAGE && entries.length < filter.limit; read += 1) {
      const page = await this.reader.send(
        new ReadQueryCommand({
          ...input,
          ...projection,
          ExpressionAttributeValues: wireValues,
          Limit: filter.limit - entries.length,
          ExclusiveStartKey: startKey ? marshall(startKey) : undefined,
        }),
      );
      for (const entry of page.Items ?? []) entries.push(entry);
      startKey = page.LastEvaluatedKey ? (unmarshall(page.LastEvaluatedKey) as StoreKey) : undefined;
      if (!startKey) break;
    }
    // An index holding only keys and the filters' attributes (ADR 0032): read the page's reviews.
    const reviews =
      index.projection === 'all'
        ? entries
        : await batchGetWireInOrder(
            this.reader,
            this.tableName,
            entries.map((entry) => ({ pk: String(entry.pk?.S), sk: String(entry.sk?.S) })),
            ['pk', 'sk'],
          );
    return {
      items: reviews.map(viewOfWireItem),
      ...(startKey ? { next: startKey } : {}),
    };
  }

  /**
   * Marks a review removed on its platform, once.
   * 1. Read the stored item (strongly consistent). None yet (the removal overtook its review on
   *    the queue): put a tombstone, so the review, when it arrives, is not stored (reconcile sees
   *    `removedAt`); a tombstone is never shown or counted.
   * 2. Already removed: a duplicate (the same event is announced again, with the same id).
   * 3. Otherwise one transaction, conditional on the version read, like an edit: the review gets
   *    `removedAt` and version + 1 (it keeps its content), an audit record, and the summary
   *    counters lose it (`removed` gains it). A lost race re-reads and decides again.
   */
  async markRemoved(removal: ReviewRemoval, storedAt: string): Promise<RemovalOutcome> {
    const pk = supplierPk(removal.supplierId);
    const key = { pk, sk: reviewSk(removal.reviewId) };
    let conflicts = 0;
    for (let attempt = 0; attempt < MAX_EDIT_ATTEMPTS; attempt += 1) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      if (!Item) {
        try {
          await this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...key,
                entity: 'tombstone',
                reviewId: removal.reviewId,
                supplierId: removal.supplierId,
                origin: removal.origin,
                removedAt: removal.removedAt,
                storedAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          return { kind: 'tombstone' };
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) continue;
          throw error;
        }
      }
      if (Item.entity !== 'review') return { kind: 'tombstone' };
      const view = toView(Item);
      const version = typeof Item.version === 'number' ? Item.version : 1;
      if (Item.removedAt !== undefined) return { kind: 'duplicate', review: view, version };
      const stored = storedVersion(Item);
      const values: Record<string, unknown> = {
        ':removedAt': removal.removedAt,
        ':version': version + 1,
        ':updatedAt': storedAt,
      };
      const sets = ['removedAt = :removedAt', '#version = :version', 'updatedAt = :updatedAt'];
      this.recordWriteRun(stored.item, sets, values);
      let condition =
        'attribute_exists(pk) AND attribute_not_exists(removedAt) AND attribute_not_exists(erasedAt) AND ';
      if (stored.versionAttribute === undefined) {
        condition += 'attribute_not_exists(#version)';
      } else {
        condition += '#version = :expected';
        values[':expected'] = stored.versionAttribute;
      }
      const counters = [...summaryCounters(stored.content)].map(([name, by]) => [name, -by] as const);
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: key,
                  UpdateExpression: `SET ${sets.join(', ')}`,
                  ConditionExpression: condition,
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: values,
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: auditItem(
                    removal.supplierId,
                    removal,
                    'removed',
                    'review.removed',
                    storedAt,
                    this.region,
                    { version: version + 1, removedAt: removal.removedAt },
                  ),
                },
              },
              this.summaryUpdate(pk, [...counters, ['removed', 1]]),
            ],
          }),
        );
        return {
          kind: 'removed',
          review: { ...view, state: 'removed', removedAt: removal.removedAt, version: version + 1 },
          version: version + 1,
        };
      } catch (error) {
        conflicts = await retryChangeAfter(error, conflicts);
      }
    }
    throw new Error(`review ${removal.reviewId}: too many concurrent changes, will be retried`);
  }

  /** See DynamoReviewReplies.recordReply. */
  recordReply(supplierId: string, reviewId: string, reply: ReviewReply): Promise<boolean> {
    return this.replies.recordReply(supplierId, reviewId, reply);
  }

  /** See DynamoReviewReplies.observeReply. */
  observeReply(
    supplierId: string,
    reviewId: string,
    observation: ReplyObservation,
  ): Promise<ReplyObservationOutcome> {
    return this.replies.observeReply(supplierId, reviewId, observation);
  }

  // Two regions (issue 11, ADR 0020): a review created in two regions at once.
  /**
   * Adds `counters` to this region's shard, once per replaced item: a marker item
   * (pk=SUPPLIER#<sid>, sk=REPLFIX#<region>#<replaced>) is put in the same transaction on the
   * condition that it does not exist, so a redelivered stream record changes nothing.
   */
  async correctShard(
    supplierId: string,
    replaced: string,
    counters: ReadonlyMap<string, number>,
  ): Promise<boolean> {
    const pk = supplierPk(supplierId);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk, sk: `REPLFIX#${this.region}#${replaced}`, entity: SUMMARY_CORRECTION_ENTITY },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            this.summaryUpdate(pk, [...counters]),
          ],
        }),
      );
      return true;
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? error.CancellationReasons : undefined;
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async summary(supplierId: string) {
    const { Items = [] } = await this.client.send(
      new QueryCommand(reviewSummaryQuery(this.tableName, supplierId)),
    );
    return combineShards(Items.map(toShard));
  }
}

/**
 * The summary's one Query: the supplier's counter shards (sk `SUMMARY#<region>`, one per region),
 * never a review. The range from `SUMMARY#` to `SUMMARY$` (inclusive; no item has that exact key)
 * is the prefix's: the same items as begins_with and the same read in DynamoDB, but DynamoDB Local
 * walks the whole partition for begins_with (200-400 ms at 100,000 reviews, against 10-40 ms for
 * the range: ADR 0022, "Bench run time", third round). The bench's raw side makes the same Query.
 */
export const reviewSummaryQuery = (tableName: string, supplierId: string): QueryCommandInput => ({
  TableName: tableName,
  KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
  ExpressionAttributeValues: { ':pk': supplierPk(supplierId), ':from': 'SUMMARY#', ':to': 'SUMMARY$' },
});

/**
 * The Query of a listing's first read (review-listing-keys.ts `listingPlan`: the index whose
 * partition decides the filters; what it does not decide is tested on the index entry), newest
 * first, `filter.limit` entries. The bench's raw side makes the same Query.
 */
export function reviewListQuery(
  tableName: string,
  supplierId: string,
  filter: Omit<ReviewListFilter, 'startKey'>,
): QueryCommandInput {
  const plan = listingPlan(supplierId, filter);
  const index = REVIEW_INDEXES.get(plan.index);
  if (!index) throw new Error(`the Reviews table has no index ${plan.index} in the catalog`);
  const names: Record<string, string> = { '#pk': index.partitionKey };
  const values: Record<string, unknown> = { ':pk': plan.partition };
  let keyCondition = '#pk = :pk';
  if (filter.from || filter.to) {
    keyCondition += ' AND #sk BETWEEN :from AND :to';
    names['#sk'] = index.sortKey;
    values[':from'] = filter.from ?? '0000';
    values[':to'] = `${filter.to ?? '9999'}${RANGE_END}`;
  }
  const filters: string[] = [];
  for (const [attribute, value] of Object.entries(plan.filters)) {
    filters.push(`#${attribute} = :${attribute}`);
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
  }
  const removed = filter.removed ?? 'exclude';
  if (removed === 'exclude') filters.push('attribute_not_exists(removedAt)');
  if (removed === 'only') filters.push('attribute_exists(removedAt)');
  return {
    TableName: tableName,
    IndexName: index.name,
    KeyConditionExpression: keyCondition,
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    Limit: filter.limit,
  };
}

interface StoredVersion {
  readonly content: ReviewContent;
  readonly stamp: VersionStamp;
  readonly version: number;
  /** The `version` attribute as stored (absent on reviews stored before edits existed). */
  readonly versionAttribute?: number;
  readonly lastEdit?: ReviewEdit;
  /** The item as read: its counted fields and write run (ADR 0020). */
  readonly item: StoredReviewItem;
}

function storedVersion(item: Record<string, unknown>): StoredVersion {
  const content = contentOf({
    rating: typeof item.rating === 'number' ? item.rating : null,
    ...(typeof item.recommendation === 'string'
      ? { recommendation: item.recommendation as Recommendation }
      : {}),
    ...(item.excerpt === true ? { excerpt: true as const } : {}),
    title: String(item.title),
    body: String(item.body),
    reviewerName: String(item.reviewerName),
    platform: String(item.platform) as Platform,
    reviewedAt: String(item.reviewedAt),
  });
  const versionAttribute = typeof item.version === 'number' ? item.version : undefined;
  return {
    content,
    stamp: {
      reviewedAt: content.reviewedAt,
      versionAt: String(item.versionAt ?? item.receivedAt),
      contentHash: typeof item.contentHash === 'string' ? item.contentHash : contentHash(content),
    },
    version: versionAttribute ?? 1,
    ...(versionAttribute !== undefined ? { versionAttribute } : {}),
    ...(item.lastEdit ? { lastEdit: item.lastEdit as ReviewEdit } : {}),
    item,
  };
}

const jitter = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));

/**
 * After the transaction of a change made on the version read (an edit, a removal) failed: resolves
 * with the transaction conflicts counted so far when the caller should read again and decide
 * again, that is when another change got there first (its condition failed) or, after a jittered
 * pause and at most MAX_CONFLICT_RETRIES times, on a conflict with another writer. Throws the error
 * otherwise.
 */
async function retryChangeAfter(error: unknown, conflicts: number): Promise<number> {
  if (!(error instanceof TransactionCanceledException)) throw error;
  const reasons = error.CancellationReasons ?? [];
  if (reasons[0]?.Code === 'ConditionalCheckFailed') return conflicts;
  if (reasons.some((r) => r.Code === 'TransactionConflict') && conflicts < MAX_CONFLICT_RETRIES) {
    await jitter(conflicts + 1);
    return conflicts + 1;
  }
  throw error;
}

function toShard(item: Record<string, unknown>): SummaryShard {
  const byRating: Record<string, number> = {};
  const byPlatform: Record<string, number> = {};
  const byRecommendation: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (typeof value !== 'number') continue;
    if (name.startsWith('r_')) byRating[name.slice(2)] = value;
    if (name.startsWith('p_')) byPlatform[name.slice(2)] = value;
    if (name.startsWith('rec_')) byRecommendation[name.slice(4)] = value;
  }
  return {
    count: Number(item.count ?? 0),
    ratingSum: Number(item.ratingSum ?? 0),
    unrated: Number(item.unrated ?? 0),
    removed: Number(item.removed ?? 0),
    byRating,
    byPlatform,
    byRecommendation,
  };
}
