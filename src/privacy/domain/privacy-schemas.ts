/** Request and answer schemas of the ops privacy routes (src/catalog/routes.ts names them). */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { MAX_EMAIL_LENGTH, normaliseEmail } from './subject';

const email = /* @__PURE__ */ lazy(() =>
  z.string().check(
    z.maxLength(MAX_EMAIL_LENGTH),
    z.refine((value) => normaliseEmail(value) !== undefined, { message: 'not an e-mail address' }),
    z.describe("The person's e-mail address (compared trimmed and in lower case)."),
  ),
);

const reviewRef = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    supplierId: z.string().check(z.minLength(1), z.maxLength(64)),
    reviewId: z.string().check(z.regex(/^rev_[0-9a-z]{26}$/, 'a review id (rev_...)')),
  }),
);

const namedReviews = /* @__PURE__ */ lazy(() =>
  z
    .optional(z.array(reviewRef()).check(z.maxLength(100)))
    .check(
      z.describe(
        'Reviews the person says are theirs that carry no e-mail address (synced from a platform, imported): included by id.',
      ),
    ),
);

export const subjectExportBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({ email: email(), reviews: namedReviews() })
    .check(z.meta({ examples: [{ email: 'jo@example.com' }] })),
);
export type SubjectExportBody = z.infer<ReturnType<typeof subjectExportBody>>;

export const erasureBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      email: email(),
      eraseText: z
        .optional(z.boolean())
        .check(
          z.describe("Erase the reviews' title and text too (default: the name only; the rating stays)."),
        ),
      reviews: namedReviews(),
    })
    .check(
      z.meta({
        examples: [
          { email: 'jo@example.com', eraseText: true },
          {
            email: 'jo@example.com',
            reviews: [{ supplierId: 'sup_example01', reviewId: 'rev_9j1k3m5n7p9q1r3s5t7v9w1x3y' }],
          },
        ],
      }),
    ),
);
export type ErasureBody = z.infer<ReturnType<typeof erasureBody>>;

const counts = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    reviewRequestsDeleted: z.number().check(z.int()),
    reviewsAnonymised: z.number().check(z.int()),
    reviewAuditEntriesAnonymised: z.number().check(z.int()),
    eventsPurged: z.number().check(z.int()),
    deliveriesScrubbed: z.number().check(z.int()),
  }),
);

export const erasureResponse = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      erasureId: z
        .string()
        .check(z.describe('era_ + a prefix of the address hash; GET /v1/ops/privacy/erasures/{erasureId}.')),
      status: z.enum(['in-progress', 'done']),
      requestedAt: z.string(),
      completedAt: z.optional(z.string()),
      eraseText: z.boolean(),
      reviews: z.array(reviewRef()).check(z.describe('Reviews anonymised so far.')),
      reviewRequests: z.number().check(z.int(), z.describe('Review requests deleted so far.')),
      suppliersNotified: z.array(z.string()),
      counts: counts(),
    })
    .check(
      z.meta({
        id: 'Erasure',
        examples: [
          {
            erasureId: 'era_3f1c0d9a8b7e6f5a4b3c2d1e0f',
            status: 'done',
            requestedAt: '2026-12-03T17:00:00.000Z',
            completedAt: '2026-12-03T17:00:02.310Z',
            eraseText: false,
            reviews: [{ supplierId: 'sup_example01', reviewId: 'rev_9j1k3m5n7p9q1r3s5t7v9w1x3y' }],
            reviewRequests: 1,
            suppliersNotified: ['sup_example01'],
            counts: {
              reviewRequestsDeleted: 1,
              reviewsAnonymised: 1,
              reviewAuditEntriesAnonymised: 0,
              eventsPurged: 1,
              deliveriesScrubbed: 1,
            },
          },
        ],
      }),
    ),
);

export const subjectExportResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      format: z.literal('wedsync.subject-export/1'),
      generatedAt: z.string(),
      subject: z.object({ email: z.string() }),
      reviewRequests: z.array(z.record(z.string(), z.unknown())),
      reviews: z.array(z.record(z.string(), z.unknown())),
      events: z.array(z.record(z.string(), z.unknown())),
      erasure: z.optional(erasureResponse()),
      notSearchableByAddress: z.array(z.string()),
    })
    .check(
      z.meta({
        id: 'SubjectExport',
        examples: [
          {
            format: 'wedsync.subject-export/1',
            generatedAt: '2026-12-03T17:00:00.000Z',
            subject: { email: 'jo@example.com' },
            reviewRequests: [
              {
                supplierId: 'sup_example01',
                requestId: 'rrq_0a1b2c3d4e5f6g7h8j9k0m1n2p',
                coupleName: 'Jo & Max',
                email: 'jo@example.com',
                weddingDate: '2026-06-20',
              },
            ],
            reviews: [],
            events: [],
            notSearchableByAddress: [
              'Reviews synced from platforms or imported carry a name but no e-mail address.',
            ],
          },
        ],
      }),
    ),
);
