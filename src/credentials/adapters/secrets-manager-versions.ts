/** The SecretVersionStore port on AWS Secrets Manager (no emulator: tested with aws-sdk-client-mock). */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { VersionStages } from '../domain/rotation';
import type { SecretVersionStore } from '../ports';

export class SecretsManagerVersionStore implements SecretVersionStore {
  constructor(private readonly client: SecretsManagerClient) {}

  async describe(secretId: string): Promise<{ rotationEnabled: boolean; versions: VersionStages }> {
    const answer = await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
    return { rotationEnabled: answer.RotationEnabled === true, versions: answer.VersionIdsToStages ?? {} };
  }

  async value(
    secretId: string,
    version: { versionId?: string; stage?: string },
  ): Promise<{ versionId: string; value: string; createdAt?: Date } | undefined> {
    try {
      const answer = await this.client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          VersionId: version.versionId,
          VersionStage: version.stage,
        }),
      );
      if (typeof answer.SecretString !== 'string' || answer.VersionId === undefined) return undefined;
      return { versionId: answer.VersionId, value: answer.SecretString, createdAt: answer.CreatedDate };
    } catch (error) {
      // A version without a value (or without that label) is "none", as in the AWS rotation template.
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  async putPending(secretId: string, token: string, value: string): Promise<void> {
    await this.client.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: token,
        SecretString: value,
        VersionStages: ['AWSPENDING'],
      }),
    );
  }

  async moveStage(
    secretId: string,
    stage: string,
    toVersionId: string,
    fromVersionId?: string,
  ): Promise<void> {
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: stage,
        MoveToVersionId: toVersionId,
        RemoveFromVersionId: fromVersionId,
      }),
    );
  }

  async removeStage(secretId: string, stage: string, fromVersionId: string): Promise<void> {
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: stage,
        RemoveFromVersionId: fromVersionId,
      }),
    );
  }

  async startRotation(secretId: string, token: string): Promise<void> {
    await this.client.send(new RotateSecretCommand({ SecretId: secretId, ClientRequestToken: token }));
  }
}
