/**
 * Request and response schemas of the import routes (zod): the route table names them, the API
 * handler validates with them, the API description publishes them with their examples. Each is
 * built on first use, not at load (ADR 0022, twelfth round).
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { NEXT_CURSOR, pageOf } from '../../shared/page-schema';
import { pageSizeParameter } from '../../shared/page-size';
import { PLATFORMS } from '../../reviews';
import { CSV_PLATFORMS, IMPORT_FORMATS, IMPORT_LIMITS, IMPORT_STATUSES } from './import-job';

const isoTime = /* @__PURE__ */ lazy(() => z.iso.datetime({ offset: true }));

export const createImportBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      platform: z
        .enum(PLATFORMS)
        .check(z.describe('Where the reviews come from; a CSV import is weddingwire or theknot.')),
      format: z
        .enum(IMPORT_FORMATS)
        .check(z.describe('csv: the documented template (docs/imports.md); jsonl: one review per line.')),
      filename: z
        .optional(
          z
            .string()
            .check(
              z.minLength(1),
              z.maxLength(IMPORT_LIMITS.filename),
              z.regex(/^[^\p{Cc}/\\]+$/u, 'a file name without control characters or slashes'),
            ),
        )
        .check(z.describe('The uploaded file’s name, for your reference.')),
      content: z
        .optional(z.string().check(z.minLength(1), z.maxLength(IMPORT_LIMITS.maxInlineContentChars)))
        .check(
          z.describe(
            'A small file’s content, sent in this body instead of an upload (the body limit is 64 KiB): the ' +
              'import starts at once, no upload URL is returned.',
          ),
        ),
    })
    .check(
      z.refine((b) => b.format !== 'csv' || (CSV_PLATFORMS as readonly string[]).includes(b.platform), {
        message: `a CSV import is for ${CSV_PLATFORMS.join(' or ')}; use format jsonl for other platforms`,
        path: ['platform'],
      }),
      z.meta({
        examples: [
          { platform: 'weddingwire', format: 'csv', filename: 'weddingwire-2026.csv' },
          {
            platform: 'theknot',
            format: 'csv',
            content:
              'date,rating,author,title,text\n2026-05-02,5,Sam & Alex,Wonderful,"Our flowers were perfect."\n',
          },
        ],
      }),
    ),
);
export type CreateImportBody = z.infer<ReturnType<typeof createImportBody>>;

export const listImportErrorsQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    limit: z.optional(pageSizeParameter(100)).check(z.describe('Page size, 1-100 (default 50).')),
    cursor: z
      .optional(z.string().check(z.maxLength(2048)))
      .check(z.describe('The nextCursor of the previous page.')),
  }),
);
export type ListImportErrorsQuery = z.infer<ReturnType<typeof listImportErrorsQuery>>;

const jobExample = {
  importId: 'imp_01jx8k2m3n4p5q6r7s8t9v0w1x',
  platform: 'weddingwire' as const,
  format: 'csv' as const,
  filename: 'weddingwire-2026.csv',
  status: 'running' as const,
  rows: { total: 400, imported: 396, rejected: 4 },
  progress: { bytesProcessed: 120_000, bytesTotal: 300_000, percent: 40 },
  createdAt: '2026-06-20T10:00:00.000Z',
  updatedAt: '2026-06-20T10:00:05.000Z',
  startedAt: '2026-06-20T10:00:02.000Z',
};

/** An import's fields, without the metadata that names the published schema (`importJobResponse`). */
const importJobObject = /* @__PURE__ */ lazy(() =>
  z.object({
    importId: z.string().check(z.describe('The import, `imp_...`.')),
    platform: z.enum(PLATFORMS),
    format: z.enum(IMPORT_FORMATS),
    filename: z.optional(z.string()),
    status: z
      .enum(IMPORT_STATUSES)
      .check(z.describe('awaiting-upload (PUT the file, then start), queued, running, completed or failed.')),
    rows: z.object({
      total: z.number().check(z.int(), z.gte(0), z.describe('Data rows read so far (the header excluded).')),
      imported: z
        .number()
        .check(
          z.int(),
          z.gte(0),
          z.describe('Valid rows queued for storage (a re-import stores nothing twice).'),
        ),
      rejected: z
        .number()
        .check(z.int(), z.gte(0), z.describe('Invalid rows: see GET /v1/imports/{importId}/errors.')),
    }),
    progress: z.object({
      bytesProcessed: z.number().check(z.int(), z.gte(0)),
      bytesTotal: z
        .optional(z.number().check(z.int(), z.gte(0)))
        .check(z.describe('The file size, once the import has started.')),
      percent: z.number().check(z.int(), z.gte(0), z.lte(100)),
    }),
    error: z
      .optional(z.string())
      .check(z.describe('Why the whole file failed (e.g. no header row, empty file).')),
    ignoredColumns: z
      .optional(z.array(z.string()))
      .check(z.describe('Header columns not in the template (ignored).')),
    createdAt: isoTime(),
    updatedAt: isoTime(),
    startedAt: z.optional(isoTime()),
    finishedAt: z.optional(isoTime()),
  }),
);

export const importJobResponse = /* @__PURE__ */ lazy(() =>
  importJobObject().check(
    z.meta({
      id: 'ImportJob',
      description: 'A review import and its progress; read it again until completed or failed.',
      examples: [jobExample],
    }),
  ),
);

export const importCreatedResponse = /* @__PURE__ */ lazy(() =>
  z
    .extend(importJobObject(), {
      upload: z
        .optional(
          z.object({
            url: z
              .string()
              .check(z.describe('Pre-signed S3 URL: PUT the file’s bytes to it, then POST .../start.')),
            method: z.literal('PUT'),
            headers: z.record(z.string(), z.string()).check(z.describe('Headers to send with the PUT.')),
            expiresAt: isoTime(),
          }),
        )
        .check(
          z.describe('Absent when the file came in the body (`content`): that import is already queued.'),
        ),
    })
    .check(
      z.meta({
        id: 'ImportCreated',
        description: 'A new import: where to upload its file, or (content in the body) already queued.',
        examples: [
          {
            ...jobExample,
            status: 'awaiting-upload',
            rows: { total: 0, imported: 0, rejected: 0 },
            progress: { bytesProcessed: 0, percent: 0 },
            upload: {
              url: 'https://wedsync-imports.s3.eu-west-1.amazonaws.com/sup_.../imp_...?X-Amz-Signature=...',
              method: 'PUT',
              headers: { 'content-type': 'text/csv' },
              expiresAt: '2026-06-20T10:15:00.000Z',
            },
          },
        ],
      }),
    ),
);

export const importErrorPageResponse = /* @__PURE__ */ lazy(() =>
  pageOf(
    z.object({
      line: z.number().check(z.int(), z.gte(1), z.describe('Line of the file (the CSV header is line 1).')),
      reason: z.string(),
    }),
    {
      id: 'ImportErrorPage',
      description: 'Rejected rows of an import in line order, a page at a time.',
      examples: [{ items: [{ line: 7, reason: 'rating: "4.5" is not a whole number from 1 to 5' }] }],
    },
    NEXT_CURSOR.whenMore,
  ),
);
