/**
 * The deep health check's probes against the region's own resources, each the cheapest call that
 * proves the dependency answers with this function's grants: a GetItem of a key no item has (a
 * read of the table replica; found or not, DynamoDB answered), GetQueueAttributes of the ingest
 * queue (part of the send grant), and the signing key ring (from its cache, fetched when stale).
 */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { HealthProbe } from '../domain/health';

/** The key the probe reads: no item is ever written under it. */
const PROBE_KEY = 'HEALTH#probe';

export function dynamoTableProbe(
  client: DynamoDBClient,
  table: { readonly name: string; readonly partitionKey: string; readonly sortKey?: string },
): HealthProbe {
  const key = {
    [table.partitionKey]: { S: PROBE_KEY },
    ...(table.sortKey ? { [table.sortKey]: { S: PROBE_KEY } } : {}),
  };
  return async (signal) => {
    await client.send(new GetItemCommand({ TableName: table.name, Key: key }), { abortSignal: signal });
  };
}

export function sqsQueueProbe(client: SQSClient, queueUrl: string): HealthProbe {
  return async (signal) => {
    await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }), {
      abortSignal: signal,
    });
  };
}

/** The key ring must hold at least one key (an empty or unreadable secret fails every signature). */
export function keyRingProbe(keys: { keyRing(): Promise<readonly string[]> }): HealthProbe {
  return async () => {
    const ring = await keys.keyRing();
    if (ring.length === 0) throw new Error('the signing key ring is empty');
  };
}
