/**
 * The request schemas (body, query, raw body) of the `privacy` area's routes, for its function and
 * the route table. Each route's are built the first time they are read (ADR 0022, twelfth round).
 */
import { privacyRoutesSchemas } from '../../privacy';
import { lazyRecord } from '../../shared/lazy';
import type { AreaRequests } from '../route-table';

export const PRIVACY_REQUESTS = /* @__PURE__ */ lazyRecord({
  exportSubjectData: () => ({
    body: privacyRoutesSchemas.subjectExportBody,
  }),
  requestSubjectErasure: () => ({
    body: privacyRoutesSchemas.erasureBody,
  }),
}) satisfies AreaRequests;
