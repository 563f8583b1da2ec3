/**
 * A subject's data across the tables (key designs in src/catalog/tables.ts): review requests and
 * tombstones (ReviewRequests), reviews and their audit entries (Reviews), deliveries (Deliveries),
 * endpoint ids (WebhookEndpoints), and the event log through its own repository (EventLog table,
 * src/webhooks/adapters/event-log.ts, handed in by the wiring). Keyed reads only (Query, GetItem,
 * BatchGetItem): no Scan. Writes are conditional, so each reports whether it changed anything.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  ANONYMISED_NAME,
  ERASED_TEXT,
  subjectIndexKey,
  tombstoneKey,
  type ReviewRef,
  type Tombstone,
} from '../domain/erasure';
import type {
  StoredItem,
  SubjectDataEraser,
  SubjectDataReader,
  SubjectRequestPage,
  TombstoneStore,
} from '../ports';

/** What the event log's repository (the webhooks capability's DynamoEventLog) offers a data subject request. */
export interface EventLogItems {
  storedItems(supplierId: string, eventIds: readonly string[]): Promise<StoredItem[]>;
  purge(supplierId: string, eventId: string): Promise<boolean>;
}

export interface SubjectTables {
  readonly reviewRequests: string;
  readonly reviews: string;
  readonly deliveries: string;
  readonly webhookEndpoints: string;
  readonly eventLog: EventLogItems;
}

const SUBJECT_INDEX = 'bySubject';
const PAGE = 100;
const BATCH_GET_MAX = 100;

const reviewKey = (ref: ReviewRef) => ({ pk: `SUPPLIER#${ref.supplierId}`, sk: `REVIEW#${ref.reviewId}` });
const deliveryKey = (deliveryId: string) => ({ pk: `DELIVERY#${deliveryId}`, sk: 'STATE' });

const changedUnlessConditionFails = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

