/**
 * Secrets Manager has no local emulator here: this drives an aws-sdk-client-mock of the client with
 * a small in-memory model of one or more secrets' versions and staging labels, as the service
 * documents them (PLATFORMS.md §7): a label sits on one version at a time; moving AWSCURRENT puts
 * AWSPREVIOUS on the version it left; PutSecretValue is idempotent per ClientRequestToken (same
 * value) and refuses a different value under the same token; GetSecretValue of a version without a
 * value, or without the label asked for, is ResourceNotFoundException.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

interface Version {
  value?: string;
  stages: Set<string>;
  createdAt: Date;
}

export class FakeSecretsManager {
  readonly mock = mockClient(SecretsManagerClient);
  readonly secrets = new Map<string, { rotationEnabled: boolean; versions: Map<string, Version> }>();
  now = new Date('2026-01-01T00:00:00Z');
  /** Errors the next calls of a command throw instead of answering (then the model answers again). */
  private readonly failures = new Map<string, Error[]>();

  constructor() {
    this.install();
  }

  /** A secret with one current version holding `value`. */
  create(secretId: string, value: string, versionId = 'v-initial'): void {
    this.secrets.set(secretId, {
      rotationEnabled: true,
      versions: new Map([[versionId, { value, stages: new Set(['AWSCURRENT']), createdAt: this.now }]]),
    });
  }

  /** As Secrets Manager does when a rotation starts: an empty version labelled AWSPENDING. */
  startRotation(secretId: string, token: string): void {
    const secret = this.secret(secretId);
    this.label(secret.versions, 'AWSPENDING', token);
  }

  stages(secretId: string): Record<string, string[]> {
    return Object.fromEntries(
      [...this.secret(secretId).versions]
        .filter(([, v]) => v.stages.size > 0)
        .map(([id, v]) => [id, [...v.stages].sort()]),
    );
  }

  valueAt(secretId: string, stage: string): string | undefined {
    return [...this.secret(secretId).versions.values()].find((v) => v.stages.has(stage))?.value;
  }

  versionWith(secretId: string, stage: string): string | undefined {
    return [...this.secret(secretId).versions].find(([, v]) => v.stages.has(stage))?.[0];
  }

  calls(
    command:
      | typeof PutSecretValueCommand
      | typeof UpdateSecretVersionStageCommand
      | typeof GetSecretValueCommand
      | typeof RotateSecretCommand,
  ) {
    return this.mock.commandCalls(command as never);
  }

  /** The next call of `command` (e.g. 'UpdateSecretVersionStage') fails with `error`. */
  failNext(command: string, error: Error): void {
    this.failures.set(command, [...(this.failures.get(command) ?? []), error]);
  }

  private failIfAsked(command: string): void {
    const error = this.failures.get(command)?.shift();
    if (error) throw error;
  }

  reset(): void {
    this.mock.reset();
    this.secrets.clear();
    this.failures.clear();
    this.install();
  }

  private secret(secretId: string) {
    const secret = this.secrets.get(secretId);
    if (!secret) throw new ResourceNotFoundException({ message: `no secret ${secretId}`, $metadata: {} });
    return secret;
  }

  private label(versions: Map<string, Version>, stage: string, versionId: string): void {
    for (const version of versions.values()) version.stages.delete(stage);
    let version = versions.get(versionId);
    if (!version) {
      version = { stages: new Set(), createdAt: this.now };
      versions.set(versionId, version);
    }
    version.stages.add(stage);
  }

  private install(): void {
    // Starting a rotation is recorded (`calls(RotateSecretCommand)`); the steps are run by the tests.
    this.mock.on(RotateSecretCommand).callsFake((input: { ClientRequestToken?: string }) => ({
      VersionId: input.ClientRequestToken,
    }));
    this.mock.on(DescribeSecretCommand).callsFake((input: { SecretId: string }) => {
      this.failIfAsked('DescribeSecret');
      const secret = this.secret(input.SecretId);
      return {
        RotationEnabled: secret.rotationEnabled,
        VersionIdsToStages: this.stages(input.SecretId),
      };
    });
    this.mock
      .on(GetSecretValueCommand)
      .callsFake((input: { SecretId: string; VersionId?: string; VersionStage?: string }) => {
        this.failIfAsked('GetSecretValue');
        const secret = this.secret(input.SecretId);
        const stage = input.VersionStage ?? (input.VersionId ? undefined : 'AWSCURRENT');
        const entry = [...secret.versions].find(
          ([id, v]) =>
            (input.VersionId === undefined || id === input.VersionId) &&
            (stage === undefined || v.stages.has(stage)),
        );
        if (!entry || entry[1].value === undefined) {
          throw new ResourceNotFoundException({
            message: 'Secrets Manager can’t find the specified secret value',
            $metadata: {},
          });
        }
        return {
          VersionId: entry[0],
          SecretString: entry[1].value,
          CreatedDate: entry[1].createdAt,
          VersionStages: [...entry[1].stages],
        };
      });
    this.mock
      .on(PutSecretValueCommand)
      .callsFake(
        (input: {
          SecretId: string;
          ClientRequestToken: string;
          SecretString: string;
          VersionStages?: string[];
        }) => {
          this.failIfAsked('PutSecretValue');
          const secret = this.secret(input.SecretId);
          const existing = secret.versions.get(input.ClientRequestToken);
          if (existing?.value !== undefined && existing.value !== input.SecretString) {
            throw new ResourceExistsException({
              message: 'a version with this token exists with another value',
              $metadata: {},
            });
          }
          if (existing) existing.value = input.SecretString;
          else
            secret.versions.set(input.ClientRequestToken, {
              value: input.SecretString,
              stages: new Set(),
              createdAt: this.now,
            });
          for (const stage of input.VersionStages ?? ['AWSCURRENT'])
            this.label(secret.versions, stage, input.ClientRequestToken);
          return { VersionId: input.ClientRequestToken };
        },
      );
    this.mock
      .on(UpdateSecretVersionStageCommand)
      .callsFake(
        (input: {
          SecretId: string;
          VersionStage: string;
          MoveToVersionId?: string;
          RemoveFromVersionId?: string;
        }) => {
          this.failIfAsked('UpdateSecretVersionStage');
          const secret = this.secret(input.SecretId);
          const holder = [...secret.versions].find(([, v]) => v.stages.has(input.VersionStage))?.[0];
          if (input.RemoveFromVersionId !== undefined && holder !== input.RemoveFromVersionId) {
            throw new InvalidRequestException({
              message: `${input.VersionStage} is not on ${input.RemoveFromVersionId}`,
              $metadata: {},
            });
          }
          if (input.MoveToVersionId === undefined) {
            secret.versions.get(input.RemoveFromVersionId!)!.stages.delete(input.VersionStage);
            return {};
          }
          if (
            input.VersionStage === 'AWSCURRENT' &&
            holder !== undefined &&
            holder !== input.MoveToVersionId
          ) {
            if (input.RemoveFromVersionId === undefined) {
              throw new InvalidRequestException({
                message: 'AWSCURRENT must be removed from its version',
                $metadata: {},
              });
            }
            this.label(secret.versions, 'AWSPREVIOUS', holder);
          }
          this.label(secret.versions, input.VersionStage, input.MoveToVersionId);
          return {};
        },
      );
  }
}
