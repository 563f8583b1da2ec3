/** The Replays queue: one message per unit of work on a replay job (start, hand-over, hop). */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReplayMessage } from '../domain/replay-job';
import type { ReplayQueue } from '../ports';

export class SqsReplayQueue implements ReplayQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: ReplayMessage, delaySeconds = 0): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: Math.max(0, Math.min(900, Math.ceil(delaySeconds))),
      }),
    );
  }
}
