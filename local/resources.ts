/**
 * Creates the tables and queues of the catalog in the emulators, the same definitions the CDK
 * stacks deploy, and returns the environment variables the handlers read to find them.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DeleteTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { dlqEnvVar, QUEUES, type QueueDefinition, type QueueId } from '../src/catalog/queues';
import { dynamoProjection, TABLES, type TableDefinition, type TableId } from '../src/catalog/tables';
import { mapWithConcurrency } from '../src/shared/concurrency';

export const localTableName = (prefix: string, table: TableDefinition) => `${prefix}-${table.id}`;

export interface CreateTablesOptions {
  /**
   * A region of the two-region local mode (issue 11): every table gets a stream of new and old
   * images, read by local/replication/replicator.ts (as a global table's replicas are kept in step).
   */
  readonly replicated?: boolean;
  /** Only these tables (the 100k query seed's data file holds the Reviews table alone). */
  readonly only?: readonly TableId[];
}

/**
 * The CreateTable request `createTables` sends for a table (its TTL attribute is set by a second
 * call): what a table created locally is, so the bench's cached seed is keyed by it
 * (bench/query-seed.ts).
 */
export function createTableInput(
  prefix: string,
  table: TableDefinition,
  options: Pick<CreateTablesOptions, 'replicated'> = {},
): CreateTableCommandInput {
  // Two regions (issue 11): every table streams new and old images to the local replicator.
  const streamView = options.replicated ? 'NEW_AND_OLD_IMAGES' : table.stream ? 'NEW_IMAGE' : undefined;
  const keys = [
    table.partitionKey,
    ...(table.sortKey ? [table.sortKey] : []),
    ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: localTableName(prefix, table),
    // On-demand whatever the catalog's `capacity` (ADR 0035): DynamoDB Local accepts provisioned
    // throughput but neither enforces nor scales it, so locally the two modes behave alike.
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...new Set(keys)].map((AttributeName) => ({
      AttributeName,
      AttributeType: 'S',
    })),
    KeySchema: [
      { AttributeName: table.partitionKey, KeyType: 'HASH' },
      ...(table.sortKey ? [{ AttributeName: table.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    ...(table.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: table.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: dynamoProjection(index.projection),
          })),
        }
      : {}),
    // Real-time updates (issue 14): the EventLog's and RealtimeLog's streams, read by local/dynamodb-stream-reader.ts.
    ...(streamView ? { StreamSpecification: { StreamEnabled: true, StreamViewType: streamView } } : {}),
  };
}

export async function createTables(
  client: DynamoDBClient,
  prefix: string,
  options: CreateTablesOptions = {},
): Promise<Record<string, string>> {
  const tables = TABLES.filter((t) => options.only?.includes(t.id) ?? true);
  // A few at a time (ADR 0037): one after the other, a stack's 21 tables took seconds of round
  // trips to an idle DynamoDB Local; all at once, they queued in its request threads on 2 cores.
  const names = await mapWithConcurrency(tables, TABLE_CONCURRENCY, (table) =>
    ensureTable(client, prefix, table, options),
  );
  return Object.fromEntries(tables.map((table, i) => [table.envVar, names[i]!]));
}

/** CreateTable requests in flight at once (DynamoDB Local handles each in a thread of its own). */
const TABLE_CONCURRENCY = 4;

