/**
 * The scheduled rotation of webhook signing secrets (issue 9), run hourly in the primary region:
 * 1. Page through the endpoints the rotation index says are due (eventually consistent).
 * 2. Read each one again (consistent) and decide with the pure policy: due, not due any more,
 *    disabled (stays due), or still in the overlap of an earlier rotation (stays due).
 * 3. Write the new secret, the overlap and the next due time with a condition on the due time
 *    read in 2: a second run (or a manual rotation meanwhile) makes the write fail, so an endpoint
 *    rotates once per due time however many runs overlap.
 * 4. Record the act (`endpoint.secret_rotated`, actor system) in the admin audit trail. A write
 *    that fails is parked in the log (ERROR, whole act) and the run fails at its end, so the alarm
 *    fires; the rotation itself stands (ADR 0016's parked record is the durable one).
 * One endpoint's failure never stops the others.
 */
import type { AdminAct, AdminAuditTrail } from '../../audit';
import { deterministicAdminAuditId } from '../../audit';
import type { Clock } from '../../shared/clock';
import { rotateOnSchedule, rotationDecision, type RotationDecision } from '../domain/secret-rotation';
import { generateSecret } from '../domain/signing';
import type { EndpointRepository } from '../ports';

/** The audit actor of scheduled rotations. */
export const SCHEDULED_ROTATION_ACTOR = 'webhook-secret-rotation';
const PAGE_SIZE = 50;

export interface ScheduledRotationDeps {
  readonly endpoints: Pick<EndpointRepository, 'dueForRotation' | 'get' | 'rotateOnSchedule'>;
  readonly audit: AdminAuditTrail;
  readonly clock: Clock;
  readonly overlapSeconds: number;
  /** New `whsec_` secrets (tests pass a deterministic one). */
  readonly newSecret?: () => string;
  readonly log: {
    info(message: string, fields: Record<string, unknown>): void;
    error(message: string, fields: Record<string, unknown>): void;
  };
}

export interface ScheduledRotationSummary {
  /** Endpoints the index named as due. */
  readonly found: number;
  readonly rotated: number;
  /** Found but not rotated now: rotated by another run, disabled, in an overlap, or gone. */
  readonly skipped: number;
  /** Endpoints whose rotation or audit write failed (the run then throws). */
  readonly failed: number;
}

export class ScheduledRotationError extends Error {
  constructor(readonly summary: ScheduledRotationSummary) {
    super(`scheduled secret rotation: ${summary.failed} endpoint(s) failed`);
    this.name = 'ScheduledRotationError';
  }
}

type Outcome = 'rotated' | 'skipped' | 'failed';

export async function rotateDueSecrets(deps: ScheduledRotationDeps): Promise<ScheduledRotationSummary> {
  const now = deps.clock.now();
  const counts = { found: 0, rotated: 0, skipped: 0, failed: 0 };
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await deps.endpoints.dueForRotation(now.toISOString(), PAGE_SIZE, cursor);
    for (const ref of page.items) {
      counts.found += 1;
      counts[await rotateOne(ref.supplierId, ref.endpointId, now, deps)] += 1;
    }
    cursor = page.next;
  } while (cursor);
  deps.log.info('scheduled webhook secret rotation', counts);
  if (counts.failed > 0) throw new ScheduledRotationError(counts);
  return counts;
}

async function rotateOne(
  supplierId: string,
  endpointId: string,
  now: Date,
  deps: ScheduledRotationDeps,
): Promise<Outcome> {
  const nowMs = now.getTime();
  let rotatedAct: AdminAct;
  try {
    const endpoint = await deps.endpoints.get(supplierId, endpointId);
    const decision: RotationDecision = endpoint ? rotationDecision(endpoint, nowMs) : { kind: 'unscheduled' };
    if (!endpoint?.secretRotation || decision.kind !== 'due') {
      deps.log.info('endpoint not rotated', { endpointId, decision: decision.kind });
      return 'skipped';
    }
    const due = endpoint.secretRotation.nextRotationAt;
    const next = rotateOnSchedule(
      { ...endpoint, secretRotation: endpoint.secretRotation },
      (deps.newSecret ?? generateSecret)(),
      nowMs,
      deps.overlapSeconds,
    );
    const written = await deps.endpoints.rotateOnSchedule(
      supplierId,
      endpointId,
      due,
      next.secrets,
      next.secretRotation,
      now.toISOString(),
    );
    if (!written) {
      deps.log.info('endpoint rotated meanwhile', { endpointId });
      return 'skipped';
    }
    const previousUntil = next.secrets.previous
      ? new Date(next.secrets.previous.expiresAtMs).toISOString()
      : now.toISOString();
    rotatedAct = {
      // One act per (endpoint, due time): a retried write of it lands on the same entry.
      auditId: deterministicAdminAuditId(nowMs, [endpointId, due]),
      kind: 'endpoint.secret_rotated',
      at: now.toISOString(),
      actor: { type: 'system', name: SCHEDULED_ROTATION_ACTOR },
      supplierId,
      target: `endpoint:${endpointId}`,
      outcome: 'ok',
      detail: `scheduled, every ${endpoint.secretRotation.everyDays} days; previous secret signs until ${previousUntil}`,
    };
  } catch (error) {
    deps.log.error('endpoint secret not rotated', { endpointId, error: (error as Error).message });
    return 'failed';
  }
  try {
    await deps.audit.record(rotatedAct);
  } catch (error) {
    // Parked whole in the log (ADR 0016); the rotation stands, the run reports a failure.
    deps.log.error('adminActParked', { act: rotatedAct, error: (error as Error).message });
    return 'failed';
  }
  return 'rotated';
}
