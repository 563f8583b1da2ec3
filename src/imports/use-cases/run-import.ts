/**
 * The ImportWorker's work on one Imports message: continue a job from its checkpoint.
 *
 * 1. Read the job; a finished, unknown or not yet started job: nothing to do. `queued` becomes
 *    `running` (conditional: a concurrent copy of the message loses and stops).
 * 2. Stream the file from the checkpoint's byte offset (the first chunk reads the CSV header and
 *    keeps its column map in the checkpoint; a missing header or an empty file fails the job).
 * 3. Each row is validated with the review schema: good rows become review.submitted messages
 *    (origin external: platform + a deterministic external id), bad rows are recorded with their
 *    line and reason.
 * 4. Every `chunkRows` rows: send the chunk's messages, write its bad rows, then save the
 *    checkpoint conditional on its seq. A crash before the save repeats the chunk: the same
 *    review ids (the ingest worker stores each once) and the same error items; the counts are
 *    only in the checkpoint, so nothing is counted twice. A lost save (another copy got there
 *    first) stops this copy.
 * 5. Past the time budget: hand over to a fresh message after a saved checkpoint. At the end of
 *    the file: completed.
 */
import type { Clock } from '../../shared/clock';
import { reviewIdFor, type ReviewSubmittedMessage } from '../../reviews';
import { readCsv, readJsonLines, type FileRow } from '../domain/file-readers';
import {
  IMPORT_LIMITS,
  isTerminal,
  type ImportCheckpoint,
  type ImportJob,
  type ImportMessage,
  type RejectedRow,
} from '../domain/import-job';
import { readHeader, validateCsvRow, validateJsonLine, type ImportedReview } from '../domain/rows';
import type { ImportFiles, ImportJobStore, ImportQueue, ReviewMessageSender } from '../ports';

export interface ImportWorkerDeps {
  readonly importJobs: ImportJobStore;
  readonly importFiles: ImportFiles;
  readonly importQueue: ImportQueue;
  readonly ingest: ReviewMessageSender;
  readonly clock: Clock;
  /** Rows per checkpoint. */
  readonly chunkRows: number;
  /** After this long, the invocation saves and hands over to a fresh message. */
  readonly timeBudgetMs: number;
}

export const DEFAULT_IMPORT_POLICY = { chunkRows: 500, timeBudgetMs: 60_000 } as const;

export type ImportRunOutcome =
  | { readonly kind: 'completed' | 'failed'; readonly job: ImportJob }
  | { readonly kind: 'handed-over'; readonly job: ImportJob }
  /** Finished before, unknown, or not started: the message is dropped. */
  | { readonly kind: 'skipped' }
  /** Another copy of the message saved first: this one stops. */
  | { readonly kind: 'lost' };

export async function runImport(message: ImportMessage, deps: ImportWorkerDeps): Promise<ImportRunOutcome> {
  const startedMs = deps.clock.now().getTime();
  const found = await deps.importJobs.get(message.supplierId, message.importId);
  if (!found || isTerminal(found.status) || found.status === 'awaiting-upload') return { kind: 'skipped' };
  let job = found;
  if (job.status === 'queued') {
    const now = deps.clock.now().toISOString();
    const running: ImportJob = { ...job, status: 'running', startedAt: now, updatedAt: now };
    if (!(await deps.importJobs.update(running, { status: 'queued', seq: job.checkpoint.seq }))) {
      return { kind: 'lost' };
    }
    job = running;
  }
  const size = await deps.importFiles.size(job.objectKey);
  if (size === undefined) return fail(job, 'the uploaded file is gone (uploads are kept 7 days)', deps);
  if (size === 0) return fail(job, 'the file is empty', deps);
  if (size > IMPORT_LIMITS.maxFileBytes) return fail(job, 'the file is too large', deps);
  if (job.bytesTotal !== size) job = { ...job, bytesTotal: size };

  const source = await deps.importFiles.read(job.objectKey, job.checkpoint.byteOffset);
  try {
    return await processRows(job, source, startedMs, deps);
  } finally {
    source.destroy();
  }
}

