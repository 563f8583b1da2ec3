/** The privacy capability's public face: data subject requests (export, erasure) and the tombstone. */
import { lazyRecord } from '../shared/lazy';
import {
  erasureBody,
  erasureResponse,
  subjectExportBody,
  subjectExportResponse,
} from './domain/privacy-schemas';

export * from './domain/subject';
export * from './domain/erasure';
export * from './domain/subject-export';
export * from './domain/privacy-schemas';
export type * from './ports';
export * from './use-cases/acting';
export * from './use-cases/export-subject';
export * from './use-cases/request-erasure';
export * from './use-cases/run-erasure';

/** The request schemas of the privacy routes, for the route table. */
export const privacyRoutesSchemas = /* @__PURE__ */ lazyRecord({ subjectExportBody, erasureBody });
/** The answer schemas of the privacy routes, for the route table. */
export const privacyRoutesResponses = /* @__PURE__ */ lazyRecord({
  erasure: erasureResponse,
  subjectExport: subjectExportResponse,
});
