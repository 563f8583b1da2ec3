/**
 * Reading import files from a byte offset: RFC 4180 CSV (quotes, doubled quotes, line breaks in
 * fields, BOM, CR LF) and JSON lines, with the position after each row, so a chunk that resumes
 * at a saved offset reads exactly the rows after it, whatever the chunk boundaries of the stream.
 */
import { readCsv, readJsonLines, type FileRow } from '../../../src/imports';

/** The bytes in pieces of `size` (to cross record and multi-byte character boundaries). */
async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(rows: AsyncIterable<FileRow>): Promise<FileRow[]> {
  const out: FileRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const CSV =
  '\uFEFFdate,rating,author,text\r\n' +
  '2025-01-01,5,"Smith, Jo","She said ""wow""\r\nand more"\r\n' +
  '\r\n' +
  '2025-01-02,4,René,Plain ü text\r\n' +
  '2025-01-03,3,Max,"last, no newline"';

describe('readCsv', () => {
  it.each([1, 3, 7, 1024])(
    'reads quoted fields, embedded line breaks, BOM and CR LF (pieces of %i bytes)',
    async (size) => {
      const rows = await collect(readCsv(pieces(Buffer.from(CSV), size), { byteOffset: 0, line: 0 }));
      expect(rows.map((r) => (r.kind === 'csv' ? [r.line, r.endLine, r.fields] : r))).toEqual([
        [1, 1, ['date', 'rating', 'author', 'text']],
        [2, 3, ['2025-01-01', '5', 'Smith, Jo', 'She said "wow"\r\nand more']],
        [5, 5, ['2025-01-02', '4', 'René', 'Plain ü text']],
        [6, 5, ['2025-01-03', '3', 'Max', 'last, no newline']],
      ]);
      expect(rows.at(-1)).toMatchObject({ endByte: Buffer.byteLength(CSV) });
    },
  );

  it('resumes at any saved row end with the same rows and line numbers as one pass', async () => {
    const bytes = Buffer.from(CSV);
    const whole = await collect(readCsv(pieces(bytes, 5), { byteOffset: 0, line: 0 }));
    for (const [index, row] of whole.slice(0, -1).entries()) {
      if (row.kind !== 'csv') throw new Error('unexpected');
      const rest = await collect(
        readCsv(pieces(bytes.subarray(row.endByte), 4), { byteOffset: row.endByte, line: row.endLine }),
      );
      expect(rest).toEqual(whole.slice(index + 1));
    }
  });

  it('stops with a fatal row where a quote is never closed', async () => {
    const text = 'date,rating,author,text\n2025-01-01,5,Jo,"never closed\n2025-01-02,4,Max,fine\n';
    const rows = await collect(readCsv(pieces(Buffer.from(text), 16), { byteOffset: 0, line: 0 }));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ kind: 'fatal', reason: expect.stringMatching(/Quote Not Closed/) });
  });

  it('stops with a fatal row at a record over the size limit, without holding the file', async () => {
    const text = `date,rating,author,text\n2025-01-01,5,Jo,${'x'.repeat(70_000)}\n`;
    const rows = await collect(readCsv(pieces(Buffer.from(text), 4096), { byteOffset: 0, line: 0 }));
    expect(rows[1]).toMatchObject({
      kind: 'fatal',
      line: 2,
      reason: expect.stringMatching(/Max Record Size/),
    });
  });

  it('reads nothing from an empty file', async () => {
    expect(await collect(readCsv(pieces(Buffer.alloc(0), 1), { byteOffset: 0, line: 0 }))).toEqual([]);
  });

  it('stops cleanly when the reader stops early (a chunk boundary)', async () => {
    const big = `date,rating,author,text\n${'2025-01-01,5,Jo,hello\n'.repeat(20_000)}`;
    let read = 0;
    for await (const row of readCsv(pieces(Buffer.from(big), 512), { byteOffset: 0, line: 0 })) {
      read += row.kind === 'csv' ? 1 : 0;
      if (read === 10) break;
    }
    expect(read).toBe(10);
  });
});

describe('readJsonLines', () => {
  const LINES = '\uFEFF{"a":1}\r\n\n  \n{"b":"ü"}\n{"c":3}';

  it.each([1, 2, 5, 100])(
    'reads lines with their numbers and end offsets (pieces of %i bytes)',
    async (size) => {
      const rows = await collect(readJsonLines(pieces(Buffer.from(LINES), size), { byteOffset: 0, line: 0 }));
      expect(rows.map((r) => (r.kind === 'jsonl' ? [r.line, r.text, r.endByte] : r))).toEqual([
        [1, '{"a":1}', 12],
        [4, '{"b":"ü"}', 27],
        [5, '{"c":3}', 34],
      ]);
    },
  );

  it('resumes from a saved offset', async () => {
    const bytes = Buffer.from(LINES);
    const rest = await collect(readJsonLines(pieces(bytes.subarray(12), 3), { byteOffset: 12, line: 1 }));
    expect(rest.map((r) => (r.kind === 'jsonl' ? r.line : 0))).toEqual([4, 5]);
  });

  it('reports an oversize line and a line that is not UTF-8, and goes on', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`{"x":"${'y'.repeat(70_000)}"}\n`),
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
      Buffer.from('{"ok":true}\n'),
    ]);
    const rows = await collect(readJsonLines(pieces(bytes, 1000), { byteOffset: 0, line: 0 }));
    expect(rows.map((r) => (r.kind === 'jsonl' ? [r.line, r.problem ?? r.text] : r))).toEqual([
      [1, 'the line is longer than 65536 bytes'],
      [2, 'the line is not valid UTF-8'],
      [3, '{"ok":true}'],
    ]);
    expect(rows.at(-1)).toMatchObject({ endByte: bytes.length });
  });
});
