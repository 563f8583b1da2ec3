/**
 * One step of one rotation (issue 9), by the secret's catalogued strategy:
 *
 * | step         | generated-key-set (ReviewTokenKey)                   | staged-handover (platform secrets, tokens)                    |
 * | ------------ | ---------------------------------------------------- | ------------------------------------------------------------- |
 * | createSecret | AWSCURRENT's set + a new key (kid = token), old keys | the value an operator staged (AWSPENDING on this token or     |
 * |              | past their keep time dropped, put as AWSPENDING      | another version, copied onto the token); none: nothing to do  |
 * | setSecret    | nothing holds the key but us: nothing to set          | the platform already holds it: nothing to set                 |
 * | testSecret   | the set's shape; every live key kept; links signed   | proven at the platform (`proof`), or its shape; nothing       |
 * |              | with the current key verify with the pending set      | staged: nothing to test                                       |
 * | finishSecret | AWSCURRENT -> token, AWSPENDING off every version, an admin act `secret.rotated`                                        |
 *
 * Steps:
 * 1. Read the version labels: rotation must be enabled; a token already AWSCURRENT is done.
 * 2. Run the step (above). Every write is keyed by the token, so running a step twice changes nothing more.
 * 3. On failure: an admin act `secret.rotation_failed` (the step and the reason, never a value), then
 *    rethrow: Secrets Manager retries, AWSCURRENT is untouched, the handler counts the failure.
 * Never logs, audits or throws a secret value.
 */
import {
  keySetOf,
  parseKeySet,
  rotateKeySet,
  serializeKeySet,
  signReviewToken,
  verifyReviewToken,
  type SigningKeySet,
} from '../../access';
import type { AdminAct, AdminAuditTrail } from '../../audit';
import type { SecretDefinition, SecretRotation } from '../../catalog/secrets';
import type { Clock } from '../../shared/clock';
import {
  CURRENT,
  currentVersionOf,
  otherPendingVersions,
  PENDING,
  RotationError,
  tokenState,
  type RotationEvent,
  type RotationStep,
} from '../domain/rotation';
import type { SecretProver, SecretVersionStore } from '../ports';

const DAY_MS = 86_400_000;
/** A staged value longer than this is not a credential. */
const MAX_STAGED_LENGTH = 4096;
/** A notification token we hand to a platform: at least 128 bits' worth of characters. */
const MIN_TOKEN_LENGTH = 22;

