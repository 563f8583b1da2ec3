/**
 * The audit trail of admin and credential acts (issue 9): who did what to which thing, when, from
 * where. One act is one append-only entry in the catalog's `Audit` table, beside the platform-call
 * entries (src/platforms/domain/audit.ts); acts are never updated or deleted and expire by TTL.
 */
export const ADMIN_ACT_KINDS = [
  'supplier.created',
  'api_key.created',
  'api_key.revoked',
  'api_key.used_for_ops',
  'endpoint.created',
  'endpoint.changed',
  'endpoint.deleted',
  'endpoint.secret_rotated',
  'secret.rotated',
  'secret.rotation_failed',
  'connection.made',
  'connection.removed',
  'privacy.exported',
  'privacy.erasure_requested',
  'privacy.erased',
  'model.promoted',
  'model.rolled_back',
] as const;

export type AdminActKind = (typeof ADMIN_ACT_KINDS)[number];

/** Who acted: a supplier's API key, an ops key, or the system itself (rotation, schedules). */
export type AdminActor =
  | { readonly type: 'supplier'; readonly supplierId: string; readonly keyId?: string }
  | { readonly type: 'ops'; readonly keyId?: string }
  | { readonly type: 'system'; readonly name: string };

export interface AdminAct {
  /** Unique and time-ordered (newAuditId), so two acts never overwrite each other. */
  readonly auditId: string;
  readonly kind: AdminActKind;
  readonly at: string;
  readonly actor: AdminActor;
  /**
   * The supplier whose data the act concerns, when there is one: the act is then listed in that
   * supplier's trail. Acts on system-wide things (a platform app secret) have none.
   */
  readonly supplierId?: string;
  /** What was acted on: `api_key:key_...`, `endpoint:whe_...`, `secret:ReviewTokenKey`, ... */
  readonly target: string;
  readonly outcome: 'ok' | 'failed';
  readonly sourceIp?: string;
  readonly requestId?: string;
  readonly correlationId?: string;
  /** A short, secret-free detail (never a key, a secret or personal data). */
  readonly detail?: string;
}
