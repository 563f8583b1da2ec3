/** The admin audit capability's public surface (issue 9). */
export { ADMIN_ACT_KINDS, type AdminAct, type AdminActKind, type AdminActor } from './domain/admin-act';
export type { AdminAuditReader, AdminAuditTrail } from './ports';
// Reading and recording (issue 9, API keys and audit)
export { deterministicAdminAuditId, newAdminAuditId } from './domain/admin-audit-id';
export * from './domain/admin-query';
export * from './use-cases/list-admin-acts';
export * from './use-cases/record-admin-act';
