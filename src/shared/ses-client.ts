/**
 * SES v2, created once per process, in a module of its own so that only the bundles that send mail
 * load @aws-sdk/client-sesv2 (src/shared/aws-clients.ts). Bounded waits: a slow SES fails the
 * attempt (retried from the queue), never hangs.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { sdkClientConfig, withoutSdkLogging } from './aws-clients';

let client: SESv2Client | undefined;

export function sesv2(): SESv2Client {
  client ??= withoutSdkLogging(new SESv2Client(sdkClientConfig()));
  return client;
}
