/**
 * Lambda entry of the SecretRotation function: Secrets Manager invokes it for each step of a
 * rotation (`{Step, SecretId, ClientRequestToken}`) of any catalogued secret (issue 9). It finds
 * the secret in the catalog by the ARN its environment names, runs the step by the secret's
 * strategy (src/credentials), and counts a failed step (`SecretRotationFailures`, which the
 * `secret-rotation-failed` alarm watches) before rethrowing it: Secrets Manager then retries the
 * rotation, and AWSCURRENT stays where it was.
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SECRETS, type SecretDefinition } from '../../src/catalog/secrets';
import { SERVICE_METRICS } from '../../src/catalog/metrics';
import {
  rotateSecret,
  rotationEventSchema,
  type RotateSecretDeps,
  type StepOutcome,
} from '../../src/credentials';
import { newAuditId } from '../../src/platforms';
import { newSigningKeyMaterial } from '../../src/access';
import { systemClock } from '../../src/shared/clock';
import { optionalEnv } from '../../src/shared/env';
import { withLogging } from '../../src/shared/logging';
import { logger, metrics } from '../../src/shared/powertools';
import { adminAuditTrail, once, secretProver, secretVersionStore } from '../../src/wiring';

const deps = once((): RotateSecretDeps => ({
  store: secretVersionStore(),
  prover: secretProver(),
  audit: adminAuditTrail(),
  clock: systemClock,
  newAuditId,
  newKeyMaterial: newSigningKeyMaterial,
  log: {
    info: (message, fields) => logger.info(message, fields),
    error: (message, fields) => logger.error(message, fields),
  },
}));

/** The catalogued secret an event names: by the ARN (or name) this function's environment holds. */
export function secretFor(secretId: string): SecretDefinition {
  const found = SECRETS.find((def) => {
    const named = optionalEnv(def.envVar);
    return named !== undefined && (named === secretId || named.split(':').at(-1) === secretId);
  });
  if (!found) throw new Error(`secret ${secretId} is not one this function rotates`);
  return found;
}

export async function handleRotation(event: unknown): Promise<StepOutcome> {
  try {
    const parsed = rotationEventSchema.parse(event);
    const outcome = await rotateSecret(parsed, secretFor(parsed.SecretId), deps());
    if (outcome === 'promoted') metrics.addMetric(SERVICE_METRICS.secretsRotated, MetricUnit.Count, 1);
    return outcome;
  } catch (error) {
    metrics.addMetric(SERVICE_METRICS.secretRotationFailures, MetricUnit.Count, 1);
    throw error;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}

export const handler = middy(handleRotation).use(withLogging(logger));
