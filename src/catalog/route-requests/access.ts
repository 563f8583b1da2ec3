/**
 * The request schemas (body, query, raw body) of the `access` area's routes, for its function and
 * the route table. Each route's are built the first time they are read (ADR 0022, twelfth round).
 */
import { apiKeyRoutesSchemas } from '../../access';
import { listAdminActsQuery, listOpsAdminActsQuery } from '../../audit';
import { lazyRecord } from '../../shared/lazy';
import type { AreaRequests } from '../route-table';

export const ACCESS_REQUESTS = /* @__PURE__ */ lazyRecord({
  createApiKey: () => ({
    body: apiKeyRoutesSchemas.createApiKeyBody,
  }),
  listAdminAudit: () => ({
    query: listAdminActsQuery(),
  }),
  listOpsAdminAudit: () => ({
    query: listOpsAdminActsQuery(),
  }),
}) satisfies AreaRequests;
