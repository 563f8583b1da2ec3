/**
 * The audit trail of platform interactions: every platform call, token refresh, connect and
 * disconnect becomes one append-only entry (never updated, never deleted; it expires by TTL).
 */
import type { ConnectedPlatform, PlatformFailureKind, PlatformOperation } from './platform';

export type AuditAction =
  | { readonly kind: 'call'; readonly operation: PlatformOperation }
  | { readonly kind: 'connect' | 'disconnect' | 'reauth-required' | 'token-rotated' };

export interface AuditEntry {
  /** Unique per entry (time-ordered), so two entries never overwrite each other. */
  readonly auditId: string;
  readonly supplierId: string;
  readonly platform: ConnectedPlatform;
  readonly connectionId?: string;
  readonly action: AuditAction;
  readonly at: string;
  /** `ok`, or how the call failed. */
  readonly outcome: 'ok' | PlatformFailureKind;
  readonly httpStatus?: number;
  readonly latencyMs?: number;
  /** Calls: the circuit breaker's half-open probe (its result closes or re-opens the breaker). */
  readonly breakerProbe?: boolean;
  /**
   * Calls: the probe's claim on the breaker, shared by the calls of one probe admission (a token
   * refresh and its retry, a targeted sync's gets). Stored for ops and tests; not in the API.
   */
  readonly breakerProbeId?: string;
  /** Calls: from the gate's admission (its breaker read) to the call (token waits, access-token refresh). */
  readonly queuedMs?: number;
  /** Calls left in the platform's window after this call, when known. */
  readonly quotaRemaining?: number;
  readonly correlationId: string;
  /** A short, secret-free detail (never a token, never review text). */
  readonly detail?: string;
}
