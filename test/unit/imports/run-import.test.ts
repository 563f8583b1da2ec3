/**
 * The import job runner over in-memory ports: every good row is queued for ingestion and every
 * bad row recorded, across chunks and hand-overs, a crash mid-chunk and two copies of one message
 * running at once; the counts are exact and the review ids of a re-run are the same ids.
 */
import {
  newImportJob,
  runImport,
  startImport,
  createImport,
  type ImportFiles,
  type ImportJob,
  type ImportJobStore,
  type ImportMessage,
  type ImportQueue,
  type ImportSource,
  type ImportWorkerDeps,
  type RejectedRow,
  type ReviewMessageSender,
} from '../../../src/imports';
import type { ReviewSubmittedMessage } from '../../../src/reviews';
import { ProblemError } from '../../../src/shared/problem';
import type { StoreKey } from '../../../src/shared/cursor';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const clock = { now: () => NOW };

class MemoryJobs implements ImportJobStore {
  readonly jobs = new Map<string, ImportJob>();
  readonly errors = new Map<string, Map<number, string>>();
  async create(job: ImportJob) {
    if (this.jobs.has(job.importId)) return false;
    this.jobs.set(job.importId, structuredClone(job));
    return true;
  }
  async get(supplierId: string, importId: string) {
    const job = this.jobs.get(importId);
    return job && job.supplierId === supplierId ? structuredClone(job) : undefined;
  }
  async update(job: ImportJob, expected: { status: ImportJob['status']; seq: number }) {
    await Promise.resolve();
    const current = this.jobs.get(job.importId);
    if (!current || current.status !== expected.status || current.checkpoint.seq !== expected.seq)
      return false;
    this.jobs.set(job.importId, structuredClone(job));
    return true;
  }
  async putErrors(importId: string, rows: readonly RejectedRow[]) {
    const map = this.errors.get(importId) ?? new Map<number, string>();
    for (const row of rows) map.set(row.line, row.reason);
    this.errors.set(importId, map);
  }
  async listErrors(importId: string, limit: number, cursor?: StoreKey) {
    const after = Number(cursor?.line ?? 0);
    const all = [...(this.errors.get(importId) ?? new Map<number, string>())]
      .map(([line, reason]) => ({ line, reason }))
      .sort((a, b) => a.line - b.line)
      .filter((r) => r.line > after);
    const items = all.slice(0, limit);
    return all.length > limit ? { items, next: { line: String(items.at(-1)!.line) } } : { items };
  }
}

class MemoryFiles implements ImportFiles {
  readonly objects = new Map<string, Buffer>();
  async uploadUrl(key: string) {
    return `memory://${key}`;
  }
  async put(key: string, content: string) {
    this.objects.set(key, Buffer.from(content));
  }
  async size(key: string) {
    return this.objects.get(key)?.length;
  }
  async read(key: string, fromByte: number): Promise<ImportSource> {
    const bytes = this.objects.get(key)!.subarray(fromByte);
    let destroyed = false;
    return {
      destroy: () => void (destroyed = true),
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < bytes.length && !destroyed; i += 37) yield bytes.subarray(i, i + 37);
      },
    };
  }
}

class MemoryQueue implements ImportQueue {
  readonly messages: ImportMessage[] = [];
  async send(message: ImportMessage) {
    this.messages.push(message);
  }
}

class MemoryIngest implements ReviewMessageSender {
  readonly sent: ReviewSubmittedMessage[] = [];
  async sendAll(messages: readonly { body: string }[]) {
    for (const m of messages) this.sent.push(JSON.parse(m.body) as ReviewSubmittedMessage);
  }
}

function setup(policy: { chunkRows: number; timeBudgetMs: number } = { chunkRows: 3, timeBudgetMs: 60_000 }) {
  const deps = {
    importJobs: new MemoryJobs(),
    importFiles: new MemoryFiles(),
    importQueue: new MemoryQueue(),
    ingest: new MemoryIngest(),
    clock,
    ...policy,
  } satisfies ImportWorkerDeps;
  return deps;
}

async function queuedJob(deps: ReturnType<typeof setup>, format: 'csv' | 'jsonl', content: string) {
  const job = newImportJob(
    {
      importId: 'imp_0000000000000000000000000a',
      supplierId: 'sup_1',
      platform: 'weddingwire',
      format,
      actorId: 'key_1',
    },
    NOW,
  );
  await deps.importJobs.create(job);
  await deps.importFiles.put(job.objectKey, content);
  await startImport('sup_1', job.importId, deps);
  return job;
}

