/**
 * An operator hands over a new value of a `staged-handover` secret (issue 9): a platform app secret
 * issued by the platform, or a notification token about to be registered there.
 *
 * Steps:
 * 1. Refuse a secret that rotates by itself (a generated key set) and a value that cannot be one.
 * 2. Put the value as a new version labelled AWSPENDING (token = a new version id).
 * 3. Start the rotation with that token: createSecret finds the value staged, testSecret proves it
 *    at the platform, finishSecret promotes it. A refused value stays AWSPENDING, never current.
 * The value is never logged or echoed; it comes from stdin (never argv: shell history, `ps`).
 */
import type { SecretDefinition } from '../../catalog/secrets';
import type { SecretVersionStore } from '../ports';

const MAX_LENGTH = 4096;

export class StageRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageRefused';
  }
}

export async function stageSecret(
  definition: SecretDefinition,
  secretId: string,
  rawValue: string,
  deps: { readonly store: SecretVersionStore; readonly newToken: () => string },
): Promise<{ versionId: string }> {
  if (definition.rotation.kind !== 'staged-handover') {
    throw new StageRefused(
      `${definition.id} rotates by itself (${definition.rotation.kind}): run \`aws secretsmanager rotate-secret --secret-id <arn>\` to rotate it now`,
    );
  }
  // One trailing newline is what `echo` and most clipboards add; anything else is kept as given.
  const value = rawValue.replace(/\r?\n$/, '');
  if (value.length === 0) throw new StageRefused('no value on stdin');
  if (value.length > MAX_LENGTH) throw new StageRefused(`the value is longer than ${MAX_LENGTH} characters`);
  if (value !== value.trim()) throw new StageRefused('the value has surrounding white space');
  const versionId = deps.newToken();
  await deps.store.putPending(secretId, versionId, value);
  await deps.store.startRotation(secretId, versionId);
  return { versionId };
}
