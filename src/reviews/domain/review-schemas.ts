/**
 * Request and message schemas (zod), defined once: the API handler validates with them, the
 * worker re-validates queued messages with them; the route table (src/catalog/routes.ts) names
 * each route's body and query schema.
 */
import * as z from 'zod';
import { PLATFORMS, REVIEW_TEXT_LIMITS, type Platform } from '../../events';
import { text } from '../../shared/text';

export { PLATFORMS, type Platform };

export const LIMITS = {
  ...REVIEW_TEXT_LIMITS,
  email: 254,
  idempotencyKey: 200,
  listPage: 100,
} as const;

/** Human text: the shared rules (no control characters, NFC, code-point lengths), trimmed. */
const trimmed = (max: number) => text({ max });
const isoDate = z.iso.date();

/**
 * `delivery: "email"` (the default): we e-mail the link to the couple; the supplier never sees
 * the token, and reviews made with it are verified. `delivery: "link"`: the supplier gets a
 * shareable link back; reviews made with it are never verified (ADR 0010).
 */
export const REVIEW_REQUEST_DELIVERIES = ['email', 'link'] as const;

export const createReviewRequestBody = z
  .strictObject({
    coupleName: trimmed(LIMITS.name),
    email: z.email().max(LIMITS.email).optional(),
    weddingDate: isoDate,
    /** Days until the link expires (default 30, at most 180). */
    expiresInDays: z.number().int().min(1).max(180).optional(),
    delivery: z.enum(REVIEW_REQUEST_DELIVERIES).optional(),
  })
  .refine((b) => b.email !== undefined || b.delivery === 'link', {
    message: "the couple's e-mail address is required (the review link is e-mailed to it)",
    path: ['email'],
  })
  .meta({
    examples: [
      { coupleName: 'Jo & Max', email: 'jo@example.com', weddingDate: '2026-06-20', expiresInDays: 30 },
      { coupleName: 'Sam & Alex', weddingDate: '2026-09-12', delivery: 'link' },
    ],
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
  })
  .meta({
    examples: [
      {
        rating: 5,
        title: 'Stunning flowers',
        body: 'Our bouquets were perfect.',
        reviewerName: 'Sam & Alex',
        platform: 'google',
        externalId: 'g-1',
      },
    ],
  });
export type SubmitReviewBody = z.infer<typeof submitReviewBody>;

const FIRST_INSTANT = '0000-01-01T00:00:00.000Z';
const LAST_INSTANT = '9999-12-31T23:59:59.999Z';

/**
 * A time bound of a review listing: an RFC 3339 date-time with any offset (`+05:00` is honoured),
 * or a date (a whole UTC day: `from` its first millisecond, `to` its last). Out comes the instant
 * as a UTC ISO string, the form reviews are stored under, so bounds compare as instants.
 */
const timeBound = (edge: 'start' | 'end') =>
  z.iso
    .datetime({ offset: true })
    .or(isoDate)
    .transform((value, ctx) => {
      const instant = isoDate.safeParse(value).success
        ? `${value}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`
        : new Date(value).toISOString();
      if (!/^\d{4}-/.test(instant)) {
        // An offset pushed the instant outside years 0000-9999: clamp (every review lies inside).
        return instant.startsWith('-') ? FIRST_INSTANT : LAST_INSTANT;
      }
      if (Number.isNaN(Date.parse(instant))) {
        ctx.issues.push({ code: 'custom', message: 'not a valid date or time', input: value });
        return z.NEVER;
      }
      return instant;
    });

export const listReviewsQuery = z
  .strictObject({
    rating: z
      .string()
      .regex(/^[1-5]$/, 'an integer from 1 to 5')
      .transform(Number)
      .optional()
      .describe('Only reviews with this star rating (1-5).'),
    platform: z.enum(PLATFORMS).optional().describe('Only reviews from this platform.'),
    recommendation: z
      .enum(['positive', 'negative'])
      .optional()
      .describe('Only reviews with this recommendation (Facebook: no stars, a recommendation instead).'),
    removed: z
      .enum(['exclude', 'include', 'only'])
      .optional()
      .describe(
        'Reviews removed on their platform: left out (exclude, the default), listed too (include), or alone (only).',
      ),
    from: timeBound('start')
      .optional()
      .describe(
        'Reviewed at or after this instant (ISO date-time with offset, or a date: its first UTC millisecond).',
      ),
    to: timeBound('end')
      .optional()
      .describe(
        'Reviewed at or before this instant (ISO date-time with offset, or a date: its last UTC millisecond).',
      ),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(LIMITS.listPage))
      .optional()
      .describe(`Page size, 1-${LIMITS.listPage} (default 25).`),
    cursor: z.string().max(2048).optional().describe('The nextCursor of the previous page.'),
  })
  .check((ctx) => {
    const { from, to } = ctx.value;
    if (from !== undefined && to !== undefined && from > to) {
      ctx.issues.push(
        { code: 'custom', path: ['from'], message: 'must not be after to', input: from },
        { code: 'custom', path: ['to'], message: 'must not be before from', input: to },
      );
    }
  });
export type ListReviewsQuery = z.infer<typeof listReviewsQuery>;

/**
 * How a review reached us; it decides the natural key and whether the review is verified. Only
 * `review-request` (the link we e-mailed to the couple) is verified; `review-link` is a shareable
 * link the supplier handed out.
 */
