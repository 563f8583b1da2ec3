/**
 * The EventLog table (key design in src/catalog/tables.ts): every domain event as the webhook
 * fan-out first sent it, kept 14 days. The one repository of its items: the fan-out logs, replay
 * and redelivery read, a data subject export reads and an erasure deletes through it, and the
 * real-time recorder reads the table's stream through `loggedEventOfItem`.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { LoggedEvent } from '../domain/webhook';
import type { EventLogStore, Page } from '../ports';

export const eventLogKey = (supplierId: string, eventId: string) => ({
  pk: `EVENT#${supplierId}#${eventId}`,
});
const INDEX = 'byOwnerTime';
const BATCH_GET_MAX = 100;
const BATCH_GET_TRIES = 8;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

function strip(item: Record<string, unknown>): LoggedEvent {
  const { pk: _pk, gsi1pk: _g1, gsi1sk: _g2, expiresAt: _e, entity: _entity, ...rest } = item;
  return rest as unknown as LoggedEvent;
}

/**
 * An event-log item (as the table's stream reports it) as the logged event; undefined for an item
 * missing a field (nothing else lives in the table, but a stream record is input all the same).
 */
export function loggedEventOfItem(item: Record<string, unknown>): LoggedEvent | undefined {
  if (item.entity !== 'event') return undefined;
  const { supplierId, eventId, eventType, time, body, loggedAtMs, correlationId } = item;
  if (
    typeof supplierId !== 'string' ||
    typeof eventId !== 'string' ||
    typeof eventType !== 'string' ||
    typeof time !== 'string' ||
    typeof body !== 'string' ||
    typeof loggedAtMs !== 'number'
  )
    return undefined;
  return {
    supplierId,
    eventId,
    eventType,
    time,
    body,
    loggedAtMs,
    ...(typeof correlationId === 'string' ? { correlationId } : {}),
  };
}

export class DynamoEventLog implements EventLogStore {
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
            ...eventLogKey(event.supplierId, event.eventId),
            entity: 'event',
            gsi1pk: `EVENTS#${event.supplierId}`,
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

  async eventsSince(
    supplierId: string,
    sinceIso: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<Page<LoggedEvent>> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
        ExpressionAttributeValues: { ':pk': `EVENTS#${supplierId}`, ':since': sinceIso },
        Limit: limit,
        ExclusiveStartKey: cursor,
      }),
    );
    return {
      items: (page.Items ?? []).map(strip),
      ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
    };
  }

  async getEvent(supplierId: string, eventId: string): Promise<LoggedEvent | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: eventLogKey(supplierId, eventId) }),
    );
    return Item ? strip(Item) : undefined;
  }

  /** The stored items of a tenant's events with these ids, as kept (a data subject export); absent ones left out. */
  async storedItems(supplierId: string, eventIds: readonly string[]): Promise<Record<string, unknown>[]> {
    const keys = eventIds.map((id) => eventLogKey(supplierId, id));
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + BATCH_GET_MAX);
      for (let tries = 0; pending && pending.length > 0; tries += 1) {
        if (tries >= BATCH_GET_TRIES) throw new Error('BatchGetItem left keys unprocessed after 8 tries');
        if (tries > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** tries)));
        const result: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        items.push(...(result.Responses?.[this.tableName] ?? []));
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return items;
  }

  /** Deletes one event (an erasure: its body names the person); false when it was not there. */
  async purge(supplierId: string, eventId: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: eventLogKey(supplierId, eventId),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
