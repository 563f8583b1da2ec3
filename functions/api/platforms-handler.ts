/**
 * Lambda entry of the API's `platforms` and `imports` areas (the `ApiPlatforms` function): reviews
 * from elsewhere. Platform connections (OAuth connect and callback, locations, disconnect), the
 * platform audit trail and integration health (supplier and ops), and CSV imports of reviews from
 * platforms without an API (upload, start, status, rejected rows). It bundles its own operations,
 * request schemas and adapters only (src/catalog/functions.ts `api`); the inbound notifications
 * are ApiNotifications'.
 */
import { IMPORTS_REQUESTS } from '../../src/catalog/route-requests/imports';
import { PLATFORMS_REQUESTS } from '../../src/catalog/route-requests/platforms';
import { systemClock } from '../../src/shared/clock';
import {
  adminAuditTrail,
  connectionDeps,
  connectionStore,
  dynamoAuditLog,
  importFiles,
  importJobStore,
  importQueue,
  once,
  platformBreakerStates,
  platformStatsStore,
  reviewTokenKeys,
} from '../../src/wiring';
import { recordAct } from './admin-acts';
import { areaApp, combinedRequests, type AreaAppDeps } from './area-app';
import { apiHandlers, onActParked, onUnexpectedError } from './lambda';
import { auditHealthOperations, type AuditHealthDeps } from './operations/audit-health';
import { connectionOperations, type ConnectionOperationDeps } from './operations/connections';
import { importOperations, type ImportDeps } from './operations/imports';

type PlatformsAreaDeps = AuditHealthDeps & ConnectionOperationDeps & ImportDeps & AreaAppDeps;

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
  importJobs: importJobStore(),
  importFiles: importFiles(),
  importQueue: importQueue(),
  clock: systemClock,
  onUnexpectedError,
}));

// The ops routes (the audit trail and health of every supplier) record the ops key's use.
const app = areaApp<PlatformsAreaDeps>(
  { ...auditHealthOperations, ...connectionOperations, ...importOperations },
  combinedRequests(PLATFORMS_REQUESTS, IMPORTS_REQUESTS),
  recordAct,
);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
