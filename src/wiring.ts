/**
 * Adapters built from the environment, once per process, shared by the Lambda handlers (and so
 * by the local mode, which runs the same handlers). Each reads only the variables the CDK
 * construct sets for the resources its function was granted.
 */
import { dynamo, sqs } from './shared/aws-clients';
import { DynamoModelStatsStore } from './models/adapters/model-stats-store';
import { DynamoReviewRepository } from './reviews/adapters/review-repository';
import { SqsEventPublisher, SqsQueue } from './shared/sqs-queues';
import { queueDefinition, type QueueId } from './catalog/queues';
import { tableDefinition, type TableId } from './catalog/tables';
import { createModelEngine, type ModelEngine } from './models/inference/engine';
import { currentRegion, requireEnv } from './shared/env';

const once = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= build());
};

export const tableName = (id: TableId): string => requireEnv(tableDefinition(id).envVar);
export const queueUrl = (id: QueueId): string => requireEnv(queueDefinition(id).envVar);

export const reviewRepository = once(
  () => new DynamoReviewRepository(dynamo(), tableName('Reviews'), currentRegion()),
);
export const eventPublisher = once(
  () => new SqsEventPublisher(sqs(), queueUrl('Events'), `wedsync/${currentRegion()}`),
);
export const modelStatsStore = once(() => new DynamoModelStatsStore(dynamo(), tableName('ModelStats')));
export const modelEngine = once((): ModelEngine => createModelEngine());

const senders = new Map<QueueId, SqsQueue>();
export function queueSender(id: QueueId): SqsQueue {
  let sender = senders.get(id);
  if (!sender) {
    sender = new SqsQueue(sqs(), queueUrl(id));
    senders.set(id, sender);
  }
  return sender;
}
