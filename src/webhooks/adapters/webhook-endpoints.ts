/**
 * Webhook endpoints in DynamoDB: pk=SUPPLIER#<sid>, sk=ENDPOINT#<endpointId>, secrets on the item;
 * the supplier's endpoint count in pk=SUPPLIER#<sid>, sk=COUNTER#ENDPOINTS, changed in the same
 * transaction as every create and delete (so concurrent creates cannot pass the cap).
 * An endpoint with a rotation schedule (issue 9) is also in the sparse `bySecretRotation` index:
 * rotpk=ROTATION, rotsk=<nextRotationAt>; endpoints without one carry neither attribute.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DisabledReason, WebhookEndpoint } from '../domain/webhook';
import type { EndpointSecrets } from '../domain/signing';
import type { SecretRotationSchedule } from '../domain/secret-rotation';
import type { DueEndpointRef, EndpointChanges, EndpointRepository, Page } from '../ports';

/** The sparse index of scheduled rotations (src/catalog/tables.ts), one partition: few endpoints, hourly reads. */
export const ROTATION_INDEX = 'bySecretRotation';
const ROTATION_PARTITION = 'ROTATION';
const rotationIndexKeys = (schedule: SecretRotationSchedule) => ({
  rotpk: ROTATION_PARTITION,
  rotsk: schedule.nextRotationAt,
});

const counterKey = (supplierId: string) => ({ pk: `SUPPLIER#${supplierId}`, sk: 'COUNTER#ENDPOINTS' });

/** Transactions on one supplier's counter conflict under concurrency: retried with jitter. */
const TRANSACTION_TRIES = 12;
const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 15 * (attempt + 1)));

/** Which items of a cancelled transaction failed their condition. */
function failedConditions(error: TransactionCanceledException): boolean[] {
  return (error.CancellationReasons ?? []).map((reason) => reason.Code === 'ConditionalCheckFailed');
}

const key = (supplierId: string, endpointId: string) => ({
  pk: `SUPPLIER#${supplierId}`,
  sk: `ENDPOINT#${endpointId}`,
});

function fromItem(item: Record<string, unknown>): WebhookEndpoint {
  const { pk: _pk, sk: _sk, entity: _entity, rotpk: _rotpk, rotsk: _rotsk, ...rest } = item;
  return rest as unknown as WebhookEndpoint;
}

