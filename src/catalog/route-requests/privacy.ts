/** The request schemas (body, query, raw body) of the `privacy` area's routes, for its function and the route table. */
import { privacyRoutesSchemas } from '../../privacy';
import type { AreaRequests } from '../route-table';

export const PRIVACY_REQUESTS = {
  exportSubjectData: {
    body: privacyRoutesSchemas.subjectExportBody,
  },
  requestSubjectErasure: {
    body: privacyRoutesSchemas.erasureBody,
  },
} as const satisfies AreaRequests;
