/**
 * Request and message schemas (zod), defined once: the API handler validates with them, the
 * worker re-validates queued messages with them; the route table (src/catalog/routes.ts) names
 * each route's body and query schema.
 */
import { z } from 'zod';
import { PLATFORMS, REVIEW_TEXT_LIMITS, type Platform } from '../../events';

export { PLATFORMS, type Platform };

export const LIMITS = {
  ...REVIEW_TEXT_LIMITS,
  email: 254,
  idempotencyKey: 200,
  listPage: 100,
} as const;

const trimmed = (max: number) => z.string().trim().min(1).max(max);
const isoDate = z.iso.date();

export const createReviewRequestBody = z.strictObject({
  coupleName: trimmed(LIMITS.name),
  email: z.email().max(LIMITS.email),
  weddingDate: isoDate,
  /** Days until the link expires (default 30, at most 180). */
  expiresInDays: z.number().int().min(1).max(180).optional(),
});
export type CreateReviewRequestBody = z.infer<typeof createReviewRequestBody>;

export const submitReviewBody = z
  .strictObject({
    rating: z.number().int().min(1).max(5),
    title: trimmed(LIMITS.title),
    body: trimmed(LIMITS.reviewBody),
    reviewerName: trimmed(LIMITS.name),
    platform: z.enum(PLATFORMS).optional(),
    externalId: trimmed(LIMITS.externalId).optional(),
    /** When the review was written, for imports from other platforms; defaults to receipt time. */
    submittedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((b) => (b.platform === undefined) === (b.externalId === undefined), {
    message: 'platform and externalId go together: give both or neither',
    path: ['externalId'],
  });
export type SubmitReviewBody = z.infer<typeof submitReviewBody>;

export const listReviewsQuery = z.strictObject({
  rating: z
    .string()
    .regex(/^[1-5]$/, 'an integer from 1 to 5')
    .transform(Number)
    .optional(),
  platform: z.enum(PLATFORMS).optional(),
  from: z.iso.datetime({ offset: true }).or(isoDate).optional(),
  to: z.iso.datetime({ offset: true }).or(isoDate).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(LIMITS.listPage))
    .optional(),
  cursor: z.string().max(2048).optional(),
});
export type ListReviewsQuery = z.infer<typeof listReviewsQuery>;

/** How a review reached us; it decides the natural key and whether the review is verified. */
export const reviewOrigin = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('review-request'), requestId: z.string().min(1) }),
  z.strictObject({ kind: z.literal('external'), platform: z.enum(PLATFORMS), externalId: z.string().min(1) }),
  z.strictObject({ kind: z.literal('idempotency-key'), key: z.string().min(1).max(LIMITS.idempotencyKey) }),
]);
export type ReviewOrigin = z.infer<typeof reviewOrigin>;

/** What the API (or a producer) puts on the ingest queue for one review. */
export const reviewSubmittedMessage = z.strictObject({
  type: z.literal('review.submitted'),
  version: z.literal(1),
  supplierId: z.string().min(1).max(64),
  reviewId: z.string().min(1).max(64),
  origin: reviewOrigin,
  actor: z.strictObject({ kind: z.enum(['couple', 'supplier', 'producer']), id: z.string().min(1) }),
  sourceHash: z.string().max(64).optional(),
  receivedAt: z.iso.datetime({ offset: true }),
  review: z.strictObject({
    rating: z.number().int().min(1).max(5),
    title: trimmed(LIMITS.title),
    body: trimmed(LIMITS.reviewBody),
    reviewerName: trimmed(LIMITS.name),
    platform: z.enum(PLATFORMS),
    submittedAt: z.iso.datetime({ offset: true }),
    /** The sender gave no submittedAt: it is the receipt time, and a resend does not change it. */
    submittedAtDefaulted: z.literal(true).optional(),
  }),
});
export type ReviewSubmittedMessage = z.infer<typeof reviewSubmittedMessage>;
