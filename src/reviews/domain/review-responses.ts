/**
 * Response bodies of the review routes (zod), defined next to the request schemas: the route
 * table names them, the API description (src/catalog/openapi.ts) publishes them as JSON Schema
 * with their examples, and an integration test validates real answers against them.
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { pageOf } from '../../shared/page-schema';
import { PLATFORMS, RECOMMENDATIONS, reviewConnection, reviewOrigin } from './review-message-schemas';
import { ALL_CONTENT_FIELDS, type ContentField } from './review-versions';

const isoTime = /* @__PURE__ */ lazy(() => z.iso.datetime({ offset: true }));

export const reviewRequestQueuedResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      requestId: z.string().check(z.describe('The review request, `rrq_...`.')),
      delivery: z.literal('email'),
      status: z
        .literal('queued')
        .check(z.describe('The e-mail to the couple is queued; read the request for its progress.')),
      expiresAt: isoTime().check(z.describe('When the e-mailed link stops being accepted.')),
    })
    .check(
      z.meta({
        id: 'ReviewRequestQueued',
        description:
          'A review request whose private link is being e-mailed to the couple; the token never comes back to the supplier, and reviews made with it are verified.',
        examples: [
          {
            requestId: 'rrq_01jx8k2m3n4p5q6r7s8t9v0w1x',
            delivery: 'email',
            status: 'queued',
            expiresAt: '2026-07-20T10:00:00.000Z',
          },
        ],
      }),
    ),
);

export const reviewRequestCreatedResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      requestId: z.string().check(z.describe('The review request, `rrq_...`.')),
      delivery: z.literal('link'),
      status: z.literal('issued'),
      expiresAt: isoTime().check(z.describe('When the token stops being accepted.')),
      token: z
        .string()
        .check(
          z.describe(
            'A shareable review-link token (`wrt_...`) for the supplier to hand out; its reviews are not verified.',
          ),
        ),
    })
    .check(
      z.meta({
        id: 'ReviewRequestLink',
        description:
          'A review request with a shareable, expiring link token (reviews made with it are not verified).',
        examples: [
          {
            requestId: 'rrq_01jx8k2m3n4p5q6r7s8t9v0w1x',
            delivery: 'link',
            status: 'issued',
            expiresAt: '2026-07-20T10:00:00.000Z',
            token: 'wrt_eyJzIjoic3VwXzEyMyIsInIiOiJycnFfMDEifQ.c2lnbmF0dXJl',
          },
        ],
      }),
    ),
);

export const reviewRequestResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      supplierId: z.string(),
      requestId: z.string(),
      coupleName: z.string(),
      email: z.optional(z.string()),
      weddingDate: z.iso.date(),
      createdAt: isoTime(),
      expiresAt: isoTime(),
      delivery: z.enum(['email', 'link']),
      status: z.enum(['queued', 'sent', 'failed', 'issued']),
      sentAt: z.optional(isoTime()),
      failedAt: z.optional(isoTime()),
      failureReason: z.optional(z.string()),
    })
    .check(
      z.meta({
        id: 'ReviewRequest',
        description: 'A review request and the state of its e-mail (never its token).',
        examples: [
          {
            supplierId: 'sup_tw6fs1ay739xc1enam0fz2yysb',
            requestId: 'rrq_01jx8k2m3n4p5q6r7s8t9v0w1x',
            coupleName: 'Jo & Max',
            email: 'jo@example.com',
            weddingDate: '2026-06-20',
            createdAt: '2026-06-20T10:00:00.000Z',
            expiresAt: '2026-07-20T10:00:00.000Z',
            delivery: 'email',
            status: 'sent',
            sentAt: '2026-06-20T10:00:02.000Z',
          },
        ],
      }),
    ),
);

export const reviewAcceptedResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      reviewId: z
        .string()
        .check(z.describe('The review id, derived from its natural key: a retry gets the same id.')),
      status: z.literal('accepted'),
    })
    .check(
      z.meta({
        id: 'ReviewAccepted',
        description: 'The review is durably queued; it is readable at the Location header once stored.',
        examples: [{ reviewId: 'rev_3f9a1c2b7d5e8f60a4b1c2d3e4f5a6b7', status: 'accepted' }],
      }),
    ),
);

const sentiment = /* @__PURE__ */ lazy(() =>
  z.object({
    label: z.string(),
    confidence: z.number().check(z.gte(0), z.lte(1)),
    modelVersion: z.string(),
    variant: z.string(),
  }),
);

