/**
 * The Deliveries table: the event log (replay), the state of each (event, endpoint) delivery and
 * the attempt log of each endpoint. Key design in src/catalog/tables.ts.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AttemptRecord, DeliveryState, LoggedEvent } from '../domain/webhook';
import type { ClaimResult, DeliveryStore } from '../ports/webhooks';

const eventKey = (tenantId: string, eventId: string) => ({ pk: `EVENT#${tenantId}#${eventId}`, sk: 'EVENT' });
const deliveryKey = (deliveryId: string) => ({ pk: `DELIVERY#${deliveryId}`, sk: 'STATE' });
const INDEX = 'byOwnerTime';

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, expiresAt: _e, entity: _entity, ...rest } = item;
  return rest as T;
}

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class DynamoDeliveryStore implements DeliveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async logEvent(event: LoggedEvent, expiresAtSeconds: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...eventKey(event.tenantId, event.eventId),
            entity: 'event',
            gsi1pk: `EVENTS#${event.tenantId}`,
            gsi1sk: `${event.time}#${event.eventId}`,
            ...event,
            expiresAt: expiresAtSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async eventsSince(tenantId: string, sinceIso: string, limit: number, cursor?: Record<string, unknown>) {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
        ExpressionAttributeValues: { ':pk': `EVENTS#${tenantId}`, ':since': sinceIso },
        Limit: limit,
        ExclusiveStartKey: cursor,
      }),
    );
    return {
      items: (page.Items ?? []).map((item) => strip<LoggedEvent>(item)),
      ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
    };
  }

  async getEvent(tenantId: string, eventId: string): Promise<LoggedEvent | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: eventKey(tenantId, eventId) }),
    );
    return Item ? strip<LoggedEvent>(Item) : undefined;
  }

  async createDelivery(state: DeliveryState, expiresAtSeconds: number) {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...deliveryKey(state.deliveryId),
            entity: 'delivery',
            gsi1pk: `DELIVERIES#${state.endpointId}`,
            gsi1sk: `${new Date(state.createdAtMs).toISOString()}#${state.deliveryId}`,
            ...state,
            expiresAt: expiresAtSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true as const };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.getDelivery(state.deliveryId);
      if (!existing) throw new Error(`delivery ${state.deliveryId} vanished`);
      return { created: false as const, existing };
    }
  }

  async getDelivery(deliveryId: string): Promise<DeliveryState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: deliveryKey(deliveryId), ConsistentRead: true }),
    );
    return Item ? strip<DeliveryState>(Item) : undefined;
  }

  async claim(deliveryId: string, attempt: number, nowMs: number, leaseUntilMs: number): Promise<ClaimResult> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(deliveryId),
          UpdateExpression: 'SET #status = :inflight, leaseUntilMs = :lease',
          ConditionExpression:
            'attempt = :attempt AND (#status = :pending OR (#status = :inflight AND leaseUntilMs < :now))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':inflight': 'in-flight',
            ':pending': 'pending',
            ':lease': leaseUntilMs,
            ':attempt': attempt,
            ':now': nowMs,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true, state: strip<DeliveryState>(Attributes ?? {}) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.getDelivery(deliveryId);
      return current ? { ok: false, current } : { ok: false };
    }
  }

  async finishAttempt(deliveryId: string, attempt: number, next: Partial<DeliveryState>): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':attempt': attempt, ':inflight': 'in-flight' };
    const sets: string[] = [];
    for (const [field, value] of Object.entries(next)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(deliveryId),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseUntilMs`,
          ConditionExpression: 'attempt = :attempt AND #status = :inflight',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async cancel(deliveryId: string, reason: string, nowMs: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(deliveryId),
          UpdateExpression: 'SET #status = :cancelled, reason = :reason, finishedAtMs = :now',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':cancelled': 'cancelled', ':pending': 'pending', ':reason': reason, ':now': nowMs },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async restart(deliveryId: string, expectedAttempt: number, nextAttempt: number, dueAtMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(deliveryId),
          UpdateExpression:
            'SET #status = :pending, attempt = :next, roundStart = :next, dueAtMs = :due REMOVE reason, finishedAtMs, leaseUntilMs',
          ConditionExpression: 'attempt = :expected AND NOT #status IN (:pending, :inflight)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':inflight': 'in-flight',
            ':next': nextAttempt,
            ':due': dueAtMs,
            ':expected': expectedAttempt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordAttempt(record: AttemptRecord, expiresAtSeconds: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `ENDPOINT#${record.endpointId}`,
          sk: `ATTEMPT#${record.at}#${record.deliveryId}#${String(record.attempt).padStart(4, '0')}`,
          entity: 'attempt',
          ...record,
          expiresAt: expiresAtSeconds,
        },
      }),
    );
  }

  async listAttempts(endpointId: string, limit: number, cursor?: Record<string, unknown>) {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `ENDPOINT#${endpointId}`, ':prefix': 'ATTEMPT#' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: cursor,
      }),
    );
    return {
      items: (page.Items ?? []).map((item) => strip<AttemptRecord>(item)),
      ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
    };
  }

  async listDeliveries(endpointId: string): Promise<DeliveryState[]> {
    const items: DeliveryState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEX,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `DELIVERIES#${endpointId}` },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => strip<DeliveryState>(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
