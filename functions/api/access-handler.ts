/**
 * Lambda entry of the API's `access` and `realtime` areas (the `ApiAccess` function): the
 * credentials a supplier holds (its API keys, the admin audit trail of their use, and the
 * short-lived tokens that open a real-time connection). It bundles its own operations, request
 * schemas and adapters only (src/catalog/functions.ts `api`).
 */
import { ACCESS_REQUESTS } from '../../src/catalog/route-requests/access';
import { REALTIME_REQUESTS } from '../../src/catalog/route-requests/realtime';
import { systemClock } from '../../src/shared/clock';
import { adminAuditReader, adminAuditTrail, apiKeyStore, once, reviewTokenKeys } from '../../src/wiring';
import { recordAct } from './admin-acts';
import { areaApp, type AreaAppDeps } from './area-app';
import { apiHandlers, onActParked, onUnexpectedError } from './lambda';
import { accessOperations, type AccessDeps } from './operations/access';
import { realtimeOperations, type RealtimeOperationDeps } from './operations/realtime';

type AccessAreaDeps = AccessDeps & RealtimeOperationDeps & AreaAppDeps;

const deps = once((): AccessAreaDeps => ({
  // API keys and the admin audit trail (issue 9)
  apiKeyDeps: { apiKeys: apiKeyStore(), now: () => new Date() },
  adminAudit: adminAuditTrail(),
  adminAuditReader: adminAuditReader(),
  onActParked,
  // Cursors are signed with a key derived from the review-token secret (domain-separated).
  cursorKeys: reviewTokenKeys(),
  // Connection tokens are signed with a key derived from the review-token secret (domain-separated).
  realtimeTokens: { keys: reviewTokenKeys(), clock: systemClock },
  onUnexpectedError,
}));

// GET /v1/ops/audit/admin records the ops key's use.
const app = areaApp<AccessAreaDeps>(
  { ...accessOperations, ...realtimeOperations },
  { ...ACCESS_REQUESTS, ...REALTIME_REQUESTS },
  recordAct,
);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
