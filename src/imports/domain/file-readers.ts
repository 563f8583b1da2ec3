/**
 * Reading an import file from a byte offset, row by row, with the position after each row: the
 * checkpoint a following chunk resumes from. CSV goes through csv-parse (RFC 4180: quoted fields,
 * doubled quotes, line breaks inside quotes; a UTF-8 BOM at the start of the file is skipped);
 * JSON lines are split on LF here. Both bound the size of one record, so a file without line
 * breaks cannot exhaust memory.
 */
import { parse, CsvError } from 'csv-parse';
import { IMPORT_LIMITS } from './import-job';

/** Where a read starts: the file offset and the lines before it. */
export interface ReadStart {
  readonly byteOffset: number;
  readonly line: number;
}

/** One record of the file and the position after it. */
export type FileRow =
  | {
      readonly kind: 'csv';
      /** First line of the record (1-based, in the whole file). */
      readonly line: number;
      /** Last line of the record: the checkpoint's `line` after it. */
      readonly endLine: number;
      readonly endByte: number;
      readonly fields: string[];
    }
  | {
      readonly kind: 'jsonl';
      readonly line: number;
      readonly endLine: number;
      readonly endByte: number;
      /** The line's text, or why it could not be read. */
      readonly text?: string;
      readonly problem?: string;
    }
  /** The file cannot be read past this point (a CSV quote never closed, an oversize record). */
  | { readonly kind: 'fatal'; readonly line: number; readonly reason: string };

/** CSV records from `start`; the caller decides which is the header (the first one of the file). */
export async function* readCsv(source: AsyncIterable<Uint8Array>, start: ReadStart): AsyncGenerator<FileRow> {
  const parser = parse({
    bom: start.byteOffset === 0,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: IMPORT_LIMITS.maxRecordBytes,
  });
  const feeding = (async () => {
    try {
      for await (const chunk of source) {
        if (parser.destroyed) return;
        if (!parser.write(chunk)) {
          // Wait for the reader; a reader that stopped early destroys the parser (close).
          await new Promise((resolve) => {
            parser.once('drain', resolve);
            parser.once('close', resolve);
          });
        }
      }
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { bytes: number; lines: number };
    }>) {
      const endLine = start.line + item.info.lines;
      // csv-parse counts the line a record ends on; line breaks inside its fields came before.
      const inner = item.record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
      yield {
        kind: 'csv',
        line: endLine - inner,
        endLine,
        endByte: start.byteOffset + item.info.bytes,
        fields: item.record,
      };
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const lines = (error as CsvError & { lines?: number }).lines;
    yield {
      kind: 'fatal',
      line: start.line + (typeof lines === 'number' ? lines : 1),
      reason: `the file cannot be read from here on: ${error.message}`.slice(0, 300),
    };
  } finally {
    // A reader that stops early (a chunk's end) ends the parse; the caller destroys the source,
    // which ends the feeding loop (it never throws).
    parser.destroy();
    void feeding;
  }
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** JSON lines from `start`: one row per non-blank line; an oversize or non-UTF-8 line is a row with a problem. */
export async function* readJsonLines(
  source: AsyncIterable<Uint8Array>,
  start: ReadStart,
): AsyncGenerator<FileRow> {
  let offset = start.byteOffset;
  let line = start.line;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversize = false;
  let first = start.byteOffset === 0;
  const finish = (consumed: number): FileRow | undefined => {
    line += 1;
    offset += consumed;
    let bytes = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    if (first) {
      first = false;
      if (bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
    }
    if (oversize) {
      oversize = false;
      return {
        kind: 'jsonl',
        line,
        endLine: line,
        endByte: offset,
        problem: `the line is longer than ${IMPORT_LIMITS.maxRecordBytes} bytes`,
      };
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, -1);
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      return { kind: 'jsonl', line, endLine: line, endByte: offset, problem: 'the line is not valid UTF-8' };
    }
    if (text.trim() === '') return undefined;
    return { kind: 'jsonl', line, endLine: line, endByte: offset, text };
  };
  for await (const raw of source) {
    let chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    for (;;) {
      const at = chunk.indexOf(LF);
      const part = at === -1 ? chunk : chunk.subarray(0, at);
      if (!oversize) {
        if (pendingBytes + part.length > IMPORT_LIMITS.maxRecordBytes) {
          // Keep counting bytes, stop keeping them.
          oversize = true;
          pending = [];
        } else {
          pending.push(Buffer.from(part));
        }
      }
      pendingBytes += part.length;
      if (at === -1) break;
      const row = finish(pendingBytes + 1);
      if (row) yield row;
      chunk = chunk.subarray(at + 1);
    }
  }
  if (pendingBytes > 0) {
    const row = finish(pendingBytes);
    if (row) yield row;
  }
}
