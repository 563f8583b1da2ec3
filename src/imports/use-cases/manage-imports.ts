/**
 * The API side of imports: create a job (with an upload URL, or with the file in the body), start
 * it once uploaded, read its progress and its rejected rows.
 *
 * createImport:
 * 1. Check the platform fits the format (CSV: weddingwire or theknot; the schema does that).
 * 2. Store the job as `awaiting-upload`, keyed by a random id under the supplier.
 * 3. File in the body: store it, then start (below). Otherwise: a pre-signed PUT URL for the
 *    object `<supplierId>/<importId>` (the client cannot choose the key), valid 15 minutes.
 *
 * startImport:
 * 1. The job must be the caller's. `awaiting-upload`: the file must be there (409 if not) and at
 *    most 50 MiB (the job fails otherwise); record its size and move to `queued`.
 * 2. `queued`: put a message on the Imports queue (again, if a previous start's send was lost:
 *    the worker's checkpoint makes a duplicate harmless). Later states: nothing to do.
 */
import type { Clock } from '../../shared/clock';
import type { StoreKey } from '../../shared/cursor';
import { randomId } from '../../shared/ids';
import { ProblemError } from '../../shared/problem';
import {
  IMPORT_LIMITS,
  importJobView,
  newImportJob,
  type ImportJob,
  type ImportJobView,
  type RejectedRow,
} from '../domain/import-job';
import type { CreateImportBody } from '../domain/import-schemas';
import type { ImportFiles, ImportJobStore, ImportQueue } from '../ports';

export interface ImportApiDeps {
  readonly importJobs: ImportJobStore;
  readonly importFiles: ImportFiles;
  readonly importQueue: ImportQueue;
  readonly clock: Clock;
}

export interface ImportUpload {
  readonly url: string;
  readonly method: 'PUT';
  readonly headers: Record<string, string>;
  readonly expiresAt: string;
}

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
} as const;

export async function createImport(
  supplierId: string,
  actorId: string,
  body: CreateImportBody,
  deps: ImportApiDeps,
): Promise<ImportJobView & { upload?: ImportUpload }> {
  const now = deps.clock.now();
  const job = newImportJob(
    {
      importId: randomId('imp'),
      supplierId,
      platform: body.platform,
      format: body.format,
      ...(body.filename !== undefined ? { filename: body.filename } : {}),
      actorId,
    },
    now,
  );
  if (!(await deps.importJobs.create(job))) throw new Error('import id collision');
  const contentType = CONTENT_TYPES[body.format];
  if (body.content !== undefined) {
    await deps.importFiles.put(job.objectKey, body.content, contentType);
    return startImport(supplierId, job.importId, deps);
  }
  const url = await deps.importFiles.uploadUrl(job.objectKey, contentType, IMPORT_LIMITS.uploadUrlSeconds);
  return {
    ...importJobView(job),
    upload: {
      url,
      method: 'PUT',
      headers: { 'content-type': contentType },
      expiresAt: new Date(now.getTime() + IMPORT_LIMITS.uploadUrlSeconds * 1000).toISOString(),
    },
  };
}

export async function startImport(
  supplierId: string,
  importId: string,
  deps: ImportApiDeps,
): Promise<ImportJobView> {
  let job = await readJob(supplierId, importId, deps.importJobs);
  if (job.status === 'awaiting-upload') {
    const size = await deps.importFiles.size(job.objectKey);
    if (size === undefined) {
      throw new ProblemError(
        'conflict',
        'no file has been uploaded for this import: PUT it to the upload URL first',
      );
    }
    const now = deps.clock.now().toISOString();
    const tooLarge = size > IMPORT_LIMITS.maxFileBytes;
    const next: ImportJob = tooLarge
      ? {
          ...job,
          status: 'failed',
          bytesTotal: size,
          error: `the file is larger than ${IMPORT_LIMITS.maxFileBytes} bytes: split it`,
          updatedAt: now,
          finishedAt: now,
        }
      : { ...job, status: 'queued', bytesTotal: size, updatedAt: now };
    if (!(await deps.importJobs.update(next, { status: 'awaiting-upload', seq: job.checkpoint.seq }))) {
      // A concurrent start won: carry on from what it did.
      job = await readJob(supplierId, importId, deps.importJobs);
    } else {
      job = next;
    }
    if (job.status === 'failed' && tooLarge) {
      throw new ProblemError('payload-too-large', job.error ?? 'the file is too large');
    }
  }
  if (job.status === 'queued') {
    await deps.importQueue.send({ v: 1, importId: job.importId, supplierId });
  }
  return importJobView(job);
}

export async function getImport(
  supplierId: string,
  importId: string,
  deps: Pick<ImportApiDeps, 'importJobs'>,
): Promise<ImportJobView> {
  return importJobView(await readJob(supplierId, importId, deps.importJobs));
}

export async function listImportErrors(
  supplierId: string,
  importId: string,
  page: { readonly limit: number; readonly cursor?: StoreKey },
  deps: Pick<ImportApiDeps, 'importJobs'>,
): Promise<{ readonly items: RejectedRow[]; readonly next?: StoreKey }> {
  const job = await readJob(supplierId, importId, deps.importJobs);
  return deps.importJobs.listErrors(job.importId, page.limit, page.cursor);
}

/** Unknown ids and other suppliers' imports look the same: 404. */
async function readJob(supplierId: string, importId: string, store: ImportJobStore): Promise<ImportJob> {
  const job = await store.get(supplierId, importId);
  if (!job) throw new ProblemError('not-found', 'no such import');
  return job;
}
