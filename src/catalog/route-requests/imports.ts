/**
 * The request schemas (body, query, raw body) of the `imports` area's routes, for its function and
 * the route table. Each route's are built the first time they are read (ADR 0022, twelfth round).
 */
import { importRoutesSchemas } from '../../imports';
import { lazyRecord } from '../../shared/lazy';
import type { AreaRequests } from '../route-table';

export const IMPORTS_REQUESTS = /* @__PURE__ */ lazyRecord({
  createImport: () => ({
    body: importRoutesSchemas.createImportBody,
  }),
  listImportErrors: () => ({
    query: importRoutesSchemas.listImportErrorsQuery,
  }),
}) satisfies AreaRequests;
