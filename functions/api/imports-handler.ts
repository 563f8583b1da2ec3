/**
 * Lambda entry of the API's `imports` area (the `ApiImports` function): CSV imports of reviews
 * (upload, start, status, rejected rows). It bundles its own operations, request schemas and
 * adapters only (src/catalog/functions.ts `api`).
 */
import { IMPORTS_REQUESTS } from '../../src/catalog/route-requests/imports';
import { systemClock } from '../../src/shared/clock';
import { importFiles, importJobStore, importQueue, once, reviewTokenKeys } from '../../src/wiring';
import { areaApp, type AreaAppDeps } from './area-app';
import { apiHandlers, onUnexpectedError } from './lambda';
import { importOperations, type ImportDeps } from './operations/imports';

type ImportsAreaDeps = ImportDeps & AreaAppDeps;

const deps = once((): ImportsAreaDeps => ({
  importJobs: importJobStore(),
  importFiles: importFiles(),
  importQueue: importQueue(),
  // Cursors are signed with a key derived from the review-token secret (domain-separated).
  cursorKeys: reviewTokenKeys(),
  clock: systemClock,
  onUnexpectedError,
}));

const app = areaApp<ImportsAreaDeps>(importOperations, IMPORTS_REQUESTS);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
