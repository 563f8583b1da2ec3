/**
 * The supplier's reply on a stored review (the `reply` attribute of a review item of the Reviews
 * table, keys in src/catalog/tables.ts): recorded by the reply worker, merged with what a sync
 * observes. Its own module so the reply worker's bundle holds this and not the whole repository
 * (ADR 0022); DynamoReviewRepository delegates to it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReviewReply } from '../domain/review';
import { mergeObservedReply, type ReplyObservation } from '../domain/review-replies';
import type { ReplyObservationOutcome } from '../ports';

/** A sync's merge racing reply writes: re-read and decide again at most this often. */
const MAX_MERGE_ATTEMPTS = 8;

export class DynamoReviewReplies {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Records the state of the supplier's reply on a stored review. Ordered by `requestedAt`: a
   * newer request replaces an older one's state; for the same request only a pending state
   * moves on (published and failed are final). False when refused (or no such review).
   */
  async recordReply(supplierId: string, reviewId: string, reply: ReviewReply): Promise<boolean> {
    if (reply.requestedAt === undefined) throw new Error('a reply request needs its request time');
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `SUPPLIER#${supplierId}`, sk: `REVIEW#${reviewId}` },
          UpdateExpression: 'SET reply = :reply',
          // A reply seen on the platform or imported without any request of ours has no request
          // time: any request replaces it.
          ConditionExpression:
            'entity = :review AND (attribute_not_exists(reply) OR attribute_not_exists(reply.requestedAt) OR ' +
            'reply.requestedAt < :at OR (reply.requestedAt = :at AND reply.#state = :pending))',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':reply': reply,
            ':review': 'review',
            ':at': reply.requestedAt,
            ':pending': 'pending',
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Merges what the review's source shows of the reply with the stored reply
   * (domain/review-replies.ts): reads it, decides, and writes conditional on the reply it read (a
   * reply worker's concurrent write makes it read and decide again). Never touches a removed review.
   */
  async observeReply(
    supplierId: string,
    reviewId: string,
    observation: ReplyObservation,
  ): Promise<ReplyObservationOutcome> {
    const key = { pk: `SUPPLIER#${supplierId}`, sk: `REVIEW#${reviewId}` };
    for (let attempt = 0; attempt < MAX_MERGE_ATTEMPTS; attempt += 1) {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key,
          ConsistentRead: true,
          ProjectionExpression: 'entity, reply, removedAt',
        }),
      );
      if (Item?.entity !== 'review' || Item.removedAt !== undefined) return 'no-review';
      const current = Item.reply as ReviewReply | undefined;
      const merge = mergeObservedReply(current, observation);
      if (merge.kind === 'keep') return 'unchanged';
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET reply = :reply',
            ConditionExpression:
              'entity = :review AND attribute_not_exists(removedAt) AND ' +
              (current
                ? 'reply.updatedAt = :seenAt AND reply.#state = :seenState AND reply.#action = :seenAction'
                : 'attribute_not_exists(reply)'),
            ...(current ? { ExpressionAttributeNames: { '#state': 'state', '#action': 'action' } } : {}),
            ExpressionAttributeValues: {
              ':reply': merge.reply,
              ':review': 'review',
              ...(current
                ? {
                    ':seenAt': current.updatedAt,
                    ':seenState': current.state,
                    ':seenAction': current.action,
                  }
                : {}),
            },
          }),
        );
        return 'changed';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error(`review ${reviewId}: the reply kept changing while a sync merged it, will be retried`);
  }
}