export class DynamoEndpointRepository implements EndpointRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(endpoint: WebhookEndpoint, maxPerSupplier: number): Promise<'created' | 'limit-reached'> {
    for (let attempt = 0; attempt < TRANSACTION_TRIES; attempt += 1) {
      const count = await this.ensureCounter(endpoint.supplierId);
      if (count >= maxPerSupplier) return 'limit-reached';
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: counterKey(endpoint.supplierId),
                  UpdateExpression: 'SET #count = #count + :one',
                  ConditionExpression: '#count < :max',
                  ExpressionAttributeNames: { '#count': 'count' },
                  ExpressionAttributeValues: { ':one': 1, ':max': maxPerSupplier },
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...key(endpoint.supplierId, endpoint.endpointId),
                    entity: 'endpoint',
                    ...endpoint,
                    ...(endpoint.secretRotation ? rotationIndexKeys(endpoint.secretRotation) : {}),
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return 'created';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        if (failedConditions(error)[0]) return 'limit-reached';
        await pause(attempt); // a conflict with a concurrent create or delete: read again
      }
    }
    throw new Error('webhook endpoint counter stayed contended; the request may be retried');
  }

  /**
   * The supplier's endpoint count; created from a count of the endpoints when missing (suppliers
   * whose endpoints predate the counter). Creates and deletes need the counter, so none can slip
   * in between the count and the conditional put.
   */
  private async ensureCounter(supplierId: string): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: counterKey(supplierId), ConsistentRead: true }),
    );
    if (Item) return Number(Item.count);
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `SUPPLIER#${supplierId}`, ':prefix': 'ENDPOINT#' },
          Select: 'COUNT',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...counterKey(supplierId), entity: 'endpoint-counter', count },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return count;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.ensureCounter(supplierId); // another request created it first
    }
  }

  async listPage(
    supplierId: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<Page<WebhookEndpoint>> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `SUPPLIER#${supplierId}`, ':prefix': 'ENDPOINT#' },
        Limit: limit,
        ExclusiveStartKey: cursor,
      }),
    );
    return {
      items: (page.Items ?? []).map(fromItem),
      ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
    };
  }

  async get(supplierId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key(supplierId, endpointId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async list(supplierId: string): Promise<WebhookEndpoint[]> {
    const items: WebhookEndpoint[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `SUPPLIER#${supplierId}`, ':prefix': 'ENDPOINT#' },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []).map(fromItem));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async update(
    supplierId: string,
    endpointId: string,
    changes: EndpointChanges,
    updatedAt: string,
  ): Promise<WebhookEndpoint | undefined> {
    const sets = ['updatedAt = :updatedAt'];
    const removes: string[] = [];
    const values: Record<string, unknown> = { ':updatedAt': updatedAt };
    const names: Record<string, string> = {};
    if (changes.eventTypes !== undefined) {
      sets.push('eventTypes = :eventTypes');
      values[':eventTypes'] = changes.eventTypes;
    }
    if (changes.description !== undefined) {
      sets.push('description = :description');
      values[':description'] = changes.description;
    }
    if (changes.secrets !== undefined) {
      sets.push('secrets = :secrets');
      values[':secrets'] = changes.secrets;
    }
    if (changes.secretRotation === null) removes.push('secretRotation', 'rotpk', 'rotsk');
    else if (changes.secretRotation !== undefined) {
      sets.push('secretRotation = :secretRotation', 'rotpk = :rotpk', 'rotsk = :rotsk');
      const index = rotationIndexKeys(changes.secretRotation);
      values[':secretRotation'] = changes.secretRotation;
      values[':rotpk'] = index.rotpk;
      values[':rotsk'] = index.rotsk;
    }
    if (changes.enabled !== undefined) {
      sets.push('enabled = :enabled');
      values[':enabled'] = changes.enabled;
      if (changes.enabled) removes.push('disabledReason', 'disabledAt');
      else {
        sets.push('disabledReason = if_not_exists(disabledReason, :manual)', 'disabledAt = :updatedAt');
        values[':manual'] = 'manual';
      }
    }
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(supplierId, endpointId),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: values,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? fromItem(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async delete(supplierId: string, endpointId: string): Promise<boolean> {
    for (let attempt = 0; attempt < TRANSACTION_TRIES; attempt += 1) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: this.tableName,
                  Key: key(supplierId, endpointId),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: this.tableName,
                  Key: counterKey(supplierId),
                  UpdateExpression: 'SET #count = #count - :one',
                  ConditionExpression: '#count > :zero',
                  ExpressionAttributeNames: { '#count': 'count' },
                  ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [endpointMissing, counterMissing] = failedConditions(error);
        if (endpointMissing) return false;
        if (counterMissing) {
          // No counter yet (endpoints from before it): delete alone; the counter is made by counting.
          const { Attributes } = await this.client.send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: key(supplierId, endpointId),
              ReturnValues: 'ALL_OLD',
            }),
          );
          return Attributes !== undefined;
        }
        await pause(attempt);
      }
    }
    throw new Error('webhook endpoint counter stayed contended; the request may be retried');
  }

  async disable(
    supplierId: string,
    endpointId: string,
    reason: DisabledReason,
    at: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(supplierId, endpointId),
          UpdateExpression:
            'SET enabled = :false, disabledReason = :reason, disabledAt = :at, updatedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND enabled = :true',
          ExpressionAttributeValues: { ':false': false, ':true': true, ':reason': reason, ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async dueForRotation(
    nowIso: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<Page<DueEndpointRef>> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ROTATION_INDEX,
        KeyConditionExpression: 'rotpk = :partition AND rotsk <= :now',
        ExpressionAttributeValues: { ':partition': ROTATION_PARTITION, ':now': nowIso },
        Limit: limit,
        ExclusiveStartKey: cursor,
      }),
    );
    return {
      items: (page.Items ?? []).map((item) => ({
        supplierId: String(item.pk).slice('SUPPLIER#'.length),
        endpointId: String(item.sk).slice('ENDPOINT#'.length),
      })),
      ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
    };
  }

  async rotateOnSchedule(
    supplierId: string,
    endpointId: string,
    expectedNextRotationAt: string,
    secrets: EndpointSecrets,
    next: SecretRotationSchedule,
    updatedAt: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(supplierId, endpointId),
          UpdateExpression:
            'SET secrets = :secrets, secretRotation = :next, rotpk = :rotpk, rotsk = :rotsk, updatedAt = :at',
          // Still due at the time this run read: a second run, a manual rotation, a change of
          // period or a deletion in between all move or remove it.
          ConditionExpression: 'attribute_exists(pk) AND secretRotation.nextRotationAt = :expected',
          ExpressionAttributeValues: {
            ':secrets': secrets,
            ':next': next,
            ...Object.fromEntries(Object.entries(rotationIndexKeys(next)).map(([k, v]) => [`:${k}`, v])),
            ':at': updatedAt,
            ':expected': expectedNextRotationAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
