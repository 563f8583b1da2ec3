/** The platforms capability's public face: the connector contract, connections and the audit trail. */
import { lazyRecord } from '../shared/lazy';
import {
  auditPageResponse,
  integrationHealthResponse,
  listAuditQuery,
  listOpsAuditQuery,
} from './domain/audit-schemas';
export * from './domain/platform';
export * from './domain/connection';
export * from './domain/audit';
export type * from './ports';
// Connections: the connect flow's schemas and ports (OAuth, token vault).
export * from './domain/connection-schemas';
export type * from './oauth-ports';

// The audit trail and the integration health view (issue 8): reading, health figures, route schemas.
export * from './domain/audit-query';
export * from './domain/audit-id';
export * from './domain/health';
export * from './domain/health-metrics';
export * from './domain/audit-schemas';
export type * from './audit-ports';
export * from './use-cases/list-audit';
export * from './use-cases/integration-health';

/** The request schemas of the audit and health routes, for the route table. */
export const auditRoutesSchemas = /* @__PURE__ */ lazyRecord({ listAuditQuery, listOpsAuditQuery });

/** The response schemas of the audit and health routes, for the route table. */
export const auditRoutesResponses = /* @__PURE__ */ lazyRecord({
  auditPage: auditPageResponse,
  integrationHealth: integrationHealthResponse,
});

// Replies and synced reviews (the reviews-replies part of issue 8).
export * from './domain/replies';
export * from './domain/reply-route-schemas';
export * from './domain/reply-responses';
export * from './domain/review-messages';
export * from './use-cases/request-reply';
export * from './use-cases/publish-reply';

// Inbound platform notifications (the notification routes of issue 8).
export * from './domain/notification-schemas';
export type * from './sync-ports';
export * from './use-cases/receive-notification';

// Secret rotation (issue 9): testSecret proves a staged app secret at the platform's token endpoint.
export { OAUTH_PROVIDERS, withOrigin, type OAuthPlatform } from './domain/oauth-providers';
