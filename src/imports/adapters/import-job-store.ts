/** Import jobs and their rejected rows in the ImportJobs table (access patterns in src/catalog/tables.ts). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { StoreKey } from '../../shared/cursor';
import type { ImportJob, ImportStatus, RejectedRow } from '../domain/import-job';
import type { ImportJobStore } from '../ports';

const jobKey = (supplierId: string, importId: string) => ({
  pk: `SUPPLIER#${supplierId}`,
  sk: `IMPORT#${importId}`,
});
const errorsPk = (importId: string) => `IMPORT#${importId}`;
/** Zero-padded, so the sort key orders rows by line. */
const rowSk = (line: number) => `ROW#${String(line).padStart(10, '0')}`;
const BATCH = 25;
const WRITE_TRIES = 8;

export class DynamoImportJobStore implements ImportJobStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(job: ImportJob): Promise<boolean> {
    return this.conditionalPut(job, 'attribute_not_exists(pk)', {});
  }

  async get(supplierId: string, importId: string): Promise<ImportJob | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: jobKey(supplierId, importId), ConsistentRead: true }),
    );
    return Item ? (Item.job as ImportJob) : undefined;
  }

  async update(
    job: ImportJob,
    expected: { readonly status: ImportStatus; readonly seq: number },
  ): Promise<boolean> {
    return this.conditionalPut(job, '#status = :status AND seq = :seq', {
      ':status': expected.status,
      ':seq': expected.seq,
    });
  }

  async putErrors(importId: string, rows: readonly RejectedRow[], expiresAt: number): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      let requests = rows.slice(i, i + BATCH).map((row) => ({
        PutRequest: {
          Item: {
            pk: errorsPk(importId),
            sk: rowSk(row.line),
            line: row.line,
            reason: row.reason,
            expiresAt,
          },
        },
      }));
      for (let attempt = 0; requests.length > 0; attempt += 1) {
        if (attempt === WRITE_TRIES)
          throw new Error('rejected rows not written (throttled); the chunk will be retried');
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
    }
  }

  async listErrors(
    importId: string,
    limit: number,
    cursor?: StoreKey,
  ): Promise<{ readonly items: RejectedRow[]; readonly next?: StoreKey }> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :row)',
        ExpressionAttributeValues: { ':pk': errorsPk(importId), ':row': 'ROW#' },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    return {
      items: (Items ?? []).map((item) => ({ line: Number(item.line), reason: String(item.reason) })),
      ...(LastEvaluatedKey ? { next: LastEvaluatedKey as StoreKey } : {}),
    };
  }

  private async conditionalPut(
    job: ImportJob,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...jobKey(job.supplierId, job.importId),
            status: job.status,
            seq: job.checkpoint.seq,
            expiresAt: job.expiresAt,
            job,
          },
          ConditionExpression: condition,
          ...(Object.keys(values).length > 0
            ? { ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: values }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
