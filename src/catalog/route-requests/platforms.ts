/**
 * The request schemas (body, query, raw body) of the `platforms` area's routes, for its function
 * and the route table. Each route's are built the first time they are read (ADR 0022, twelfth
 * round).
 */
import { auditRoutesSchemas, platformRoutesSchemas } from '../../platforms';
import { lazyRecord } from '../../shared/lazy';
import type { AreaRequests } from '../route-table';

export const PLATFORMS_REQUESTS = /* @__PURE__ */ lazyRecord({
  listAudit: () => ({
    query: auditRoutesSchemas.listAuditQuery,
  }),
  listOpsAudit: () => ({
    query: auditRoutesSchemas.listOpsAuditQuery,
  }),
  startConnection: () => ({
    body: platformRoutesSchemas.startConnectionBody,
  }),
  completeOAuthCallback: () => ({
    query: platformRoutesSchemas.oauthCallbackQuery,
  }),
  chooseConnectionLocations: () => ({
    body: platformRoutesSchemas.chooseLocationsBody,
  }),
  updateConnection: () => ({
    body: platformRoutesSchemas.updateConnectionBody,
  }),
}) satisfies AreaRequests;
