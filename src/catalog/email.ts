/**
 * E-mail senders, defined once: an SES identity and configuration set per region (CDK), or the
 * SES emulator (local mode). A function that lists a sender in its catalog entry gets
 * `ses:SendEmail` on that identity and configuration set only (for its one From address), plus
 * the two environment variables below that name them.
 */
export type EmailSenderId = 'ReviewRequests';

export interface EmailSenderDefinition {
  readonly id: EmailSenderId;
  /** Environment variable carrying the From address (an address of the verified SES identity). */
  readonly fromEnvVar: string;
  /** Environment variable carrying the SES configuration set name (bounces, complaints, metrics). */
  readonly configurationSetEnvVar: string;
  readonly purpose: string;
}

export const EMAIL_SENDERS: readonly EmailSenderDefinition[] = [
  {
    id: 'ReviewRequests',
    fromEnvVar: 'EMAIL_FROM_REVIEW_REQUESTS',
    configurationSetEnvVar: 'EMAIL_CONFIGURATION_SET_REVIEW_REQUESTS',
    purpose: "Review-request e-mails: the couple's private review link (ADR 0010).",
  },
];

export function emailSenderDefinition(id: EmailSenderId): EmailSenderDefinition {
  const sender = EMAIL_SENDERS.find((s) => s.id === id);
  if (!sender) throw new Error(`unknown e-mail sender ${id}`);
  return sender;
}
