/** A plain SQS queue to send to (ingest, inference retry). */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MessageQueue } from './queue';

/**
 * A JSON text as an SQS message body that every SQS implementation takes unchanged: characters
 * outside the BMP (emoji) become their JSON surrogate-pair escapes, as do U+FFFE and U+FFFF.
 * SQS itself accepts astral characters, but the local emulator (fauxqs) refuses them ("Invalid
 * characters found"), and SQS refuses U+FFFE/U+FFFF. JSON.parse gives back exactly the same
 * value, so stored text equals sent text on both. Only for JSON texts: elsewhere the escapes
 * would be literal characters.
 */
export function sqsSafeJson(json: string): string {
  return json.replace(/[\u{10000}-\u{10FFFF}\uFFFE\uFFFF]/gu, (char) =>
    Array.from(
      { length: char.length },
      (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`,
    ).join(''),
  );
}

/** `JSON.stringify` for an SQS message body (see `sqsSafeJson`). */
export const sqsJson = (value: unknown): string => sqsSafeJson(JSON.stringify(value));

export class SqsQueue implements MessageQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(body: string, attributes: Record<string, string> = {}): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: sqsSafeJson(body),
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
  }
}
