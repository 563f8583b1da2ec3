/**
 * Lambda entry of the API's `privacy` area (the `ApiPrivacy` function): data subject requests for
 * ops keys (an export of everything held about a subject, an erasure request and its status). It
 * bundles its own operations, request schemas and adapters only (src/catalog/functions.ts `api`).
 */
import { PRIVACY_REQUESTS } from '../../src/catalog/route-requests/privacy';
import { adminAuditTrail, once, privacyRequestDeps } from '../../src/wiring';
import { recordAct } from './admin-acts';
import { areaApp, type AreaAppDeps } from './area-app';
import { apiHandlers, onActParked, onUnexpectedError } from './lambda';
import { privacyOperations, type PrivacyDeps } from './operations/privacy';
import type { AdminActDeps } from './admin-acts';

type PrivacyAreaDeps = PrivacyDeps & AdminActDeps & AreaAppDeps;

const deps = once((): PrivacyAreaDeps => ({
  privacy: privacyRequestDeps(),
  // Every privacy route is an ops route: each use of the ops key is recorded.
  adminAudit: adminAuditTrail(),
  onActParked,
  onUnexpectedError,
}));

const app = areaApp<PrivacyAreaDeps>(privacyOperations, PRIVACY_REQUESTS, recordAct);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
