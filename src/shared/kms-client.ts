/**
 * A KMS client with bounded waits (the token vault's data keys). In a module of its own, so that
 * only the bundles that use it load @aws-sdk/client-kms (src/shared/aws-clients.ts).
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { sdkClientConfig } from './aws-clients';

export const newKmsClient = (): KMSClient => new KMSClient(sdkClientConfig());
