/**
 * Review imports through the local mode (gateway, DynamoDB Local, fauxqs, s3rver, the worker host
 * running the ImportWorker and the IngestWorker):
 * - a 1,000-row WeddingWire CSV uploaded to the pre-signed URL (s3rver), started, completes, and
 *   its reviews are listed by GET /v1/reviews;
 * - a file with bad rows: good rows stored, bad rows reported with line numbers, a page at a time;
 * - the same file imported again stores nothing twice;
 * - a small import in the request body; tenancy; the start route before an upload.
 */
import { countReviews, eventually, startTestStack, type TestStack } from './support/stack';

jest.setTimeout(300_000);

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.cleanup();
});

const day = (i: number) => new Date(Date.UTC(2025, 0, 1) + (i % 300) * 86_400_000).toISOString().slice(0, 10);

/** The documented template; every 50th row has quotes and a line break inside its text. */
function weddingWireCsv(rows: number): string {
  const lines = ['\uFEFFdate,rating,author,title,text,reply,reply_date,source_url'];
  for (let i = 0; i < rows; i += 1) {
    const text =
      i % 50 === 0
        ? `"Row ${i}: the ""best"" day,\r\nthank you!"`
        : `Row ${i}: lovely flowers and a calm, kind team.`;
    lines.push(
      `${day(i)},${(i % 5) + 1},Couple ${i},Review ${i},${text.includes('"') ? text : `"${text}"`},,,https://www.weddingwire.com/reviews/${i}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

async function createImport(apiKey: string, body: Record<string, unknown>) {
  return stack.call('POST', '/v1/imports', { key: apiKey, body });
}

async function uploadAndStart(apiKey: string, content: string) {
  const created = await createImport(apiKey, {
    platform: 'weddingwire',
    format: 'csv',
    filename: 'reviews.csv',
  });
  expect(created.status).toBe(201);
  const upload = created.json.upload as { url: string; method: string; headers: Record<string, string> };
  const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: content });
  expect(put.status).toBe(200);
  const id = String(created.json.importId);
  const started = await stack.call('POST', `/v1/imports/${id}/start`, { key: apiKey });
  expect(started.status).toBe(202);
  return id;
}

async function finished(apiKey: string, id: string) {
  let job: Record<string, unknown> = {};
  await eventually(
    async () => {
      job = (await stack.call('GET', `/v1/imports/${id}`, { key: apiKey })).json;
      return job.status === 'completed' || job.status === 'failed';
    },
    `import ${id}`,
    120_000,
  );
  return job;
}

async function listAll(apiKey: string, query: string) {
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await stack.call(
      'GET',
      `/v1/reviews?${query}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { key: apiKey },
    );
    expect(page.status).toBe(200);
    items.push(...(page.json.items as Record<string, unknown>[]));
    cursor = page.json.nextCursor as string | undefined;
  } while (cursor);
  return items;
}

async function ingestDrained() {
  await eventually(
    async () => (await stack.queueDepth('Ingest')) === 0 && (await stack.queueDepth('Imports')) === 0,
    'queues drained',
    120_000,
  );
}

describe('a 1,000-row CSV through the pre-signed URL', () => {
  let supplier: { supplierId: string; apiKey: string };
  let csv: string;
  beforeAll(async () => {
    supplier = await stack.newSupplier('Import Supplier');
    csv = weddingWireCsv(1000);
  });

  it('refuses to start before the file is uploaded (409)', async () => {
    const created = await createImport(supplier.apiKey, { platform: 'weddingwire', format: 'csv' });
    expect(created.json.status).toBe('awaiting-upload');
    const started = await stack.call('POST', `/v1/imports/${String(created.json.importId)}/start`, {
      key: supplier.apiKey,
    });
    expect(started.status).toBe(409);
  });

  it('completes, and every review is listed by GET /v1/reviews', async () => {
    const id = await uploadAndStart(supplier.apiKey, csv);
    const job = await finished(supplier.apiKey, id);
    expect(job).toMatchObject({
      status: 'completed',
      platform: 'weddingwire',
      filename: 'reviews.csv',
      rows: { total: 1000, imported: 1000, rejected: 0 },
      progress: { bytesProcessed: Buffer.byteLength(csv), bytesTotal: Buffer.byteLength(csv), percent: 100 },
    });
    await eventually(
      async () => (await countReviews(stack, supplier.supplierId)) === 1000,
      '1,000 reviews',
      120_000,
    );
    const listed = await listAll(supplier.apiKey, 'platform=weddingwire');
    expect(listed).toHaveLength(1000);
    const quoted = listed.find((r) => r.reviewerName === 'Couple 50');
    expect(quoted).toMatchObject({
      rating: 1,
      title: 'Review 50',
      body: 'Row 50: the "best" day,\nthank you!',
      platform: 'weddingwire',
      // The file's date, not the import's.
      reviewedAt: `${day(50)}T00:00:00.000Z`,
    });
  });

  it('imported again, stores nothing twice', async () => {
    const id = await uploadAndStart(supplier.apiKey, csv);
    const job = await finished(supplier.apiKey, id);
    expect(job.rows).toEqual({ total: 1000, imported: 1000, rejected: 0 });
    await ingestDrained();
    expect(await countReviews(stack, supplier.supplierId)).toBe(1000);
    const summary = await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey });
    expect(summary.json.count).toBe(1000);
  });

  it('is not visible to another supplier (404)', async () => {
    const other = await stack.newSupplier('Other Supplier');
    const created = await createImport(supplier.apiKey, { platform: 'theknot', format: 'csv' });
    const id = String(created.json.importId);
    for (const [method, path] of [
      ['GET', `/v1/imports/${id}`],
      ['GET', `/v1/imports/${id}/errors`],
      ['POST', `/v1/imports/${id}/start`],
    ] as const) {
      expect((await stack.call(method, path, { key: other.apiKey })).status).toBe(404);
    }
  });
});

