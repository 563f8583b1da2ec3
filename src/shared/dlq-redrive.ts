/**
 * DLQ redrive with receive/send/delete only (the SQS emulator lacks StartMessageMoveTask, and
 * this works against real SQS too). Each message is sent to the source queue first and deleted
 * from the DLQ only after the send succeeded, so a crash mid-way duplicates at worst (the
 * worker is idempotent) and never loses a message.
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface RedriveResult {
  readonly moved: number;
  readonly failed: number;
}

export async function redrive(
  client: SQSClient,
  from: { dlqUrl: string; queueUrl: string },
  options: { maxMessages?: number; onProgress?: (moved: number) => void } = {},
): Promise<RedriveResult> {
  const maxMessages = options.maxMessages ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  let failed = 0;
  let emptyReceives = 0;
  // Two empty receives in a row: SQS sampling can return nothing while messages remain.
  while (moved + failed < maxMessages && emptyReceives < 2) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: from.dlqUrl,
        MaxNumberOfMessages: Math.min(10, maxMessages - moved - failed),
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) {
      emptyReceives += 1;
      continue;
    }
    emptyReceives = 0;
    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: from.queueUrl,
        Entries: Messages.map((m, i) => ({
          Id: String(i),
          MessageBody: m.Body ?? '',
          MessageAttributes: m.MessageAttributes,
        })),
      }),
    );
    const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
    const toDelete = Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })).filter(
      (e) => ok.has(e.Id),
    );
    if (toDelete.length > 0) {
      await client.send(new DeleteMessageBatchCommand({ QueueUrl: from.dlqUrl, Entries: toDelete }));
    }
    moved += toDelete.length;
    failed += Messages.length - toDelete.length;
    options.onProgress?.(moved);
  }
  return { moved, failed };
}