async function processRows(
  initial: ImportJob,
  source: AsyncIterable<Uint8Array>,
  startedMs: number,
  deps: ImportWorkerDeps,
): Promise<ImportRunOutcome> {
  let job = initial;
  let savedSeq = job.checkpoint.seq;
  let cp: ImportCheckpoint = job.checkpoint;
  let reviews: ImportedReview[] = [];
  let errors: RejectedRow[] = [];
  let sinceSave = 0;
  const start = { byteOffset: cp.byteOffset, line: cp.line };
  const rows: AsyncIterable<FileRow> =
    job.format === 'csv' ? readCsv(source, start) : readJsonLines(source, start);

  /** Sends, records, then saves; false if another copy saved first. */
  const save = async (status: ImportJob['status'] = 'running'): Promise<boolean> => {
    await sendReviews(job, reviews, deps);
    const stored = errors.filter((_, i) => cp.rejected - errors.length + i < IMPORT_LIMITS.maxStoredErrors);
    if (stored.length > 0) await deps.importJobs.putErrors(job.importId, stored, job.expiresAt);
    const now = deps.clock.now().toISOString();
    const next: ImportJob = {
      ...job,
      status,
      checkpoint: { ...cp, seq: savedSeq + 1 },
      updatedAt: now,
      ...(status === 'completed' ? { finishedAt: now } : {}),
    };
    if (!(await deps.importJobs.update(next, { status: 'running', seq: savedSeq }))) return false;
    job = next;
    cp = next.checkpoint;
    savedSeq = cp.seq;
    reviews = [];
    errors = [];
    sinceSave = 0;
    return true;
  };

  for await (const row of rows) {
    const now = deps.clock.now();
    if (row.kind === 'fatal') {
      errors.push({ line: row.line, reason: row.reason });
      cp = { ...cp, rows: cp.rows + 1, rejected: cp.rejected + 1 };
      break;
    }
    if (row.kind === 'csv' && cp.columns === undefined) {
      // The file's first record: the header.
      const header = readHeader(row.fields);
      if (!header.ok) return fail(job, header.reason, deps);
      cp = { ...cp, columns: header.columns, byteOffset: row.endByte, line: row.endLine };
      job = { ...job, ...(header.ignored.length > 0 ? { ignoredColumns: header.ignored } : {}) };
      continue;
    }
    const result =
      row.kind === 'csv'
        ? validateCsvRow(row.fields, cp.columns ?? [], job.platform, now)
        : row.text !== undefined
          ? validateJsonLine(row.text, job.platform, now)
          : { ok: false as const, reason: row.problem ?? 'unreadable line' };
    if (result.ok) reviews.push(result.review);
    else errors.push({ line: row.line, reason: result.reason });
    cp = {
      ...cp,
      rows: cp.rows + 1,
      imported: cp.imported + (result.ok ? 1 : 0),
      rejected: cp.rejected + (result.ok ? 0 : 1),
      byteOffset: row.endByte,
      line: row.endLine,
    };
    sinceSave += 1;
    if (sinceSave >= deps.chunkRows) {
      if (!(await save())) return { kind: 'lost' };
      if (deps.clock.now().getTime() - startedMs >= deps.timeBudgetMs) {
        await deps.importQueue.send({ v: 1, importId: job.importId, supplierId: job.supplierId });
        return { kind: 'handed-over', job };
      }
    }
  }
  if (job.format === 'csv' && cp.columns === undefined)
    return fail(job, 'the file is empty (no header row)', deps);
  if (job.format === 'jsonl' && cp.rows === 0) return fail(job, 'the file has no lines', deps);
  if (!(await save('completed'))) return { kind: 'lost' };
  return { kind: 'completed', job };
}

/** review.submitted messages for the ingest worker, as POST /v1/reviews builds them. */
async function sendReviews(
  job: ImportJob,
  reviews: readonly ImportedReview[],
  deps: ImportWorkerDeps,
): Promise<void> {
  if (reviews.length === 0) return;
  const receivedAt = deps.clock.now().toISOString();
  await deps.ingest.sendAll(
    reviews.map((review) => {
      const origin = { kind: 'external' as const, platform: review.platform, externalId: review.externalId };
      const message: ReviewSubmittedMessage = {
        type: 'review.submitted',
        version: 1,
        supplierId: job.supplierId,
        reviewId: reviewIdFor(job.supplierId, origin),
        origin,
        actor: { kind: 'supplier', id: job.actorId },
        receivedAt,
        ...(review.reply ? { reply: { source: 'import' as const, ...review.reply } } : {}),
        review: {
          rating: review.rating,
          title: review.title,
          body: review.body,
          reviewerName: review.reviewerName,
          platform: review.platform,
          submittedAt: review.submittedAt,
          ...(review.submittedAtDefaulted ? { submittedAtDefaulted: true as const } : {}),
        },
      };
      return {
        body: JSON.stringify(message),
        attributes: { type: message.type, supplierId: job.supplierId },
      };
    }),
  );
}

async function fail(job: ImportJob, reason: string, deps: ImportWorkerDeps): Promise<ImportRunOutcome> {
  const now = deps.clock.now().toISOString();
  const failed: ImportJob = {
    ...job,
    status: 'failed',
    error: reason,
    checkpoint: { ...job.checkpoint, seq: job.checkpoint.seq + 1 },
    updatedAt: now,
    finishedAt: now,
  };
  if (!(await deps.importJobs.update(failed, { status: job.status, seq: job.checkpoint.seq }))) {
    return { kind: 'lost' };
  }
  return { kind: 'failed', job: failed };
}
