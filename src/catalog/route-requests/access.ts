/** The request schemas (body, query, raw body) of the `access` area's routes, for its function and the route table. */
import { apiKeyRoutesSchemas } from '../../access';
import { listAdminActsQuery, listOpsAdminActsQuery } from '../../audit';
import type { AreaRequests } from '../route-table';

export const ACCESS_REQUESTS = {
  createApiKey: {
    body: apiKeyRoutesSchemas.createApiKeyBody,
  },
  listAdminAudit: {
    query: listAdminActsQuery,
  },
  listOpsAdminAudit: {
    query: listOpsAdminActsQuery,
  },
} as const satisfies AreaRequests;
