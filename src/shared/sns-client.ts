/**
 * An SNS client with bounded waits (the paging check reads the alarm topics). In a module of its
 * own, so that only the bundles that use it load @aws-sdk/client-sns (src/shared/aws-clients.ts).
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { sdkClientConfig } from './aws-clients';

export const newSnsClient = (): SNSClient => new SNSClient(sdkClientConfig());
