/** The request schemas (body, query, raw body) of the `platforms` area's routes, for its function and the route table. */
import { auditRoutesSchemas, platformRoutesSchemas } from '../../platforms';
import type { AreaRequests } from '../route-table';

export const PLATFORMS_REQUESTS = {
  listAudit: {
    query: auditRoutesSchemas.listAuditQuery,
  },
  listOpsAudit: {
    query: auditRoutesSchemas.listOpsAuditQuery,
  },
  startConnection: {
    body: platformRoutesSchemas.startConnectionBody,
  },
  completeOAuthCallback: {
    query: platformRoutesSchemas.oauthCallbackQuery,
  },
  chooseConnectionLocations: {
    body: platformRoutesSchemas.chooseLocationsBody,
  },
  updateConnection: {
    body: platformRoutesSchemas.updateConnectionBody,
  },
} as const satisfies AreaRequests;
