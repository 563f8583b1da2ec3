/** Platform operations: the audit trail (supplier, ops) and the integration health view (supplier, ops). */
import type { CursorKeySource } from '../../../src/shared/cursor';
import { jsonResponse } from '../../../src/shared/http';
import {
  listAudit,
  opsIntegrationHealth,
  supplierIntegrationHealth,
  type AuditReader,
  type IntegrationHealthDeps,
  type ListAuditQuery,
  type ListOpsAuditQuery,
} from '../../../src/platforms';
import { supplierOf, type Operations } from '../operation';

export interface AuditHealthDeps {
  readonly auditReader: AuditReader;
  /** Signs and checks list cursors (the review-token key ring; see src/shared/cursor.ts). */
  readonly cursorKeys: CursorKeySource;
  readonly integrationHealth: IntegrationHealthDeps;
}

const DEFAULT_PAGE = 25;

export const auditHealthOperations: Operations<
  'listAudit' | 'listOpsAudit' | 'getIntegrationHealth' | 'getOpsIntegrationHealth',
  AuditHealthDeps
> = {
  async listAudit({ principal, query }, deps) {
    const supplierId = supplierOf(principal);
    const q = query as ListAuditQuery;
    // The supplier comes from the credential only: the filters can narrow, never widen.
    const page = await listAudit({ ...q, supplierId, limit: q.limit ?? DEFAULT_PAGE }, 'supplier', deps);
    return jsonResponse(200, page);
  },
  async listOpsAudit({ query }, deps) {
    const q = query as ListOpsAuditQuery;
    return jsonResponse(200, await listAudit({ ...q, limit: q.limit ?? DEFAULT_PAGE }, 'ops', deps));
  },
  async getIntegrationHealth({ principal }, deps) {
    const supplierId = supplierOf(principal);
    return jsonResponse(200, await supplierIntegrationHealth(supplierId, deps.integrationHealth));
  },
  async getOpsIntegrationHealth(_ctx, deps) {
    return jsonResponse(200, await opsIntegrationHealth(deps.integrationHealth));
  },
};
