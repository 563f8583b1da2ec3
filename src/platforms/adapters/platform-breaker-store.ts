/** The platforms' circuit breakers in DynamoDB (table PlatformBreakers): pk=PLATFORM#<id>, compare-and-set on `version`. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BreakerState, BreakerStore, VersionedBreakerState } from '../../shared/circuit-breaker';

export class DynamoPlatformBreakerStore implements BreakerStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(platform: string): Promise<VersionedBreakerState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `PLATFORM#${platform}` },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return { state: JSON.parse(String(Item.state)) as BreakerState, version: Number(Item.version) };
  }

  async compareAndSet(platform: string, expectedVersion: number, next: BreakerState): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `PLATFORM#${platform}`,
            // The state machine owns the shape; `status` is copied out for people (and the health view).
            state: JSON.stringify(next),
            status: next.status,
            version: expectedVersion + 1,
          },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
