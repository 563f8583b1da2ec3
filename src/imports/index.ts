/** The imports capability's public face: review imports from files (CSV template, JSON lines). */
import { lazyRecord } from '../shared/lazy';
import {
  createImportBody,
  importCreatedResponse,
  importErrorPageResponse,
  importJobResponse,
  listImportErrorsQuery,
} from './domain/import-schemas';

export * from './domain/import-job';
export * from './domain/import-schemas';
export * from './domain/rows';
export * from './domain/file-readers';
export type * from './ports';
export * from './use-cases/manage-imports';
export * from './use-cases/run-import';

/** The request schemas of the import routes, for the route table: each built the first time it is read. */
export const importRoutesSchemas = /* @__PURE__ */ lazyRecord({ createImportBody, listImportErrorsQuery });

/** The response schemas of the import routes, for the route table: each built the first time it is read. */
export const importRoutesResponses = /* @__PURE__ */ lazyRecord({
  importCreated: importCreatedResponse,
  importJob: importJobResponse,
  importErrorPage: importErrorPageResponse,
});
