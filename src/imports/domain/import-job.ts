/**
 * An import job: one file of reviews (CSV for WeddingWire / The Knot, or JSON lines), processed
 * off the request path in chunks. The job holds its checkpoint (byte offset, line, counts, seq):
 * each chunk's rows are sent and its bad rows recorded before the checkpoint that counts them is
 * saved, conditional on `seq`, so a retried or duplicated message repeats work (idempotent) but
 * never counts it twice.
 */
import type { Platform } from '../../reviews';

export const IMPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The platforms a CSV import may claim: those with no API (PLATFORMS.md §4). */
export const CSV_PLATFORMS = ['weddingwire', 'theknot'] as const satisfies readonly Platform[];

/**
 * `awaiting-upload`: created, waiting for the file at the pre-signed URL and the start call.
 * `queued`: started, waiting for the worker. `running`: at least one chunk done.
 */
export const IMPORT_STATUSES = ['awaiting-upload', 'queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const IMPORT_LIMITS = {
  /** Largest file accepted (checked when the import starts, and again by the worker). */
  maxFileBytes: 50 * 1024 * 1024,
  /** Largest CSV record or JSON line; longer ones are rejected rows. */
  maxRecordBytes: 64 * 1024,
  /** Rejected rows kept for GET .../errors per import (every one is counted). */
  maxStoredErrors: 10_000,
  /** How long a pre-signed upload URL is valid. */
  uploadUrlSeconds: 15 * 60,
  /** Jobs and their rejected rows are kept this long. */
  retentionDays: 30,
  filename: 255,
  /** The `content` of a small import sent in the request body (the body limit is 64 KiB). */
  maxInlineContentChars: 60_000,
} as const;

export interface ImportCheckpoint {
  /** Bytes of the file consumed: the next chunk starts here. */
  readonly byteOffset: number;
  /** Lines of the file consumed (the last line of the last row read). */
  readonly line: number;
  /** Data rows read (header excluded), imported (queued for ingestion) and rejected. */
  readonly rows: number;
  readonly imported: number;
  readonly rejected: number;
  /** CSV: the template column of each file column (from the header), `null` for ignored ones. */
  readonly columns?: readonly (string | null)[];
  /** Bumped by every saved checkpoint; a save is conditional on the previous value. */
  readonly seq: number;
}

export interface ImportJob {
  readonly importId: string;
  readonly supplierId: string;
  readonly platform: Platform;
  readonly format: ImportFormat;
  readonly filename?: string;
  /** The API key that created the job: the actor of the reviews it imports. */
  readonly actorId: string;
  readonly status: ImportStatus;
  readonly objectKey: string;
  readonly bytesTotal?: number;
  readonly checkpoint: ImportCheckpoint;
  /** File-level failure (missing header, empty file, file gone), for `failed`. */
  readonly error?: string;
  /** Header columns that are not in the template (ignored). */
  readonly ignoredColumns?: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Epoch seconds (DynamoDB TTL). */
  readonly expiresAt: number;
}

export const INITIAL_CHECKPOINT: ImportCheckpoint = {
  byteOffset: 0,
  line: 0,
  rows: 0,
  imported: 0,
  rejected: 0,
  seq: 0,
};

export const isTerminal = (status: ImportStatus): boolean => status === 'completed' || status === 'failed';

/** The object key of an import's file: the supplier first, so a key never crosses tenants. */
export const importObjectKey = (supplierId: string, importId: string): string => `${supplierId}/${importId}`;

export function newImportJob(
  input: {
    importId: string;
    supplierId: string;
    platform: Platform;
    format: ImportFormat;
    filename?: string;
    actorId: string;
  },
  now: Date,
): ImportJob {
  const at = now.toISOString();
  return {
    ...input,
    status: 'awaiting-upload',
    objectKey: importObjectKey(input.supplierId, input.importId),
    checkpoint: INITIAL_CHECKPOINT,
    createdAt: at,
    updatedAt: at,
    expiresAt: Math.floor(now.getTime() / 1000) + IMPORT_LIMITS.retentionDays * 86_400,
  };
}

/** One rejected row: where (line of the file, 1-based; the header is line 1 of a CSV) and why. */
export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

/** What the API shows of a job. */
export interface ImportJobView {
  readonly importId: string;
  readonly platform: Platform;
  readonly format: ImportFormat;
  readonly filename?: string;
  readonly status: ImportStatus;
  readonly rows: { readonly total: number; readonly imported: number; readonly rejected: number };
  readonly progress: {
    readonly bytesProcessed: number;
    readonly bytesTotal?: number;
    readonly percent: number;
  };
  readonly error?: string;
  readonly ignoredColumns?: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export function importJobView(job: ImportJob): ImportJobView {
  const { checkpoint } = job;
  const percent =
    job.status === 'completed'
      ? 100
      : job.bytesTotal
        ? Math.min(99, Math.floor((checkpoint.byteOffset / job.bytesTotal) * 100))
        : 0;
  return {
    importId: job.importId,
    platform: job.platform,
    format: job.format,
    ...(job.filename !== undefined ? { filename: job.filename } : {}),
    status: job.status,
    rows: { total: checkpoint.rows, imported: checkpoint.imported, rejected: checkpoint.rejected },
    progress: {
      bytesProcessed: checkpoint.byteOffset,
      ...(job.bytesTotal !== undefined ? { bytesTotal: job.bytesTotal } : {}),
      percent,
    },
    ...(job.error !== undefined ? { error: job.error } : {}),
    ...(job.ignoredColumns && job.ignoredColumns.length > 0 ? { ignoredColumns: job.ignoredColumns } : {}),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.startedAt !== undefined ? { startedAt: job.startedAt } : {}),
    ...(job.finishedAt !== undefined ? { finishedAt: job.finishedAt } : {}),
  };
}

/** The message on the Imports queue: which job to continue (from its saved checkpoint). */
export interface ImportMessage {
  readonly v: 1;
  readonly importId: string;
  readonly supplierId: string;
}

export function isImportMessage(value: unknown): value is ImportMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    m.v === 1 &&
    typeof m.importId === 'string' &&
    m.importId.length > 0 &&
    m.importId.length <= 64 &&
    typeof m.supplierId === 'string' &&
    m.supplierId.length > 0 &&
    m.supplierId.length <= 64
  );
}
