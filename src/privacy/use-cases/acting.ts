/** Who asked for a privacy request, as the audit trail records it (never the address). */
import { newAuditId } from '../../platforms';
import type { AdminAct, AdminActKind, AdminAuditTrail } from '../../audit';
import { subjectRef } from '../domain/subject';

export interface OpsRequestContext {
  readonly actor: { readonly type: 'ops'; readonly keyId?: string };
  readonly sourceIp?: string;
  readonly requestId?: string;
  readonly correlationId?: string;
}

/** Appends one privacy act about a subject (target `subject:<hash prefix>`), a supplier's when given. */
export async function recordPrivacyAct(
  audit: AdminAuditTrail,
  context: OpsRequestContext,
  act: {
    kind: AdminActKind;
    subjectHash: string;
    at: Date;
    supplierId?: string;
    detail: string;
    outcome?: 'ok' | 'failed';
  },
): Promise<void> {
  const entry: AdminAct = {
    auditId: newAuditId(act.at.getTime()),
    kind: act.kind,
    at: act.at.toISOString(),
    actor: context.actor,
    ...(act.supplierId !== undefined ? { supplierId: act.supplierId } : {}),
    target: subjectRef(act.subjectHash),
    outcome: act.outcome ?? 'ok',
    ...(context.sourceIp ? { sourceIp: context.sourceIp } : {}),
    ...(context.requestId ? { requestId: context.requestId } : {}),
    ...(context.correlationId ? { correlationId: context.correlationId } : {}),
    detail: act.detail,
  };
  await audit.record(entry);
}
