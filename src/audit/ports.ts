/** What the admin audit trail needs from the outside world. */
import type { AdminAct } from './domain/admin-act';

export interface AdminAuditTrail {
  /**
   * Appends one act. Idempotent by `auditId`: appending the same act twice leaves one entry, and
   * an existing entry is never rewritten.
   */
  record(act: AdminAct): Promise<void>;
}
