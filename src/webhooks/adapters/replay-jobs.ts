/**
 * Replay jobs and the per-endpoint replay limit, in the Deliveries table (beside the event log
 * they page through): job pk=REPLAY#<jobId>, sk=JOB; limit pk=REPLAYS#<endpointId>, sk=LIMIT.
 * Admission and completion are transactions, so the "one job in progress, N an hour" rule holds
 * under concurrent requests and a finished job always frees its endpoint's slot.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { ReplayJob, ReplayLimitState } from '../domain/replay-job';
import type { ReplayJobStore } from '../ports';

const jobKey = (jobId: string) => ({ pk: `REPLAY#${jobId}`, sk: 'JOB' });
const limitKey = (endpointId: string) => ({ pk: `REPLAYS#${endpointId}`, sk: 'LIMIT' });

/** Jobs are kept 14 days after their last change; a limit record a day (it only looks back an hour). */
const JOB_DAYS = 14;
const expiry = (iso: string, days: number) => Math.floor(Date.parse(iso) / 1000) + days * 86_400;

function jobFromItem(item: Record<string, unknown>): ReplayJob {
  const { pk: _pk, sk: _sk, entity: _entity, expiresAt: _expiresAt, ...rest } = item;
  return rest as unknown as ReplayJob;
}

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException;

export class DynamoReplayJobStore implements ReplayJobStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getJob(jobId: string): Promise<ReplayJob | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: jobKey(jobId), ConsistentRead: true }),
    );
    return Item ? jobFromItem(Item) : undefined;
  }

  async getLimit(endpointId: string): Promise<ReplayLimitState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: limitKey(endpointId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      starts: (Item.starts as number[] | undefined) ?? [],
      version: Number(Item.version ?? 0),
      ...(typeof Item.activeJobId === 'string' ? { activeJobId: Item.activeJobId } : {}),
    };
  }

  async admit(
    job: ReplayJob,
    limit: ReplayLimitState,
    abandon?: { readonly jobId: string; readonly updatedAt: string },
  ): Promise<boolean> {
    const expected = limit.version - 1;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...limitKey(job.endpointId),
                  entity: 'replay-limit',
                  starts: limit.starts,
                  activeJobId: limit.activeJobId,
                  version: limit.version,
                  expiresAt: expiry(job.createdAt, 1),
                },
                ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
                ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':expected': expected } }),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...jobKey(job.jobId),
                  entity: 'replay-job',
                  ...job,
                  expiresAt: expiry(job.createdAt, JOB_DAYS),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...(abandon
              ? [
                  {
                    Update: {
                      TableName: this.tableName,
                      Key: jobKey(abandon.jobId),
                      UpdateExpression:
                        'SET #status = :failed, #error = :error, finishedAt = :now, updatedAt = :now REMOVE leaseOwner, leaseUntilMs',
                      ConditionExpression: 'updatedAt = :seen AND #status IN (:queued, :running)',
                      ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
                      ExpressionAttributeValues: {
                        ':failed': 'failed',
                        ':error': 'abandoned: no progress for too long',
                        ':now': job.createdAt,
                        ':seen': abandon.updatedAt,
                        ':queued': 'queued',
                        ':running': 'running',
                      },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async acquire(
    jobId: string,
    owner: string,
    leaseUntilMs: number,
    nowMs: number,
    nowIso: string,
  ): Promise<ReplayJob | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(jobId),
          UpdateExpression:
            'SET #status = :running, leaseOwner = :owner, leaseUntilMs = :lease, updatedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND #status IN (:queued, :running) AND ' +
            '(attribute_not_exists(leaseUntilMs) OR leaseUntilMs < :nowMs OR leaseOwner = :owner)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':queued': 'queued',
            ':owner': owner,
            ':lease': leaseUntilMs,
            ':now': nowIso,
            ':nowMs': nowMs,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? jobFromItem(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async release(jobId: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(jobId),
          UpdateExpression: 'SET leaseUntilMs = :zero',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':zero': 0, ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async checkpoint(job: ReplayJob, owner: string, leaseUntilMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(job.jobId),
          UpdateExpression:
            'SET counts = :counts, chunks = :chunks, #cursor = :cursor, updatedAt = :now, leaseUntilMs = :lease',
          ConditionExpression: '#status = :running AND leaseOwner = :owner',
          ExpressionAttributeNames: { '#status': 'status', '#cursor': 'cursor' },
          ExpressionAttributeValues: {
            ':counts': job.counts,
            ':chunks': job.chunks,
            ':cursor': job.cursor ?? null,
            ':now': job.updatedAt,
            ':lease': leaseUntilMs,
            ':running': 'running',
            ':owner': owner,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async finish(job: ReplayJob, owner?: string): Promise<boolean> {
    const finishedAt = job.finishedAt ?? job.updatedAt;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: jobKey(job.jobId),
                UpdateExpression:
                  'SET #status = :status, counts = :counts, chunks = :chunks, updatedAt = :now, finishedAt = :now, expiresAt = :expires' +
                  (job.error ? ', #error = :error' : '') +
                  ' REMOVE leaseOwner, leaseUntilMs, #cursor',
                ConditionExpression: owner
                  ? '#status = :running AND leaseOwner = :owner'
                  : '#status IN (:queued, :running) AND attribute_not_exists(leaseOwner)',
                ExpressionAttributeNames: {
                  '#status': 'status',
                  '#cursor': 'cursor',
                  ...(job.error ? { '#error': 'error' } : {}),
                },
                ExpressionAttributeValues: {
                  ':status': job.status,
                  ':counts': job.counts,
                  ':chunks': job.chunks,
                  ':now': finishedAt,
                  ':expires': expiry(finishedAt, JOB_DAYS),
                  ':running': 'running',
                  ...(owner ? { ':owner': owner } : { ':queued': 'queued' }),
                  ...(job.error ? { ':error': job.error } : {}),
                },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: limitKey(job.endpointId),
                UpdateExpression: 'REMOVE activeJobId',
                ConditionExpression: 'activeJobId = :job',
                ExpressionAttributeValues: { ':job': job.jobId },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
