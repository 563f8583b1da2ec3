/**
 * Request and message schemas (zod), defined once: the API handler validates with them, the
 * worker re-validates queued messages with them, and the CDK stack derives API Gateway request
 * models from REQUEST_BODY_SCHEMAS.
 */
import { z } from 'zod';
import type { OperationId } from '../../catalog/routes';
import {
  createWebhookEndpointBody,
  replayWebhookEventsBody,
  updateWebhookEndpointBody,
} from '../../webhooks/domain/webhook-schemas';

export const PLATFORMS = [
  'wedsync',
  'google',
  'facebook',
  'weddingwire',
  'theknot',
  'bridebook',
  'hitched',
  'yelp',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const LIMITS = {
  bodyBytes: 64 * 1024,
  title: 200,
  reviewBody: 10_000,
  name: 120,
  email: 254,
  externalId: 200,
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

export const REQUEST_BODY_SCHEMAS: Partial<Record<OperationId, z.ZodType>> = {
  createReviewRequest: createReviewRequestBody,
  submitReview: submitReviewBody,
  createWebhookEndpoint: createWebhookEndpointBody,
  updateWebhookEndpoint: updateWebhookEndpointBody,
  replayWebhookEvents: replayWebhookEventsBody,
};

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
  }),
});
export type ReviewSubmittedMessage = z.infer<typeof reviewSubmittedMessage>;

/** zod issues -> RFC 9457 field errors with dotted paths. */
export function fieldErrors(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...issue.path, key].join('.'),
        message: 'unknown field',
      }));
    }
    const path = issue.path.map(String).join('.') || '(body)';
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message;
    return [{ path, message }];
  });
}
