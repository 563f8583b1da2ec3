/** What secret rotation needs from the outside world. */
import type { SecretProof } from '../catalog/secrets';
import type { VersionStages } from './domain/rotation';

/** One secret's versions in Secrets Manager. Never logs or returns more than asked. */
export interface SecretVersionStore {
  describe(
    secretId: string,
  ): Promise<{ readonly rotationEnabled: boolean; readonly versions: VersionStages }>;
  /** The value of a version (by id, optionally requiring a label); undefined when it has none. */
  value(
    secretId: string,
    version: { readonly versionId?: string; readonly stage?: string },
  ): Promise<{ readonly versionId: string; readonly value: string; readonly createdAt?: Date } | undefined>;
  /** PutSecretValue with the token as ClientRequestToken, labelled AWSPENDING (idempotent per token). */
  putPending(secretId: string, token: string, value: string): Promise<void>;
  /** UpdateSecretVersionStage: move `stage` onto `toVersionId` (from `fromVersionId` when it holds it). */
  moveStage(secretId: string, stage: string, toVersionId: string, fromVersionId?: string): Promise<void>;
  /** UpdateSecretVersionStage: take `stage` off `fromVersionId`. */
  removeStage(secretId: string, stage: string, fromVersionId: string): Promise<void>;
  /** RotateSecret with this token: Secrets Manager runs the four steps now. */
  startRotation(secretId: string, token: string): Promise<void>;
}

/** The answer of a platform about a staged secret. */
export type ProofResult =
  | { readonly outcome: 'accepted' }
  /** The platform refused the credential: it must not be promoted. */
  | { readonly outcome: 'refused'; readonly reason: string }
  /** No verdict (5xx, 429, timeout, an answer we do not know): try again later. */
  | { readonly outcome: 'inconclusive'; readonly reason: string };

/** Proves a staged value at the platform that issued it. */
export interface SecretProver {
  prove(proof: Exclude<SecretProof, 'shape'>, value: string): Promise<ProofResult>;
}
