/**
 * Scheduled rotation of an endpoint's signing secret (issue 9): an endpoint may carry a period
 * (`secretRotation: { everyDays }`); when its next rotation is due, the scheduled rotator gives it
 * a new secret with the same overlap as a manual rotation (the previous secret keeps signing
 * beside the new one). Pure rules; no AWS imports.
 *
 * What is due:
 * - never an endpoint without a schedule;
 * - not before `nextRotationAt`;
 * - never while the previous secret of an earlier rotation still signs (a rotation then would drop
 *   that secret at once: a receiver still on it would fail): postponed to when it stops signing;
 * - never a disabled endpoint (nothing is delivered; a receiver could not notice the overlap):
 *   it stays due and rotates on the first run after it is enabled again.
 */
import type { EndpointSecrets } from './signing';
import { rotateSecret } from './signing';

/** The bounds of a rotation period: at least a week (well beyond the overlap), at most a year. */
export const MIN_ROTATION_DAYS = 7;
export const MAX_ROTATION_DAYS = 365;

const DAY_MS = 86_400_000;

export interface SecretRotationSchedule {
  readonly everyDays: number;
  /** When the next scheduled rotation is due (RFC 3339). */
  readonly nextRotationAt: string;
}

/** A schedule of `everyDays` counted from `fromMs` (creation, a change of period, a rotation). */
export function scheduleFrom(everyDays: number, fromMs: number): SecretRotationSchedule {
  if (!Number.isInteger(everyDays) || everyDays < MIN_ROTATION_DAYS || everyDays > MAX_ROTATION_DAYS) {
    throw new RangeError(`everyDays must be a whole number in ${MIN_ROTATION_DAYS}..${MAX_ROTATION_DAYS}`);
  }
  return { everyDays, nextRotationAt: new Date(fromMs + everyDays * DAY_MS).toISOString() };
}

export type RotationDecision =
  | { readonly kind: 'unscheduled' }
  | { readonly kind: 'not-due'; readonly dueAt: string }
  | { readonly kind: 'overlap'; readonly retryAt: string }
  | { readonly kind: 'disabled' }
  | { readonly kind: 'due' };

export interface RotatableEndpoint {
  readonly enabled: boolean;
  readonly secrets: EndpointSecrets;
  readonly secretRotation?: SecretRotationSchedule;
}

/** Whether the scheduled rotator rotates this endpoint at `nowMs`, and if not, why. */
export function rotationDecision(endpoint: RotatableEndpoint, nowMs: number): RotationDecision {
  const schedule = endpoint.secretRotation;
  if (!schedule) return { kind: 'unscheduled' };
  if (Date.parse(schedule.nextRotationAt) > nowMs) return { kind: 'not-due', dueAt: schedule.nextRotationAt };
  if (!endpoint.enabled) return { kind: 'disabled' };
  const previous = endpoint.secrets.previous;
  if (previous && previous.expiresAtMs > nowMs) {
    return { kind: 'overlap', retryAt: new Date(previous.expiresAtMs).toISOString() };
  }
  return { kind: 'due' };
}

/**
 * The endpoint after a scheduled rotation at `nowMs`: the new secret current, the old one signing
 * beside it for `overlapSeconds`, and the next rotation one period from now.
 */
export function rotateOnSchedule(
  endpoint: RotatableEndpoint & { readonly secretRotation: SecretRotationSchedule },
  newSecret: string,
  nowMs: number,
  overlapSeconds: number,
): { readonly secrets: EndpointSecrets; readonly secretRotation: SecretRotationSchedule } {
  return {
    secrets: rotateSecret(endpoint.secrets, newSecret, nowMs, overlapSeconds),
    secretRotation: scheduleFrom(endpoint.secretRotation.everyDays, nowMs),
  };
}