describe('a file with bad rows, in the request body', () => {
  it('stores the good rows and reports the bad ones with their line numbers, a page at a time', async () => {
    const supplier = await stack.newSupplier('Bad Rows Supplier');
    const content = [
      'date,rating,author,title,text',
      '2025-03-01,5,Jo & Sam,Perfect,"Perfect day, thank you"', // line 2
      '2025-02-30,5,Ann,Bad date,Text', // line 3: no such date
      '2025-03-02,7,Ben,Bad rating,Text', // line 4
      '2025-03-03,4,Cara,"Multi',
      'line title",Fine', // lines 5-6: a title with a line break is still text
      `2025-03-04,3,Dan,Too long,${'x'.repeat(10_001)}`, // line 7
      '2025-03-05,2,Eve,,Short and sweet', // line 8: no title, made from the text
    ].join('\n');
    const created = await createImport(supplier.apiKey, { platform: 'theknot', format: 'csv', content });
    expect(created.status).toBe(201);
    expect(created.json).not.toHaveProperty('upload');
    const id = String(created.json.importId);
    const job = await finished(supplier.apiKey, id);
    expect(job.rows).toEqual({ total: 6, imported: 3, rejected: 3 });
    await eventually(async () => (await countReviews(stack, supplier.supplierId)) === 3, '3 reviews', 60_000);
    const listed = await listAll(supplier.apiKey, 'platform=theknot');
    expect(listed.map((r) => r.reviewerName).sort()).toEqual(['Cara', 'Eve', 'Jo & Sam']);
    expect(listed.find((r) => r.reviewerName === 'Eve')?.title).toBe('Short and sweet');

    const first = await stack.call('GET', `/v1/imports/${id}/errors?limit=2`, { key: supplier.apiKey });
    expect(first.status).toBe(200);
    const second = await stack.call(
      'GET',
      `/v1/imports/${id}/errors?limit=2&cursor=${encodeURIComponent(String(first.json.nextCursor))}`,
      { key: supplier.apiKey },
    );
    expect([...(first.json.items as object[]), ...(second.json.items as object[])]).toEqual([
      { line: 3, reason: 'date: "2025-02-30" is not a calendar date' },
      { line: 4, reason: 'rating: "7" is not a whole number from 1 to 5' },
      { line: 7, reason: expect.stringMatching(/^text: /) },
    ]);
    expect(second.json.nextCursor).toBeUndefined();
  });

  it('imports JSON lines for any platform; refuses a CSV for a platform with an API (422)', async () => {
    const supplier = await stack.newSupplier('JSONL Supplier');
    const content = [
      JSON.stringify({ rating: 5, title: 'A', body: 'Great', reviewerName: 'Jo', externalId: 'g-1' }),
      JSON.stringify({
        rating: 4,
        title: 'B',
        body: 'Good',
        reviewerName: 'Max',
        submittedAt: '2025-04-01T10:00:00Z',
      }),
    ].join('\n');
    const created = await createImport(supplier.apiKey, { platform: 'google', format: 'jsonl', content });
    expect(created.status).toBe(201);
    const job = await finished(supplier.apiKey, String(created.json.importId));
    expect(job.rows).toEqual({ total: 2, imported: 2, rejected: 0 });
    await eventually(async () => (await countReviews(stack, supplier.supplierId)) === 2, '2 reviews', 60_000);

    const refused = await createImport(supplier.apiKey, { platform: 'google', format: 'csv', content: 'x' });
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([expect.objectContaining({ path: 'platform' })]);
  });
});
