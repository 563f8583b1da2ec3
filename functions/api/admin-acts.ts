/**
 * Admin acts of API requests (issue 9, ADR 0016): who (the credential's principal), from where
 * (API Gateway's `requestContext.identity.sourceIp` and `requestId`), on what, when. Each is
 * written through the shared AdminAuditTrail before the request's answer: a failed write answers
 * 503 with Retry-After (src/audit recordAdminAct), never a silent loss.
 */
import {
  newAdminAuditId,
  recordAdminAct,
  type AdminAct,
  type AdminActKind,
  type AdminActor,
  type AdminAuditTrail,
} from '../../src/audit';
import { correlationIdOfRequest } from '../../src/shared/correlation';
import type { RouteContext } from './operation';

export interface AdminActDeps {
  readonly adminAudit: AdminAuditTrail;
  /** The durable record of an act the table refused: one ERROR log line, whole, and a metric. */
  readonly onActParked: (act: AdminAct, error: unknown) => void;
}

export interface ActInput {
  readonly kind: AdminActKind;
  readonly target: string;
  /** Whose data; the supplier principal's by default. */
  readonly supplierId?: string;
  readonly detail?: string;
  /** A fixed instant and id make a retried request record the same act (revocations, deletions). */
  readonly at?: string;
  readonly auditId?: string;
}

/** The actor of a request: its principal, or (public OAuth callback) the supplier it acts for. */
export function actorOf(ctx: Pick<RouteContext, 'principal'>, supplierId?: string): AdminActor {
  const { principal } = ctx;
  if (principal?.kind === 'supplier') {
    return { type: 'supplier', supplierId: principal.supplierId, keyId: principal.keyId };
  }
  if (principal?.kind === 'ops') return { type: 'ops', keyId: principal.keyId };
  return supplierId !== undefined ? { type: 'supplier', supplierId } : { type: 'system', name: 'api' };
}

export function actOf(ctx: Pick<RouteContext, 'event' | 'principal'>, input: ActInput): AdminAct {
  const supplierId =
    input.supplierId ?? (ctx.principal?.kind === 'supplier' ? ctx.principal.supplierId : undefined);
  const at = input.at ?? new Date().toISOString();
  const sourceIp: unknown = ctx.event.requestContext?.identity?.sourceIp;
  const requestId: unknown = ctx.event.requestContext?.requestId;
  const correlationId = correlationIdOfRequest(ctx.event);
  return {
    auditId: input.auditId ?? newAdminAuditId(Date.parse(at)),
    kind: input.kind,
    at,
    actor: actorOf(ctx, supplierId),
    ...(supplierId !== undefined ? { supplierId } : {}),
    target: input.target,
    outcome: 'ok',
    ...(typeof sourceIp === 'string' && sourceIp.length > 0 ? { sourceIp } : {}),
    ...(typeof requestId === 'string' && requestId.length > 0 ? { requestId } : {}),
    ...(correlationId !== undefined ? { correlationId } : {}),
    ...(input.detail !== undefined ? { detail: input.detail } : {}),
  };
}

/** Records the act before the caller answers (503 + Retry-After when it cannot be written). */
export async function recordAct(
  ctx: Pick<RouteContext, 'event' | 'principal'>,
  deps: AdminActDeps,
  input: ActInput,
): Promise<void> {
  await recordAdminAct(deps.adminAudit, actOf(ctx, input), deps.onActParked);
}
