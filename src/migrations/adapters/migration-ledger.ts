/** The migrations ledger in the Migrations table (keys in src/catalog/tables.ts). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NO_COUNTS, type MigrationCounts } from '../domain/progress';
import type { DocItem, MigrationLedger, MigrationRecord } from '../ports';

const key = (id: string) => ({ pk: `MIGRATION#${id}`, sk: 'RUN' });

function toRecord(item: DocItem): MigrationRecord {
  return {
    id: String(item.id),
    status: item.status as MigrationRecord['status'],
    owner: String(item.owner),
    leaseUntilMs: Number(item.leaseUntilMs),
    ...(item.checkpoint ? { checkpoint: item.checkpoint as DocItem } : {}),
    counts: { ...NO_COUNTS, ...(item.counts as Partial<MigrationCounts> | undefined) },
    startedAt: String(item.startedAt),
    ...(item.finishedAt ? { finishedAt: String(item.finishedAt) } : {}),
  };
}

export class LeaseLostError extends Error {}

export class DynamoMigrationLedger implements MigrationLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<MigrationRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key(id), ConsistentRead: true }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async list(): Promise<MigrationRecord[]> {
    const records: MigrationRecord[] = [];
    let start: DocItem | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      records.push(...(page.Items ?? []).map(toRecord));
      start = page.LastEvaluatedKey;
    } while (start);
    return records.sort((a, b) => a.id.localeCompare(b.id));
  }

  async claim(
    id: string,
    owner: string,
    leaseUntilMs: number,
    takeOver: boolean,
    now: Date,
  ): Promise<MigrationRecord | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(id),
          UpdateExpression:
            'SET id = :id, #status = if_not_exists(#status, :running), #owner = :owner, leaseUntilMs = :lease, ' +
            'startedAt = if_not_exists(startedAt, :now), counts = if_not_exists(counts, :zero)',
          ConditionExpression: takeOver
            ? 'attribute_not_exists(pk) OR #status = :running'
            : 'attribute_not_exists(pk) OR (#status = :running AND (leaseUntilMs < :nowMs OR #owner = :owner))',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':id': id,
            ':running': 'running',
            ':owner': owner,
            ':lease': leaseUntilMs,
            ':now': now.toISOString(),
            ':zero': NO_COUNTS,
            ...(takeOver ? {} : { ':nowMs': now.getTime() }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async checkpoint(
    id: string,
    owner: string,
    checkpoint: DocItem | undefined,
    counts: MigrationCounts,
    leaseUntilMs: number,
  ): Promise<void> {
    await this.ownedUpdate(
      id,
      owner,
      checkpoint
        ? 'SET checkpoint = :checkpoint, counts = :counts, leaseUntilMs = :lease'
        : 'SET counts = :counts, leaseUntilMs = :lease REMOVE checkpoint',
      { ...(checkpoint ? { ':checkpoint': checkpoint } : {}), ':counts': counts, ':lease': leaseUntilMs },
    );
  }

  async finish(id: string, owner: string, counts: MigrationCounts, now: Date): Promise<void> {
    await this.ownedUpdate(
      id,
      owner,
      'SET #status = :done, counts = :counts, finishedAt = :now REMOVE checkpoint',
      {
        ':done': 'done',
        ':counts': counts,
        ':now': now.toISOString(),
      },
    );
  }

  private async ownedUpdate(id: string, owner: string, expression: string, values: Record<string, unknown>) {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(id),
          UpdateExpression: expression,
          ConditionExpression: '#owner = :owner AND #status = :running',
          ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':owner': owner, ':running': 'running' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new LeaseLostError(`migration ${id}: another runner took it over (lease lost)`);
      }
      throw error;
    }
  }
}
