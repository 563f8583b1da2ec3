/** The Privacy queue as the erasure use case sees it: one JSON message per erasure. */
import type { MessageQueue } from '../../shared/queue';
import { correlationAttributes } from '../../shared/correlation';
import type { ErasureMessage, ErasureQueue } from '../ports';

export class MessageErasureQueue implements ErasureQueue {
  constructor(private readonly queue: MessageQueue) {}

  async send(message: ErasureMessage): Promise<void> {
    await this.queue.send(JSON.stringify(message), {
      type: message.type,
      ...correlationAttributes(message.correlationId),
    });
  }
}
