/**
 * A Secrets Manager client with bounded waits (secret rotation's versions). In a module of its own,
 * so that only the bundles that use it load @aws-sdk/client-secrets-manager
 * (src/shared/aws-clients.ts).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sdkClientConfig } from './aws-clients';

export const newSecretsManagerClient = (): SecretsManagerClient =>
  new SecretsManagerClient(sdkClientConfig());
