/**
 * Secrets Manager rotation (issue 9; PLATFORMS.md §7): the four steps Secrets Manager calls the
 * rotation function with, and the rules every step follows whatever the strategy.
 *
 * - Each step is idempotent (Secrets Manager retries the whole rotation when a step fails): a token
 *   whose version is already AWSCURRENT is done; createSecret writes nothing when the token's
 *   AWSPENDING version already holds a value.
 * - AWSCURRENT moves only in finishSecret, and only after testSecret passed: a failed test leaves
 *   the secret as it was.
 * - AWSPENDING ends on the current version (finishSecret moves AWSCURRENT onto it) or on none.
 */
import * as z from '../../shared/zod';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

export const CURRENT = 'AWSCURRENT';
export const PENDING = 'AWSPENDING';

/** The event Secrets Manager invokes the rotation function with. */
export const rotationEventSchema = z.object({
  Step: z.enum(ROTATION_STEPS),
  SecretId: z.string().check(z.minLength(1)),
  ClientRequestToken: z.string().check(z.regex(/^[A-Za-z0-9_-]{32,64}$/)),
  RotationToken: z.optional(z.string()),
});
export type RotationEvent = z.infer<typeof rotationEventSchema>;

/** The labels on each version of a secret (DescribeSecret's VersionIdsToStages). */
export type VersionStages = Readonly<Record<string, readonly string[]>>;

/** A step that cannot go on: Secrets Manager retries the rotation; AWSCURRENT is untouched. */
export class RotationError extends Error {
  constructor(
    readonly step: RotationStep,
    message: string,
  ) {
    super(`${step}: ${message}`);
    this.name = 'RotationError';
  }
}

/** Where the token stands before a step, from the version labels. */
export type TokenState = 'current' | 'pending' | 'absent';

export function tokenState(step: RotationStep, versions: VersionStages, token: string): TokenState {
  const stages = versions[token];
  if (stages === undefined) return 'absent';
  if (stages.includes(CURRENT)) return 'current';
  if (stages.includes(PENDING)) return 'pending';
  throw new RotationError(step, `version ${token} is neither AWSPENDING nor AWSCURRENT`);
}

/** The version AWSCURRENT is on (there is always one). */
export function currentVersionOf(step: RotationStep, versions: VersionStages): string {
  const found = Object.entries(versions).find(([, stages]) => stages.includes(CURRENT));
  if (!found) throw new RotationError(step, 'the secret has no AWSCURRENT version');
  return found[0];
}

/** Versions other than `token` that carry AWSPENDING (an operator's staged value, an old rotation). */
export function otherPendingVersions(versions: VersionStages, token: string): string[] {
  return Object.entries(versions)
    .filter(([id, stages]) => id !== token && stages.includes(PENDING) && !stages.includes(CURRENT))
    .map(([id]) => id);
}
