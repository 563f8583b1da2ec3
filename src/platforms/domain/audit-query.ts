/**
 * Reading the audit trail: what a listing may filter on, and the one name an entry's action goes
 * by in filters and answers (`list`, `reply`, ... for calls; `connect`, `disconnect`, ... otherwise).
 */
import type { AuditAction, AuditEntry } from './audit';
import type { ConnectedPlatform, PlatformFailureKind, PlatformOperation } from './platform';

export const LIFECYCLE_ACTIONS = ['connect', 'disconnect', 'reauth-required', 'token-rotated'] as const;
export const PLATFORM_OPERATIONS = [
  'list',
  'get',
  'reply',
  'delete-reply',
  'token-exchange',
  'token-refresh',
  'token-revoke',
  'list-locations',
] as const satisfies readonly PlatformOperation[];
export const AUDIT_OPERATIONS = [...PLATFORM_OPERATIONS, ...LIFECYCLE_ACTIONS] as const;
export type AuditOperation = (typeof AUDIT_OPERATIONS)[number];

export const AUDIT_OUTCOMES = [
  'ok',
  'retry-later',
  'rate-limited',
  'auth-expired',
  'reauth-required',
  'unsupported',
  'permanent',
] as const satisfies readonly ('ok' | PlatformFailureKind)[];
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const operationOf = (action: AuditAction): AuditOperation =>
  action.kind === 'call' ? action.operation : action.kind;

/** One listing of the audit trail. A supplier's listing always has `supplierId` (from the credential). */
export interface AuditQuery {
  readonly supplierId?: string;
  readonly platform?: ConnectedPlatform;
  readonly connectionId?: string;
  readonly operation?: AuditOperation;
  readonly outcome?: AuditOutcome;
  /** Inclusive bounds, UTC ISO instants. */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface AuditPage {
  readonly items: readonly AuditEntry[];
  readonly nextCursor?: string;
}

/** The answer's shape of an entry: flat, with the action as one `operation` name. */
export function auditEntryView(entry: AuditEntry): Record<string, unknown> {
  const { action, ...rest } = entry;
  return { ...rest, operation: operationOf(action), kind: action.kind === 'call' ? 'call' : 'lifecycle' };
}
