/** Webhook endpoints in DynamoDB: pk=SUPPLIER#<sid>, sk=ENDPOINT#<endpointId>, secrets on the item. */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DisabledReason, WebhookEndpoint } from '../domain/webhook';
import type { EndpointChanges, EndpointRepository } from '../ports';

const key = (supplierId: string, endpointId: string) => ({
  pk: `SUPPLIER#${supplierId}`,
  sk: `ENDPOINT#${endpointId}`,
});

function fromItem(item: Record<string, unknown>): WebhookEndpoint {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest as unknown as WebhookEndpoint;
}

export class DynamoEndpointRepository implements EndpointRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(endpoint: WebhookEndpoint): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key(endpoint.supplierId, endpoint.endpointId), entity: 'endpoint', ...endpoint },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
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
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: key(supplierId, endpointId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes !== undefined;
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
}
