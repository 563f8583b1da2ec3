/**
 * The raw baselines of the API latency phase (issue 12), measured in the same run as the API:
 * SendMessage of the same bodies to the same SQS emulator, and the reads of the same list page
 * against DynamoDB Local (its index Query alone, and the Query with the page's reviews by key, as
 * the repository reads a page since ADR 0032), at the same concurrency, from this process.
 */
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { rawPageRead } from './query-100k';
import { timedCalls, type TimedBatch } from './alternating';

/** `count` SendMessage calls of `body(i)` at `concurrency`, to a scratch queue deleted afterwards. */
export async function rawSends(
  sqs: SQSClient,
  body: (i: number) => string,
  count: number,
  concurrency: number,
): Promise<TimedBatch> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `bench-raw-${Date.now()}` }));
  try {
    return await timedCalls(count, concurrency, async (i) => {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: body(i),
          MessageAttributes: { type: { DataType: 'String', StringValue: 'review.submitted' } },
        }),
      );
    });
  } finally {
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  }
}

/** `count` runs of the same Query at `concurrency`. */
export function rawQueries(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  count: number,
  concurrency: number,
): Promise<TimedBatch> {
  return timedCalls(count, concurrency, async () => {
    await doc.send(new QueryCommand(input));
  });
}

/** `count` reads of the same list page at `concurrency`: its Query and its reviews by key. */
export function rawPageReads(
  doc: DynamoDBDocumentClient,
  table: string,
  input: QueryCommandInput,
  count: number,
  concurrency: number,
): Promise<TimedBatch> {
  return timedCalls(count, concurrency, async () => {
    await rawPageRead(doc, table, input);
  });
}
