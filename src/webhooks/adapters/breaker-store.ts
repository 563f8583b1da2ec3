/** The circuit breaker's shared state in DynamoDB: pk=ENDPOINT#<id>, compare-and-set on `version`. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BreakerState, BreakerStore, VersionedBreakerState } from '../domain/circuit-breaker';

export class DynamoBreakerStore implements BreakerStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(endpointId: string): Promise<VersionedBreakerState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `ENDPOINT#${endpointId}` },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return { state: JSON.parse(String(Item.state)) as BreakerState, version: Number(Item.version) };
  }

  async compareAndSet(endpointId: string, expectedVersion: number, next: BreakerState): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `ENDPOINT#${endpointId}`,
            // Plain JSON: the state machine owns its shape; `status` is copied out for people reading the table.
            state: JSON.stringify(next),
            status: next.status,
            version: expectedVersion + 1,
          },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
