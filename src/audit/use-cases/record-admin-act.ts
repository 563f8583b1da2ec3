/**
 * Recording an admin act so that it is never lost silently (ADR 0016): the act is written before
 * the change it records is acknowledged. When the write fails (after the SDK's own retries), the
 * act is parked whole in the function's log (ERROR, `adminActParked`, counted by the caller's
 * metric) and the request answers 503 with Retry-After: the caller retries, and retries converge
 * (revocations and deletions record the same act again under the same id).
 */
import { ProblemError } from '../../shared/problem';
import type { AdminAct } from '../domain/admin-act';
import type { AdminAuditTrail } from '../ports';

export async function recordAdminAct(
  trail: AdminAuditTrail,
  act: AdminAct,
  onParked: (act: AdminAct, error: unknown) => void,
): Promise<void> {
  try {
    await trail.record(act);
  } catch (error) {
    onParked(act, error);
    throw new ProblemError(
      'service-unavailable',
      'the act could not be written to the audit trail: retry (a creation may have been made: list before repeating it)',
      undefined,
      { 'retry-after': '1' },
    );
  }
}
