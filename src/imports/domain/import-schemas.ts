/**
 * Request and response schemas of the import routes (zod): the route table names them, the API
 * handler validates with them, the API description publishes them with their examples. Each is
 * built on first use, not at load (ADR 0022, twelfth round).
 */
import * as z from 'zod';
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
        .describe('Where the reviews come from; a CSV import is weddingwire or theknot.'),
      format: z
        .enum(IMPORT_FORMATS)
        .describe('csv: the documented template (docs/imports.md); jsonl: one review per line.'),
      filename: z
        .string()
        .min(1)
        .max(IMPORT_LIMITS.filename)
        .regex(/^[^\p{Cc}/\\]+$/u, 'a file name without control characters or slashes')
        .optional()
        .describe('The uploaded file’s name, for your reference.'),
      content: z
        .string()
        .min(1)
        .max(IMPORT_LIMITS.maxInlineContentChars)
        .optional()
        .describe(
          'A small file’s content, sent in this body instead of an upload (the body limit is 64 KiB): the ' +
            'import starts at once, no upload URL is returned.',
        ),
    })
    .refine((b) => b.format !== 'csv' || (CSV_PLATFORMS as readonly string[]).includes(b.platform), {
      message: `a CSV import is for ${CSV_PLATFORMS.join(' or ')}; use format jsonl for other platforms`,
      path: ['platform'],
    })
    .meta({
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
);
export type CreateImportBody = z.infer<ReturnType<typeof createImportBody>>;

export const listImportErrorsQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    limit: pageSizeParameter(100).optional().describe('Page size, 1-100 (default 50).'),
    cursor: z.string().max(2048).optional().describe('The nextCursor of the previous page.'),
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

export const importJobResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      importId: z.string().describe('The import, `imp_...`.'),
      platform: z.enum(PLATFORMS),
      format: z.enum(IMPORT_FORMATS),
      filename: z.string().optional(),
      status: z
        .enum(IMPORT_STATUSES)
        .describe('awaiting-upload (PUT the file, then start), queued, running, completed or failed.'),
      rows: z.object({
        total: z.number().int().min(0).describe('Data rows read so far (the header excluded).'),
        imported: z
          .number()
          .int()
          .min(0)
          .describe('Valid rows queued for storage (a re-import stores nothing twice).'),
        rejected: z.number().int().min(0).describe('Invalid rows: see GET /v1/imports/{importId}/errors.'),
      }),
      progress: z.object({
        bytesProcessed: z.number().int().min(0),
        bytesTotal: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('The file size, once the import has started.'),
        percent: z.number().int().min(0).max(100),
      }),
      error: z.string().optional().describe('Why the whole file failed (e.g. no header row, empty file).'),
      ignoredColumns: z
        .array(z.string())
        .optional()
        .describe('Header columns not in the template (ignored).'),
      createdAt: isoTime(),
      updatedAt: isoTime(),
      startedAt: isoTime().optional(),
      finishedAt: isoTime().optional(),
    })
    .meta({
      id: 'ImportJob',
      description: 'A review import and its progress; read it again until completed or failed.',
      examples: [jobExample],
    }),
);

export const importCreatedResponse = /* @__PURE__ */ lazy(() =>
  importJobResponse()
    .extend({
      upload: z
        .object({
          url: z.string().describe('Pre-signed S3 URL: PUT the file’s bytes to it, then POST .../start.'),
          method: z.literal('PUT'),
          headers: z.record(z.string(), z.string()).describe('Headers to send with the PUT.'),
          expiresAt: isoTime(),
        })
        .optional()
        .describe('Absent when the file came in the body (`content`): that import is already queued.'),
    })
    .meta({
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
);

export const importErrorPageResponse = /* @__PURE__ */ lazy(() =>
  pageOf(
    z.object({
      line: z.number().int().min(1).describe('Line of the file (the CSV header is line 1).'),
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