const insights = /* @__PURE__ */ lazy(() =>
  z
    .object({
      status: z.enum(['done', 'pending']),
      pendingReason: z.optional(z.string()).check(z.describe('Why inference is pending (it is retried).')),
      sentiment: z.optional(sentiment()),
      authenticity: z.optional(
        z.object({
          reasons: z.array(z.string()),
          score: z.number(),
          duplicateOf: z
            .array(z.string())
            .check(z.describe('Ids of near-duplicate reviews of the same supplier.')),
        }),
      ),
      flags: z.optional(z.array(z.string())).check(z.describe('Reasons that raised review.flagged.')),
    })
    .check(z.describe('What the models said, or that inference is pending.')),
);

const review = /* @__PURE__ */ lazy(() =>
  z.object({
    reviewId: z.string(),
    supplierId: z.string(),
    platform: z.enum(PLATFORMS),
    externalId: z.optional(z.string()),
    requestId: z.optional(z.string()),
    rating: z
      .nullable(z.number().check(z.int(), z.gte(1), z.lte(5)))
      .check(
        z.describe('Stars 1-5; null when the platform gives none (a Facebook recommendation replaces them).'),
      ),
    recommendation: z
      .optional(z.enum(RECOMMENDATIONS))
      .check(
        z.describe(
          'Facebook: the reviewer recommends the supplier (positive) or not (negative), instead of stars.',
        ),
      ),
    excerpt: z
      .optional(z.literal(true))
      .check(
        z.describe(
          'The text is a truncated excerpt the platform gives (Yelp: at most 3 per business), not the whole review.',
        ),
      ),
    connection: z
      .optional(reviewConnection())
      .check(
        z.describe(
          'The platform connection and location the review was synced from (replies go back there).',
        ),
      ),
    state: z
      .enum(['active', 'removed'])
      .check(
        z.describe(
          'removed: the platform no longer has the review; it is kept, marked, and left out of summaries and default lists.',
        ),
      ),
    removedAt: z.optional(isoTime()).check(z.describe('When the platform was seen without the review.')),
    reply: z
      .optional(
        z.object({
          action: z.enum(['reply', 'delete-reply']),
          state: z
            .enum(['pending', 'published', 'failed'])
            .check(
              z.describe(
                'pending: queued or waiting for the platform; published: the platform has it (delete-reply: the reply is gone); failed: see reason.',
              ),
            ),
          source: z
            .optional(z.enum(['api', 'platform', 'import']))
            .check(
              z.describe(
                'api: requested through this API (absent on older replies); platform: seen on the platform by a sync ' +
                  '(written or edited there; delete-reply: deleted there); import: the reply column of an import file.',
              ),
            ),
          comment: z.optional(z.string()),
          requestedAt: z
            .optional(isoTime())
            .check(
              z.describe('When the latest reply request through this API was made (absent if none was).'),
            ),
          updatedAt: isoTime().check(
            z.describe('When this state was recorded (for platform and import: when it was seen).'),
          ),
          repliedAt: z
            .optional(isoTime())
            .check(
              z.describe("The platform's own time of the reply (Google updateTime, an import's reply_date)."),
            ),
          reason: z.optional(z.string()).check(z.describe('Why the reply failed (not retried).')),
        }),
      )
      .check(
        z.describe(
          "The supplier's reply on the review's platform: requested through this API, or seen on the platform or imported.",
        ),
      ),
    title: z.string(),
    body: z.string(),
    reviewerName: z.string(),
    verified: z
      .boolean()
      .check(z.describe('Arrived with a review-link token: the couple was invited by the supplier.')),
    reviewedAt: isoTime(),
    receivedAt: isoTime(),
    origin: reviewOrigin(),
    actor: z.object({ kind: z.enum(['couple', 'supplier', 'producer']), id: z.string() }),
    sourceHash: z
      .optional(z.string())
      .check(z.describe('An opaque hash of the sender, for burst detection.')),
    correlationId: z
      .optional(z.string())
      .check(
        z.describe(
          'The `X-Correlation-Id` of the request that submitted it (or the request id), for support.',
        ),
      ),
    reviewedAtDefaulted: z
      .optional(z.literal(true))
      .check(
        z.describe('No date was sent: reviewedAt is the receipt time, and a resend without one keeps it.'),
      ),
    versionAt: isoTime().check(z.describe('When the source asserted this version (orders edits, ADR 0009).')),
    insights: z.optional(insights()),
    storedAt: isoTime(),
    version: z
      .optional(z.number().check(z.int(), z.gte(1)))
      .check(z.describe('1 when first stored, +1 for every applied edit.')),
    updatedAt: z.optional(isoTime()).check(z.describe('When the latest edit was stored.')),
    lastEdit: z
      .optional(
        z.object({
          version: z.number().check(z.int(), z.gte(2)),
          changedFields: z.array(z.enum(ALL_CONTENT_FIELDS as [ContentField, ...ContentField[]])),
          previousRating: z.nullable(z.number().check(z.int(), z.gte(1), z.lte(5))),
          previousRecommendation: z.optional(z.enum(RECOMMENDATIONS)),
          previousPlatform: z.enum(PLATFORMS),
          editedAt: isoTime(),
        }),
      )
      .check(z.describe('What the latest edit changed.')),
  }),
);

