/** The admin audit capability's public surface (issue 9). */
export { ADMIN_ACT_KINDS, type AdminAct, type AdminActKind, type AdminActor } from './domain/admin-act';
export type { AdminAuditTrail } from './ports';