export class DynamoSubjectData implements SubjectDataReader, SubjectDataEraser, TombstoneStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: SubjectTables,
  ) {}

  async requestsOf(subjectHash: string, cursor?: Record<string, unknown>): Promise<SubjectRequestPage> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tables.reviewRequests,
        IndexName: SUBJECT_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': subjectIndexKey(subjectHash) },
        Limit: PAGE,
        ExclusiveStartKey: cursor,
      }),
    );
    return { items: page.Items ?? [], ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
  }

  async getReview(ref: ReviewRef): Promise<StoredItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tables.reviews, Key: reviewKey(ref), ConsistentRead: true }),
    );
    return Item;
  }

  async reviewAuditTrail(ref: ReviewRef): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tables.reviews,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': `SUPPLIER#${ref.supplierId}`,
            ':prefix': `AUDIT#${ref.reviewId}#`,
          },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  loggedEvents(supplierId: string, eventIds: readonly string[]): Promise<StoredItem[]> {
    return this.tables.eventLog.storedItems(supplierId, eventIds);
  }

  async endpointIds(supplierId: string): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tables.webhookEndpoints,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `SUPPLIER#${supplierId}`, ':prefix': 'ENDPOINT#' },
          ProjectionExpression: 'sk',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.sk).slice('ENDPOINT#'.length));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  deliveries(deliveryIds: readonly string[]): Promise<StoredItem[]> {
    return this.batchGet(this.tables.deliveries, deliveryIds.map(deliveryKey));
  }

  deleteReviewRequest(supplierId: string, requestId: string): Promise<boolean> {
    return changedUnlessConditionFails(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tables.reviewRequests,
          Key: { pk: `SUPPLIER#${supplierId}`, sk: `REQUEST#${requestId}` },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  anonymiseReview(ref: ReviewRef, eraseText: boolean, erasureId: string, at: string): Promise<boolean> {
    const sets = [
      'reviewerName = :name',
      'erasedAt = if_not_exists(erasedAt, :at)',
      'erasureId = :erasureId',
    ];
    const values: Record<string, unknown> = { ':name': ANONYMISED_NAME, ':at': at, ':erasureId': erasureId };
    if (eraseText) {
      sets.push('title = :erased', '#body = :erased', 'textErased = :true');
      values[':erased'] = ERASED_TEXT;
      values[':true'] = true;
    }
    return changedUnlessConditionFails(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tables.reviews,
          Key: reviewKey(ref),
          // sourceHash: a hash of the couple's client address (burst detection), personal too.
          UpdateExpression: `SET ${sets.join(', ')} REMOVE sourceHash`,
          // Already erased with this scope: nothing to change (erasing twice is harmless).
          ConditionExpression: eraseText
            ? 'attribute_exists(pk) AND attribute_not_exists(textErased)'
            : 'attribute_exists(pk) AND attribute_not_exists(erasedAt)',
          ...(eraseText ? { ExpressionAttributeNames: { '#body': 'body' } } : {}),
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async anonymiseReviewAudit(ref: ReviewRef, eraseText: boolean): Promise<number> {
    let changed = 0;
    for (const entry of await this.reviewAuditTrail(ref)) {
      // Only edit entries keep content (`previous`: the version the edit replaced).
      if (typeof entry.previous !== 'object' || entry.previous === null) continue;
      const sets = ['previous.reviewerName = :name'];
      const values: Record<string, unknown> = { ':name': ANONYMISED_NAME };
      let condition = 'previous.reviewerName <> :name';
      if (eraseText) {
        sets.push('previous.title = :erased', 'previous.#body = :erased');
        values[':erased'] = ERASED_TEXT;
        condition = `(${condition} OR previous.#body <> :erased)`;
      }
      const ok = await changedUnlessConditionFails(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tables.reviews,
            Key: { pk: entry.pk, sk: entry.sk },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: `attribute_exists(pk) AND ${condition}`,
            ...(eraseText ? { ExpressionAttributeNames: { '#body': 'body' } } : {}),
            ExpressionAttributeValues: values,
          }),
        ),
      );
      if (ok) changed += 1;
    }
    return changed;
  }

  purgeLoggedEvent(supplierId: string, eventId: string): Promise<boolean> {
    return this.tables.eventLog.purge(supplierId, eventId);
  }

  async scrubDelivery(deliveryId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tables.deliveries,
        Key: deliveryKey(deliveryId),
        ConsistentRead: true,
      }),
    );
    if (!Item || Item.responsesErased === true) return false;
    const attempts = Array.isArray(Item.attempts) ? (Item.attempts as Record<string, unknown>[]) : [];
    const scrubbed = attempts.map((attempt) => ({ ...attempt, response: '', responseTruncated: false }));
    return changedUnlessConditionFails(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tables.deliveries,
          Key: deliveryKey(deliveryId),
          UpdateExpression: 'SET #attempts = :scrubbed, responsesErased = :true',
          // Unchanged since read (an attempt finishing meanwhile appends): a rerun scrubs it then.
          ConditionExpression: 'attribute_exists(pk) AND size(#attempts) = :count',
          ExpressionAttributeNames: { '#attempts': 'attempts' },
          ExpressionAttributeValues: { ':scrubbed': scrubbed, ':true': true, ':count': attempts.length },
        }),
      ),
    );
  }

  async get(erasureId: string): Promise<Tombstone | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tables.reviewRequests,
        Key: tombstoneKey(erasureId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...tombstone } = Item;
    return tombstone as Tombstone;
  }

  async put(tombstone: Tombstone): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tables.reviewRequests,
        // No expiresAt: the tombstone is kept for good (docs/privacy.md, retention).
        Item: { ...tombstoneKey(tombstone.erasureId), entity: 'tombstone', ...tombstone },
      }),
    );
  }

  private async batchGet(tableName: string, keys: readonly Record<string, string>[]): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + BATCH_GET_MAX);
      for (let tries = 0; pending && pending.length > 0; tries += 1) {
        if (tries >= 8) throw new Error('BatchGetItem left keys unprocessed after 8 tries');
        if (tries > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** tries)));
        const result: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(result.Responses?.[tableName] ?? []));
        pending = result.UnprocessedKeys?.[tableName]?.Keys;
      }
    }
    return items;
  }
}
