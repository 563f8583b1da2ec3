/** The imports capability's public face: review imports from files (CSV template, JSON lines). */
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

/** The request schemas of the import routes, for the route table. */
export const importRoutesSchemas = { createImportBody, listImportErrorsQuery } as const;

/** The response schemas of the import routes, for the route table. */
export const importRoutesResponses = {
  importCreated: importCreatedResponse,
  importJob: importJobResponse,
  importErrorPage: importErrorPageResponse,
} as const;