const REVIEW_EXAMPLE: z.output<ReturnType<typeof review>> = {
  reviewId: 'rev_3f9a1c2b7d5e8f60a4b1c2d3e4f5a6b7',
  supplierId: 'sup_01jx8k0a1b2c3d4e5f6g7h8j9k',
  platform: 'google',
  externalId: 'g-1',
  rating: 5,
  title: 'Stunning flowers',
  body: 'Our bouquets were perfect.',
  reviewerName: 'Sam & Alex',
  verified: false,
  reviewedAt: '2026-06-21T09:30:00.000Z',
  receivedAt: '2026-06-21T09:30:00.120Z',
  versionAt: '2026-06-21T09:30:00.120Z',
  origin: { kind: 'external', platform: 'google', externalId: 'g-1' },
  actor: { kind: 'supplier', id: 'key_01jx8k0a1b2c3d4e5f6g7h8j9k' },
  insights: {
    status: 'done',
    sentiment: {
      label: 'positive',
      confidence: 0.97,
      modelVersion: 'sentiment@1.0.0',
      variant: 'champion',
    },
    authenticity: { reasons: ['unverified'], score: 0.1, duplicateOf: [] },
    flags: [],
  },
  state: 'active',
  storedAt: '2026-06-21T09:30:01.004Z',
  version: 1,
};

export const reviewResponse = /* @__PURE__ */ lazy(() =>
  review().check(
    z.meta({
      id: 'Review',
      description: 'A stored review of the calling supplier.',
      examples: [REVIEW_EXAMPLE],
    }),
  ),
);

export const reviewPageResponse = /* @__PURE__ */ lazy(() =>
  pageOf(reviewResponse(), {
    id: 'ReviewPage',
    description: 'One page of reviews, newest first.',
    examples: [{ items: [REVIEW_EXAMPLE], nextCursor: 'eyJwayI6IlNVUFBMSUVSI3N1cF8xMjMifQ' }],
  }),
);

export const reviewSummaryResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      count: z
        .number()
        .check(
          z.int(),
          z.gte(0),
          z.describe('Reviews not removed on their platform, with or without stars.'),
        ),
      ratedCount: z
        .number()
        .check(z.int(), z.gte(0), z.describe('Reviews with stars: the average is over these alone.')),
      averageRating: z
        .nullable(z.number())
        .check(z.describe('Two decimals, over the rated reviews only; null without rated reviews.')),
      byRating: z.object({
        '1': z.number().check(z.int()),
        '2': z.number().check(z.int()),
        '3': z.number().check(z.int()),
        '4': z.number().check(z.int()),
        '5': z.number().check(z.int()),
      }),
      byPlatform: z.record(z.string(), z.number().check(z.int())),
      byRecommendation: z
        .object({ positive: z.number().check(z.int()), negative: z.number().check(z.int()) })
        .check(
          z.describe('Reviews without stars (Facebook recommendations), counted apart from the average.'),
        ),
      removedCount: z
        .number()
        .check(
          z.int(),
          z.describe('Reviews removed on their platform (kept and marked, counted nowhere else).'),
        ),
    })
    .check(
      z.meta({
        id: 'ReviewSummary',
        description: "The calling supplier's review counts.",
        examples: [
          {
            count: 4,
            ratedCount: 3,
            averageRating: 4.33,
            byRating: { '1': 0, '2': 0, '3': 1, '4': 0, '5': 2 },
            byPlatform: { google: 2, wedsync: 1, facebook: 1 },
            byRecommendation: { positive: 1, negative: 0 },
            removedCount: 0,
          },
        ],
      }),
    ),
);
