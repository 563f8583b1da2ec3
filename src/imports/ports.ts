/** What the imports capability needs from the outside world; adapters implement these. */
import type { StoreKey } from '../shared/cursor';
import type { ImportJob, ImportMessage, ImportStatus, RejectedRow } from './domain/import-job';

export interface ImportJobStore {
  /** A new job; false if the id is taken. */
  create(job: ImportJob): Promise<boolean>;
  get(supplierId: string, importId: string): Promise<ImportJob | undefined>;
  /**
   * Replaces the job if it is still as the caller last read it (status and checkpoint seq): the
   * one way a job changes, so two copies of a message never both count a chunk.
   */
  update(job: ImportJob, expected: { readonly status: ImportStatus; readonly seq: number }): Promise<boolean>;
  /** Rejected rows, keyed by line (writing the same row again changes nothing). */
  putErrors(importId: string, rows: readonly RejectedRow[], expiresAt: number): Promise<void>;
  /** A page in line order; `next` (the store's key of the last item) when there are more. */
  listErrors(
    importId: string,
    limit: number,
    cursor?: StoreKey,
  ): Promise<{ readonly items: RejectedRow[]; readonly next?: StoreKey }>;
}

/** The file of an import (S3). */
export interface ImportFiles {
  /** A URL the client PUTs the file to, valid for `expiresInSeconds`. */
  uploadUrl(key: string, contentType: string, expiresInSeconds: number): Promise<string>;
  put(key: string, content: string, contentType: string): Promise<void>;
  /** The object's size in bytes, or undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /** The object's bytes from `fromByte` on, as a stream that `destroy()` stops. */
  read(key: string, fromByte: number): Promise<ImportSource>;
}

export interface ImportSource extends AsyncIterable<Uint8Array> {
  destroy(): void;
}

/** The Imports queue: one message per chunk to run. */
export interface ImportQueue {
  send(message: ImportMessage): Promise<void>;
}

/** The ingest queue, in batches: resolves once every message is durably queued. */
export interface ReviewMessageSender {
  sendAll(
    messages: readonly { readonly body: string; readonly attributes: Record<string, string> }[],
  ): Promise<void>;
}
