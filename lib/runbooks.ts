/**
 * Every alarm names its runbook page in its description, so the page reaches on-call with the
 * alarm. Pages live in `runbooks/`; the infra tests check that each referenced page exists.
 */
export const RUNBOOK_DIR = 'runbooks';

export const runbookPath = (page: string): string => `${RUNBOOK_DIR}/${page}.md`;

export const runbookReference = (page: string): string => `Runbook: ${runbookPath(page)}`;

/** `IngestWorker` -> `ingest-worker`, for page names derived from catalog ids. */
export const kebabCase = (id: string): string =>
  id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