/** Creates one table (or brings a kept one up to the catalog's definition); returns its name. */
async function ensureTable(
  client: DynamoDBClient,
  prefix: string,
  table: TableDefinition,
  options: CreateTablesOptions,
): Promise<string> {
  const input = createTableInput(prefix, table, options);
  const name = input.TableName!;
  const streamView = input.StreamSpecification?.StreamViewType;
  try {
    await client.send(new CreateTableCommand(input));
    if (table.ttlAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
        }),
      );
    }
  } catch (error) {
    // A persistent local store already has them from a previous run.
    if (!(error instanceof ResourceInUseException)) throw error;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    // A store kept from before the table had a stream (real-time updates, issue 14) gets one.
    if (streamView && !Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({
          TableName: name,
          StreamSpecification: { StreamEnabled: true, StreamViewType: streamView },
        }),
      );
    }
    // A store kept from when the event log lived in Deliveries: that hot table streams no more.
    if (!streamView && Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }),
      );
    }
    // A store kept from before an index was added to the catalog (e.g. Reviews.byPlatformRating,
    // issue 12) gets it, one index per update as DynamoDB requires; DynamoDB fills it from the
    // items that carry its keys (older items get them from `npm run migrate`). The next index
    // waits until this one is ACTIVE: DynamoDB (Local too) refuses a second online index build
    // on a table with LimitExceededException, which an SDK client's retries only outwait by luck
    // (about 20 s of back-off). The last one is waited for too, so the table is ready to query.
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const index of table.indexes.filter((i) => !present.has(i.name))) {
      await client.send(
        new UpdateTableCommand({
          TableName: name,
          AttributeDefinitions: [...new Set([index.partitionKey, index.sortKey])].map((AttributeName) => ({
            AttributeName,
            AttributeType: 'S',
          })),
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey, KeyType: 'HASH' },
                  { AttributeName: index.sortKey, KeyType: 'RANGE' },
                ],
                Projection: dynamoProjection(index.projection),
              },
            },
          ],
        }),
      );
      await indexesSettled(client, name);
    }
  }
  return name;
}

/** How long a local index build may take before `createTables` gives up (DynamoDB Local: about 1 s). */
const INDEX_BUILD_TIMEOUT_MS = 60_000;

/** Waits until no index of the table is being created, updated or deleted. */
async function indexesSettled(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + INDEX_BUILD_TIMEOUT_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const building = (Table?.GlobalSecondaryIndexes ?? []).filter((i) => i.IndexStatus !== 'ACTIVE');
    if (building.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`${tableName}: index ${building.map((i) => i.IndexName).join(', ')} still building`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Deletes the catalog's tables under `prefix` (a stack's own tables in a shared DynamoDB Local). */
export async function deleteTables(client: DynamoDBClient, prefix: string): Promise<void> {
  await Promise.all(
    TABLES.map((table) =>
      client
        .send(new DeleteTableCommand({ TableName: localTableName(prefix, table) }))
        .catch((error: unknown) => {
          if (!(error instanceof ResourceNotFoundException)) throw error;
        }),
    ),
  );
}

export interface LocalQueue {
  readonly definition: QueueDefinition;
  readonly url: string;
  readonly dlqUrl: string;
  readonly visibilityTimeoutSeconds: number;
}

/**
 * Queues with their DLQs and redrive policies. `visibilityTimeoutSeconds` overrides the
 * catalog's (tests want a failed message back in seconds, not minutes).
 */
export async function createQueues(
  client: SQSClient,
  prefix: string,
  options: { visibilityTimeoutSeconds?: number } = {},
): Promise<{ env: Record<string, string>; queues: Record<QueueId, LocalQueue> }> {
  const env: Record<string, string> = {};
  const queues = {} as Record<QueueId, LocalQueue>;
  // All at once: the SQS emulator answers in microseconds; the round trips were what took time.
  const created = await Promise.all(
    QUEUES.map((definition) => createQueue(client, prefix, definition, options)),
  );
  for (const queue of created) {
    env[queue.definition.envVar] = queue.url;
    env[dlqEnvVar(queue.definition)] = queue.dlqUrl;
    queues[queue.definition.id] = queue;
  }
  return { env, queues };
}

/** One catalogued queue with its DLQ and redrive policy. */
async function createQueue(
  client: SQSClient,
  prefix: string,
  definition: QueueDefinition,
  options: { visibilityTimeoutSeconds?: number },
): Promise<LocalQueue> {
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-${definition.id}-dlq`,
      Attributes: { MessageRetentionPeriod: String(14 * 86_400) },
    }),
  );
  const dlqUrl = dlq.QueueUrl!;
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const visibility = options.visibilityTimeoutSeconds ?? definition.visibilityTimeoutSeconds;
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-${definition.id}`,
      Attributes: {
        VisibilityTimeout: String(visibility),
        MessageRetentionPeriod: String(definition.retentionDays * 86_400),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes!.QueueArn,
          maxReceiveCount: definition.maxReceiveCount,
        }),
      },
    }),
  );
  return { definition, url: queue.QueueUrl!, dlqUrl, visibilityTimeoutSeconds: visibility };
}
