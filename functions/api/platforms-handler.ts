/**
 * Lambda entry of the API's `platforms` area (the `ApiPlatforms` function): platform connections
 * (OAuth connect and callback, locations, disconnect), the platform audit trail and integration
 * health (supplier and ops). It bundles its own operations, request schemas and adapters only
 * (src/catalog/functions.ts `api`); the inbound notifications are ApiNotifications'.
 */
import { PLATFORMS_REQUESTS } from '../../src/catalog/route-requests/platforms';
import { systemClock } from '../../src/shared/clock';
import {
  adminAuditTrail,
  connectionDeps,
  connectionStore,
  dynamoAuditLog,
  once,
  platformBreakerStates,
  platformStatsStore,
  reviewTokenKeys,
} from '../../src/wiring';
import { recordAct } from './admin-acts';
import { areaApp, type AreaAppDeps } from './area-app';
import { apiHandlers, onActParked, onUnexpectedError } from './lambda';
import { auditHealthOperations, type AuditHealthDeps } from './operations/audit-health';
import { connectionOperations, type ConnectionOperationDeps } from './operations/connections';

type PlatformsAreaDeps = AuditHealthDeps & ConnectionOperationDeps & AreaAppDeps;

const deps = once((): PlatformsAreaDeps => ({
  auditReader: dynamoAuditLog(),
  // Cursors are signed with a key derived from the review-token secret (domain-separated).
  cursorKeys: reviewTokenKeys(),
  integrationHealth: {
    connections: connectionStore(),
    stats: platformStatsStore(),
    breakers: platformBreakerStates(),
    clock: systemClock,
  },
  platformConnections: connectionDeps,
  adminAudit: adminAuditTrail(),
  onActParked,
  onUnexpectedError,
}));

// The ops routes (the audit trail and health of every supplier) record the ops key's use.
const app = areaApp<PlatformsAreaDeps>(
  { ...auditHealthOperations, ...connectionOperations },
  PLATFORMS_REQUESTS,
  recordAct,
);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
