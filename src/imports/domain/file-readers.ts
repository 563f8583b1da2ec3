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
      /** Complete lines consumed after the record (the checkpoint's `line`; the last line of a file without a final LF is not complete). */
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

const LF = 0x0a;

/**
 * Counts line feeds in the bytes that went through `tap`, up to a file offset. csv-parse's own
 * line count takes a CR LF inside quotes for two lines, so line numbers come from the bytes.
 */
class LineCounter {
  private readonly seen: Buffer[] = [];
  private countedTo: number;
  private lines: number;
  private lastByte = -1;

  constructor(start: ReadStart) {
    this.countedTo = start.byteOffset;
    this.lines = start.line;
  }

  async *tap(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      this.seen.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      yield chunk;
    }
  }

  /** Line feeds before `offset` (absolute), and whether the byte before it is one. */
  upTo(offset: number): { lines: number; endsWithLf: boolean } {
    while (this.countedTo < offset && this.seen.length > 0) {
      const chunk = this.seen[0]!;
      const take = Math.min(chunk.length, offset - this.countedTo);
      for (let i = 0; i < take; i += 1) if (chunk[i] === LF) this.lines += 1;
      this.lastByte = take > 0 ? chunk[take - 1]! : this.lastByte;
      this.countedTo += take;
      if (take === chunk.length) this.seen.shift();
      else this.seen[0] = chunk.subarray(take);
    }
    return { lines: this.lines, endsWithLf: this.lastByte === LF };
  }
}

/** Records parsed ahead of the reader, at most (then the feeding waits). */
const READ_AHEAD = 256;

/**
 * CSV records from `start`; the caller decides which is the header (the first one of the file).
 * Records are taken from csv-parse's `on_record` hook, called in file order while parsing, so a
 * parse error (a quote never closed, an oversize record) comes after every record before it: the
 * stream interface would drop the records it had buffered when the error destroys it.
 */
export async function* readCsv(source: AsyncIterable<Uint8Array>, start: ReadStart): AsyncGenerator<FileRow> {
  const queue: { record: string[]; bytes: number }[] = [];
  let failure: Error | undefined;
  let ended = false;
  let stopped = false;
  let wakeReader: (() => void) | undefined;
  let wakeFeeder: (() => void) | undefined;
  const wake = () => {
    wakeReader?.();
    wakeReader = undefined;
  };
  const parser = parse({
    bom: start.byteOffset === 0,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: IMPORT_LIMITS.maxRecordBytes,
    on_record: (record: string[], context: { bytes: number }) => {
      queue.push({ record, bytes: context.bytes });
      wake();
      // Nothing goes to the stream's own output.
      return null;
    },
  });
  parser.on('error', (error) => {
    failure = error;
    wake();
  });
  parser.on('end', () => {
    ended = true;
    wake();
  });
  parser.resume();
  const counter = new LineCounter(start);
  const feeding = (async () => {
    try {
      for await (const chunk of counter.tap(source)) {
        if (stopped || parser.destroyed) return;
        parser.write(chunk);
        while (queue.length > READ_AHEAD && !stopped)
          await new Promise<void>((resolve) => (wakeFeeder = resolve));
      }
      if (!stopped) parser.end();
    } catch (error) {
      if (!stopped) parser.destroy(error as Error);
    }
  })();
  let linesBefore = start.line;
  try {
    for (;;) {
      const item = queue.shift();
      if (item) {
        wakeFeeder?.();
        wakeFeeder = undefined;
        const endByte = start.byteOffset + item.bytes;
        const { lines, endsWithLf } = counter.upTo(endByte);
        // The record's last line: the one its terminating LF ends, or the file's last line.
        const lastLine = endsWithLf ? lines : lines + 1;
        const inner = item.record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
        linesBefore = lines;
        yield { kind: 'csv', line: lastLine - inner, endLine: lines, endByte, fields: item.record };
        continue;
      }
      if (failure) {
        if (!(failure instanceof CsvError)) throw failure;
        yield {
          kind: 'fatal',
          line: linesBefore + 1,
          reason:
            `the file cannot be read from here on: ${failure.message.replace(/ at line \d+$/, '')}`.slice(
              0,
              300,
            ),
        };
        return;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wakeReader = resolve));
    }
  } finally {
    // A reader that stops early (a chunk's end) ends the parse; the caller destroys the source,
    // which ends the feeding loop (it never throws).
    stopped = true;
    wakeFeeder?.();
    parser.destroy();
    void feeding;
  }
}

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