export interface RotationLog {
  info(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

export interface RotateSecretDeps {
  readonly store: SecretVersionStore;
  readonly prover: SecretProver;
  readonly audit: AdminAuditTrail;
  readonly clock: Clock;
  readonly newAuditId: (nowMs: number) => string;
  readonly newKeyMaterial: () => string;
  readonly log: RotationLog;
}

/** What a step did, for the log and the tests. */
export type StepOutcome =
  | 'already-current'
  | 'created'
  | 'already-pending'
  | 'staged'
  | 'nothing-staged'
  | 'nothing-to-set'
  | 'tested'
  | 'promoted';

export const ROTATION_ACTOR = { type: 'system', name: 'secret-rotation' } as const;

export async function rotateSecret(
  event: RotationEvent,
  definition: SecretDefinition,
  deps: RotateSecretDeps,
): Promise<StepOutcome> {
  const step = event.Step;
  try {
    const outcome = await runStep(event, definition, deps);
    deps.log.info('rotation step done', {
      secret: definition.id,
      step,
      token: event.ClientRequestToken,
      outcome,
    });
    return outcome;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deps.log.error('rotation step failed', {
      secret: definition.id,
      step,
      token: event.ClientRequestToken,
      reason,
    });
    await record(deps, definition, 'secret.rotation_failed', `${step} failed: ${reason}`);
    throw error instanceof RotationError ? error : new RotationError(step, reason);
  }
}

async function runStep(
  event: RotationEvent,
  definition: SecretDefinition,
  deps: RotateSecretDeps,
): Promise<StepOutcome> {
  const { Step: step, SecretId: secretId, ClientRequestToken: token } = event;
  const { rotationEnabled, versions } = await deps.store.describe(secretId);
  if (!rotationEnabled) throw new RotationError(step, 'rotation is not enabled on the secret');
  const state = tokenState(step, versions, token);
  if (state === 'current') return 'already-current';
  const rotation = definition.rotation;
  const pendingValue = () => deps.store.value(secretId, { versionId: token, stage: PENDING });

  switch (step) {
    case 'createSecret': {
      if (state === 'pending' && (await pendingValue())) {
        return rotation.kind === 'generated-key-set' ? 'already-pending' : 'staged';
      }
      if (rotation.kind === 'generated-key-set') {
        const current = await deps.store.value(secretId, { stage: CURRENT });
        if (!current) throw new RotationError(step, 'the secret has no AWSCURRENT value');
        const now = deps.clock.now();
        const next = rotateKeySet(
          keySetOf(current.value, now),
          { kid: token, key: deps.newKeyMaterial() },
          now,
          rotation.keepKeysForDays * DAY_MS,
        );
        await deps.store.putPending(secretId, token, serializeKeySet(next));
        return 'created';
      }
      // An operator staged the value on another version (a stage whose own rotation did not run):
      // this rotation takes it over. Several: the newest staging wins (versions are listed in order).
      for (const versionId of otherPendingVersions(versions, token).reverse()) {
        const staged = await deps.store.value(secretId, { versionId, stage: PENDING });
        if (staged) {
          await deps.store.putPending(secretId, token, staged.value);
          return 'staged';
        }
      }
      deps.log.info('nothing staged: this scheduled rotation changes nothing', {
        secret: definition.id,
        hint: `stage a new value with: npm run cli -- secrets stage ${definition.id}`,
      });
      return 'nothing-staged';
    }
    case 'setSecret': {
      if (state === 'absent' && rotation.kind === 'generated-key-set') {
        throw new RotationError(step, `no version ${token}: createSecret has not run`);
      }
      // Our own key: no other system holds it. A platform's secret: the platform issued it.
      return 'nothing-to-set';
    }
    case 'testSecret': {
      const pending = state === 'pending' ? await pendingValue() : undefined;
      if (!pending) {
        if (rotation.kind === 'staged-handover') return 'nothing-staged';
        throw new RotationError(step, `version ${token} has no AWSPENDING value`);
      }
      if (rotation.kind === 'generated-key-set') {
        const current = await deps.store.value(secretId, { stage: CURRENT });
        if (!current) throw new RotationError(step, 'the secret has no AWSCURRENT value');
        testKeySet(
          pending.value,
          keySetOf(current.value, deps.clock.now()),
          token,
          rotation,
          deps.clock.now(),
        );
      } else {
        await testStaged(pending.value, rotation, deps.prover);
      }
      return 'tested';
    }
    case 'finishSecret': {
      const pending = state === 'pending' ? await pendingValue() : undefined;
      if (!pending) {
        if (rotation.kind === 'generated-key-set') {
          throw new RotationError(step, `version ${token} has no AWSPENDING value`);
        }
        // Nothing staged: take AWSPENDING off the token's empty version, if Secrets Manager made one.
        if (state === 'pending') await deps.store.removeStage(secretId, PENDING, token);
        return 'nothing-staged';
      }
      await deps.store.moveStage(secretId, CURRENT, token, currentVersionOf(step, versions));
      await deps.store.removeStage(secretId, PENDING, token);
      for (const versionId of otherPendingVersions(versions, token)) {
        await deps.store.removeStage(secretId, PENDING, versionId);
      }
      await record(
        deps,
        definition,
        'secret.rotated',
        `version ${token} is now AWSCURRENT (${rotation.kind})`,
      );
      return 'promoted';
    }
  }
}

/**
 * The pending key set must: parse as a set, sign with the key this rotation added, keep every
 * current key younger than the keep time (byte for byte), and verify a link signed by the current
 * newest key as well as one signed by itself.
 */
function testKeySet(
  pendingValue: string,
  current: SigningKeySet,
  token: string,
  rotation: Extract<SecretRotation, { kind: 'generated-key-set' }>,
  now: Date,
): void {
  const fail = (why: string) => new RotationError('testSecret', why);
  let pending: SigningKeySet | undefined;
  try {
    pending = parseKeySet(pendingValue);
  } catch (error) {
    throw fail((error as Error).message);
  }
  if (!pending) throw fail('the pending value is not a signing key set');
  if (pending.keys[0]?.kid !== token) throw fail('the newest pending key is not the one this rotation added');
  const keepMs = rotation.keepKeysForDays * 86_400_000;
  const [currentNewest] = current.keys;
  for (const key of current.keys) {
    const young = now.getTime() - Date.parse(key.createdAt) < keepMs;
    if (
      (young || key === currentNewest) &&
      !pending.keys.some((k) => k.kid === key.kid && k.key === key.key)
    ) {
      throw fail(`key ${key.kid} is still live but missing from the pending set`);
    }
  }
  const claims = {
    supplierId: 'rotation-test',
    requestId: 'rotation-test',
    expiresAt: new Date(now.getTime() + 60_000),
    delivery: 'link' as const,
  };
  try {
    verifyReviewToken(signReviewToken(claims, pending), pending, now);
    verifyReviewToken(signReviewToken(claims, current), pending, now);
  } catch (error) {
    throw fail(`a test link does not verify with the pending set (${(error as Error).message})`);
  }
}

async function testStaged(
  value: string,
  rotation: Extract<SecretRotation, { kind: 'staged-handover' }>,
  prover: SecretProver,
): Promise<void> {
  const fail = (why: string) => new RotationError('testSecret', why);
  if (value.length === 0 || value.length > MAX_STAGED_LENGTH || value !== value.trim()) {
    throw fail('the staged value is empty, too long, or has surrounding white space');
  }
  if (rotation.proof === 'shape') {
    if (value.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(value)) {
      throw fail(`a token must be at least ${MIN_TOKEN_LENGTH} visible ASCII characters`);
    }
    return;
  }
  const result = await prover.prove(rotation.proof, value);
  if (result.outcome === 'refused') throw fail(`the platform refused the staged value: ${result.reason}`);
  if (result.outcome === 'inconclusive') throw fail(`no verdict from the platform: ${result.reason}`);
}

/**
 * The admin act of a rotation. A failure to append it is logged, never thrown: the rotation itself
 * is done (or has failed) either way, and a retried finishSecret finds the token current.
 */
async function record(
  deps: RotateSecretDeps,
  definition: SecretDefinition,
  kind: 'secret.rotated' | 'secret.rotation_failed',
  detail: string,
): Promise<void> {
  const now = deps.clock.now();
  const act: AdminAct = {
    auditId: deps.newAuditId(now.getTime()),
    kind,
    at: now.toISOString(),
    actor: ROTATION_ACTOR,
    target: `secret:${definition.id}`,
    outcome: kind === 'secret.rotated' ? 'ok' : 'failed',
    detail: detail.slice(0, 500),
  };
  try {
    await deps.audit.record(act);
  } catch (error) {
    deps.log.error('rotation act not audited', { act, error: (error as Error).message });
  }
}

export type { RotationStep };
