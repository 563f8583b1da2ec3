/** What the admin audit trail needs from the outside world. */
import type { AdminAct } from './domain/admin-act';
import type { AdminActPage, AdminActQuery } from './domain/admin-query';

export interface AdminAuditTrail {
  /**
   * Appends one act. Idempotent by `auditId`: appending the same act twice leaves one entry, and
   * an existing entry is never rewritten.
   */
  record(act: AdminAct): Promise<void>;
}

/** Reading the trail (issue 9): a supplier's acts, or everyone's for ops. */
export interface AdminAuditReader {
  /**
   * A page of acts, newest first, matching every filter of `query` (`cursor` is ignored: the use
   * case decodes it into `startKey`). Throws the shared invalid-cursor problem when `startKey`
   * lies outside the query's partition.
   */
  list(query: AdminActQuery, startKey: Record<string, string> | undefined): Promise<AdminActPage>;
}
