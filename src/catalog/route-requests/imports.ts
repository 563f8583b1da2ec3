/** The request schemas (body, query, raw body) of the `imports` area's routes, for its function and the route table. */
import { importRoutesSchemas } from '../../imports';
import type { AreaRequests } from '../route-table';

export const IMPORTS_REQUESTS = {
  createImport: {
    body: importRoutesSchemas.createImportBody,
  },
  listImportErrors: {
    query: importRoutesSchemas.listImportErrorsQuery,
  },
} as const satisfies AreaRequests;
