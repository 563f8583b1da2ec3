/**
 * Amazon SES v2 SendEmail, from one verified identity, through one configuration set (bounce,
 * complaint and delivery events; account-level suppression). Locally the same client talks to
 * the SES emulator (AWS_ENDPOINT_URL_SESV2). Rejections that no retry can fix become
 * EmailRejectedError; everything else (throttling, 5xx, time-outs) is thrown for a retry.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { EmailRejectedError } from '../domain/review-request-email';
import type { EmailSender, OutgoingEmail } from '../ports';

/** SES errors about this message itself (its address or content), not about us or the service. */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException']);

export class SesEmailSender implements EmailSender {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly configurationSet: string | undefined,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    try {
      const { MessageId } = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: [email.to] },
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: email.text, Charset: 'UTF-8' },
                Html: { Data: email.html, Charset: 'UTF-8' },
              },
            },
          },
          ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
          EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      return { messageId: MessageId ?? 'unknown' };
    } catch (error) {
      const name = (error as { name?: unknown }).name;
      if (typeof name === 'string' && PERMANENT.has(name)) throw new EmailRejectedError(name);
      throw error;
    }
  }
}
