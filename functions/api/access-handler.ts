/**
 * Lambda entry of the API's `access`, `realtime` and `privacy` areas (the `ApiAccess` function):
 * credentials and what is held about people. A supplier's API keys, the admin audit trail of their
 * use, the short-lived tokens that open a real-time connection, and the ops keys' data subject
 * requests (an export of everything held about a subject, an erasure request and its status). It
 * bundles its own operations, request schemas and adapters only (src/catalog/functions.ts `api`).
 */
import { ACCESS_REQUESTS } from '../../src/catalog/route-requests/access';
import { PRIVACY_REQUESTS } from '../../src/catalog/route-requests/privacy';
import { REALTIME_REQUESTS } from '../../src/catalog/route-requests/realtime';
import { systemClock } from '../../src/shared/clock';
import {
  adminAuditReader,
  adminAuditTrail,
  apiKeyStore,
  once,
  privacyRequestDeps,
  reviewTokenKeys,
} from '../../src/wiring';
import { recordAct } from './admin-acts';
import { areaApp, combinedRequests, type AreaAppDeps } from './area-app';
import { apiHandlers, onActParked, onUnexpectedError } from './lambda';
import { accessOperations, type AccessDeps } from './operations/access';
import { privacyOperations, type PrivacyDeps } from './operations/privacy';
import { realtimeOperations, type RealtimeOperationDeps } from './operations/realtime';

type AccessAreaDeps = AccessDeps & RealtimeOperationDeps & PrivacyDeps & AreaAppDeps;

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
  // Data subject requests (issue 9)
  privacy: privacyRequestDeps(),
  onUnexpectedError,
}));

// The ops routes (the admin audit trail, every privacy route) record the ops key's use.
const app = areaApp<AccessAreaDeps>(
  { ...accessOperations, ...realtimeOperations, ...privacyOperations },
  combinedRequests(ACCESS_REQUESTS, REALTIME_REQUESTS, PRIVACY_REQUESTS),
  recordAct,
);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