const externalOrigin = z.strictObject({
  kind: z.literal('external'),
  platform: z.enum(PLATFORMS),
  externalId: z.string().min(1),
});
export const reviewOrigin = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('review-request'), requestId: z.string().min(1) }),
  z.strictObject({ kind: z.literal('review-link'), requestId: z.string().min(1) }),
  externalOrigin,
  z.strictObject({ kind: z.literal('idempotency-key'), key: z.string().min(1).max(LIMITS.idempotencyKey) }),
]);
export type ReviewOrigin = z.infer<typeof reviewOrigin>;

/** A Facebook recommendation: replaces stars (positive or negative), the rating then stays empty. */
export const RECOMMENDATIONS = ['positive', 'negative'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/**
 * Which platform connection and location a synced review came from (the reply goes back
 * through them); absent for reviews that came in any other way.
 */
export const reviewConnection = z.strictObject({
  connectionId: z.string().min(1).max(128),
  locationId: z.string().min(1).max(512),
});
export type ReviewConnection = z.infer<typeof reviewConnection>;

/** Reply sources a message may report (our API's own replies are recorded by the reply worker). */
export const OBSERVED_REPLY_SOURCES = ['platform', 'import'] as const;

/**
 * The business's reply as the review's source shows it: the platform (a sync) or an import file.
 * `null`: the platform says there is none (only platforms whose listing reports replies say so);
 * the field absent: the source says nothing about replies (Yelp, Facebook, producers, our API).
 */
export const observedReplySchema = z
  .strictObject({
    source: z.enum(OBSERVED_REPLY_SOURCES),
    comment: text({ max: LIMITS.reviewBody }),
    /** The platform's time of the reply (Google `updateTime`), or the import's reply date. */
    repliedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .nullable();
export type ObservedReplyMessage = z.infer<typeof observedReplySchema>;

/**
 * What the API (or a producer, or the platform sync) puts on the ingest queue for one review.
 * Version 1 grew compatibly for platform reviews: `rating` may be absent when a `recommendation`
 * replaces it (only for an `external` origin: our own API and review links still require stars),
 * `body` may be empty (rating-only reviews), `excerpt` marks a truncated text (Yelp), `versionAt`
 * is the platform's edit time (it orders versions, ADR 0009), `connection` names the platform
 * connection the review was synced from, and `reply` is the business's reply the platform (or an
 * import file) shows.
 */
export const reviewSubmittedMessage = z
  .strictObject({
    type: z.literal('review.submitted'),
    version: z.literal(1),
    supplierId: z.string().min(1).max(64),
    reviewId: z.string().min(1).max(64),
    origin: reviewOrigin,
    actor: z.strictObject({ kind: z.enum(['couple', 'supplier', 'producer']), id: z.string().min(1) }),
    sourceHash: z.string().max(64).optional(),
    /** The API request (or sync) this message came from: logs and `cli trace` follow it. */
    correlationId: z
      .string()
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/)
      .optional(),
    receivedAt: z.iso.datetime({ offset: true }),
    /** When the source asserted this version (the platform's updatedAt); defaults to receivedAt. */
    versionAt: z.iso.datetime({ offset: true }).optional(),
    connection: reviewConnection.optional(),
    /** The reply the source shows (see observedReplySchema); merged by domain/review-replies.ts. */
    reply: observedReplySchema.optional(),
    review: z.strictObject({
      rating: z.number().int().min(1).max(5).optional(),
      recommendation: z.enum(RECOMMENDATIONS).optional(),
      title: trimmed(LIMITS.title),
      body: text({ max: LIMITS.reviewBody, min: 0 }),
      reviewerName: trimmed(LIMITS.name),
      platform: z.enum(PLATFORMS),
      submittedAt: z.iso.datetime({ offset: true }),
      /** The sender gave no submittedAt: it is the receipt time, and a resend does not change it. */
      submittedAtDefaulted: z.literal(true).optional(),
      /** The platform gives a truncated excerpt (Yelp), not the whole review. */
      excerpt: z.literal(true).optional(),
    }),
  })
  .check((ctx) => {
    const { origin, review } = ctx.value;
    const issue = (path: (string | number)[], message: string) =>
      ctx.issues.push({ code: 'custom', path, message, input: ctx.value });
    if (origin.kind !== 'external') {
      if (review.rating === undefined) issue(['review', 'rating'], 'required (stars 1-5)');
      if (review.recommendation !== undefined) {
        issue(['review', 'recommendation'], 'only reviews from an external platform carry one');
      }
      if (review.body.length === 0) issue(['review', 'body'], 'must not be empty');
    } else if (review.rating === undefined && review.recommendation === undefined) {
      issue(['review', 'rating'], 'a rating or a recommendation is required');
    }
  });
export type ReviewSubmittedMessage = z.infer<typeof reviewSubmittedMessage>;

/**
 * The platform no longer has the review (deleted by its author or by moderation). Only reviews
 * from an external platform can be removed; the stored review is kept and marked removed.
 * `removedAt` is when the platform was seen without it (the sync's observation time).
 */
export const reviewRemovedMessage = z.strictObject({
  type: z.literal('review.removed'),
  version: z.literal(1),
  supplierId: z.string().min(1).max(64),
  reviewId: z.string().min(1).max(64),
  origin: externalOrigin,
  actor: z.strictObject({ kind: z.enum(['supplier', 'producer']), id: z.string().min(1) }),
  receivedAt: z.iso.datetime({ offset: true }),
  removedAt: z.iso.datetime({ offset: true }),
  connection: reviewConnection.optional(),
});
export type ReviewRemovedMessage = z.infer<typeof reviewRemovedMessage>;