/** Runs queued messages until none is left (hand-overs add more). */
async function drain(deps: ReturnType<typeof setup>) {
  for (let guard = 0; guard < 1000; guard += 1) {
    const message = deps.importQueue.messages.shift();
    if (!message) return;
    await runImport(message, deps);
  }
  throw new Error('did not finish');
}

const HEADER = 'date,rating,author,title,text\n';
const goodRow = (i: number) =>
  `2025-0${(i % 9) + 1}-1${i % 10},${(i % 5) + 1},Author ${i},Title ${i},"Text ${i}, with ""quotes"""\n`;
/** 10 rows; lines 4 and 8 of the file (rows 3 and 7) are bad. */
const FILE =
  HEADER +
  Array.from({ length: 10 }, (_, i) =>
    i === 2 ? '2025-01-01,9,Bad,T,x\n' : i === 6 ? 'not-a-date,5,Bad,T,x\n' : goodRow(i),
  ).join('');

describe('runImport', () => {
  it('imports good rows and records bad ones with their lines, over several hand-overs', async () => {
    const deps = setup({ chunkRows: 3, timeBudgetMs: 0 });
    const job = await queuedJob(deps, 'csv', FILE);
    await drain(deps);
    const done = deps.importJobs.jobs.get(job.importId)!;
    expect(done.status).toBe('completed');
    expect(done.checkpoint).toMatchObject({
      rows: 10,
      imported: 8,
      rejected: 2,
      byteOffset: Buffer.byteLength(FILE),
    });
    expect(deps.ingest.sent).toHaveLength(8);
    expect(new Set(deps.ingest.sent.map((m) => m.reviewId)).size).toBe(8);
    expect(deps.ingest.sent[0]).toMatchObject({
      type: 'review.submitted',
      supplierId: 'sup_1',
      origin: { kind: 'external', platform: 'weddingwire' },
      actor: { kind: 'supplier', id: 'key_1' },
      review: { reviewerName: 'Author 0', body: 'Text 0, with "quotes"', platform: 'weddingwire' },
    });
    expect((await deps.importJobs.listErrors(job.importId, 10)).items).toEqual([
      { line: 4, reason: 'rating: "9" is not a whole number from 1 to 5' },
      { line: 8, reason: expect.stringMatching(/^date: "not-a-date" is not a date/) },
    ]);
  });

  it('after a crash mid-file, resumes from the checkpoint: exact counts, the same review ids', async () => {
    const clean = setup();
    await queuedJob(clean, 'csv', FILE);
    await drain(clean);

    const deps = setup();
    const job = await queuedJob(deps, 'csv', FILE);
    const message = deps.importQueue.messages.shift()!;
    // The second chunk's send fails: the message is retried (as SQS would).
    const original = deps.ingest.sendAll.bind(deps.ingest);
    let calls = 0;
    deps.ingest.sendAll = async (messages) => {
      calls += 1;
      if (calls === 2) throw new Error('queue unavailable');
      return original(messages);
    };
    await expect(runImport(message, deps)).rejects.toThrow('queue unavailable');
    expect(deps.importJobs.jobs.get(job.importId)!.checkpoint.rows).toBe(3);
    await runImport(message, deps);
    const done = deps.importJobs.jobs.get(job.importId)!;
    expect(done.checkpoint).toMatchObject({ rows: 10, imported: 8, rejected: 2 });
    expect(new Set(deps.ingest.sent.map((m) => m.reviewId))).toEqual(
      new Set(clean.ingest.sent.map((m) => m.reviewId)),
    );
  });

  it('two copies of one message: one saves each chunk, the other stops; nothing counted twice', async () => {
    const deps = setup({ chunkRows: 2, timeBudgetMs: 60_000 });
    const job = await queuedJob(deps, 'csv', FILE);
    const message = deps.importQueue.messages.shift()!;
    const outcomes = await Promise.all([runImport(message, deps), runImport(message, deps)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['completed', 'lost']);
    expect(deps.importJobs.jobs.get(job.importId)!.checkpoint).toMatchObject({
      rows: 10,
      imported: 8,
      rejected: 2,
    });
    expect(new Set(deps.ingest.sent.map((m) => m.reviewId)).size).toBe(8);
  });

  it('a finished job ignores its message', async () => {
    const deps = setup();
    const job = await queuedJob(deps, 'csv', FILE);
    const message = deps.importQueue.messages[0]!;
    await drain(deps);
    const sent = deps.ingest.sent.length;
    expect(await runImport(message, deps)).toEqual({ kind: 'skipped' });
    expect(deps.ingest.sent).toHaveLength(sent);
    expect(deps.importJobs.jobs.get(job.importId)!.status).toBe('completed');
  });

  it.each([
    ['a file without a header row', '2025-01-01,5,Jo,T,Text\n', /^missing header row or required columns/],
    ['a file with only a BOM and blank lines', '\uFEFF\n\n', /^the file is empty \(no header row\)$/],
  ])('fails %s', async (_, content, reason) => {
    const deps = setup();
    const job = await queuedJob(deps, 'csv', content);
    await drain(deps);
    const done = deps.importJobs.jobs.get(job.importId)!;
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(reason);
    expect(deps.ingest.sent).toHaveLength(0);
  });

  it('fails an empty file, and completes a header-only file with no rows', async () => {
    const empty = setup();
    const emptyJob = await queuedJob(empty, 'csv', '');
    await drain(empty);
    expect(empty.importJobs.jobs.get(emptyJob.importId)).toMatchObject({
      status: 'failed',
      error: 'the file is empty',
    });

    const headerOnly = setup();
    const job = await queuedJob(headerOnly, 'csv', HEADER);
    await drain(headerOnly);
    expect(headerOnly.importJobs.jobs.get(job.importId)).toMatchObject({
      status: 'completed',
      checkpoint: { rows: 0, imported: 0, rejected: 0 },
    });
  });

  it('reads JSON lines: good and bad lines, blank lines skipped, line numbers kept', async () => {
    const deps = setup({ chunkRows: 1, timeBudgetMs: 0 });
    const lines = [
      JSON.stringify({ rating: 5, title: 'A', body: 'Good', reviewerName: 'Jo', submittedAt: '2025-05-01' }),
      '',
      '{"rating": 5',
      JSON.stringify({
        rating: 4,
        title: 'B',
        body: 'Fine',
        reviewerName: 'Max',
        platform: 'google',
        externalId: 'g-1',
      }),
    ].join('\n');
    const job = await queuedJob(deps, 'jsonl', lines);
    await drain(deps);
    expect(deps.importJobs.jobs.get(job.importId)!.checkpoint).toMatchObject({
      rows: 3,
      imported: 2,
      rejected: 1,
    });
    expect(deps.ingest.sent.map((m) => m.origin)).toEqual([
      { kind: 'external', platform: 'weddingwire', externalId: expect.stringMatching(/^imp_/) },
      { kind: 'external', platform: 'google', externalId: 'g-1' },
    ]);
    expect((await deps.importJobs.listErrors(job.importId, 10)).items).toEqual([
      { line: 3, reason: expect.stringMatching(/^not valid JSON/) },
    ]);
  });
});

describe('createImport and startImport', () => {
  it('gives an upload URL and waits for the file: start before the upload is a 409, after it queues once', async () => {
    const deps = setup();
    const created = await createImport('sup_1', 'key_1', { platform: 'theknot', format: 'csv' }, deps);
    expect(created).toMatchObject({
      status: 'awaiting-upload',
      upload: { method: 'PUT', url: expect.any(String) },
    });
    await expect(startImport('sup_1', created.importId, deps)).rejects.toMatchObject({
      problem: { status: 409 },
    });
    await deps.importFiles.put(`sup_1/${created.importId}`, FILE);
    expect(await startImport('sup_1', created.importId, deps)).toMatchObject({
      status: 'queued',
      progress: { bytesTotal: Buffer.byteLength(FILE) },
    });
    expect(deps.importQueue.messages).toEqual([{ v: 1, importId: created.importId, supplierId: 'sup_1' }]);
  });

  it("another supplier's import is not found", async () => {
    const deps = setup();
    const created = await createImport('sup_1', 'key_1', { platform: 'theknot', format: 'csv' }, deps);
    const error = await startImport('sup_2', created.importId, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).problem.status).toBe(404);
  });

  it('with content in the body: stored and queued at once, no upload URL', async () => {
    const deps = setup();
    const created = await createImport(
      'sup_1',
      'key_1',
      { platform: 'weddingwire', format: 'csv', content: FILE },
      deps,
    );
    expect(created.status).toBe('queued');
    expect(created).not.toHaveProperty('upload');
    expect(deps.importQueue.messages).toHaveLength(1);
  });
});
