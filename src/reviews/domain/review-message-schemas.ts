/**
 * The schemas of the messages on the ingest queue (review.submitted, review.removed) and what
 * they share with the requests (limits, origin, platform connection), defined once: the API
 * checks what it queues with them, the platform sync what it sends, the ingest worker re-validates
 * what it receives. The API's request schemas are in review-schemas.ts, which re-exports these:
 * a function that only sends or reads messages does not build the request schemas at load
 * (ADR 0022, eighth round).
 */
import * as z from '../../shared/zod';
import { PLATFORMS, REVIEW_TEXT_LIMITS, type Platform } from '../../events';
import { lazy } from '../../shared/lazy';
import { text } from '../../shared/text';

export { PLATFORMS, type Platform };

export const LIMITS = {
  ...REVIEW_TEXT_LIMITS,
  email: 254,
  idempotencyKey: 200,
  listPage: 100,
} as const;

/** Human text: the shared rules (no control characters, NFC, code-point lengths), trimmed. */
export const trimmed = (max: number) => text({ max });

/*
 * The schemas below are built on first use (ADR 0022, eighth round): a function that loads this
 * module to read LIMITS or a type builds none of them, and one that sends or reads one kind of
 * message builds that one (and the parts it shares, once: reviewOrigin() is the same instance in
 * the message and in the API's review answer).
 */

/**
 * How a review reached us; it decides the natural key and whether the review is verified. Only
 * `review-request` (the link we e-mailed to the couple) is verified; `review-link` is a shareable
 * link the supplier handed out.
 */
const externalOrigin = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    kind: z.literal('external'),
    platform: z.enum(PLATFORMS),
    externalId: z.string().check(z.minLength(1)),
  }),
);
export const reviewOrigin = /* @__PURE__ */ lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('review-request'), requestId: z.string().check(z.minLength(1)) }),
    z.strictObject({ kind: z.literal('review-link'), requestId: z.string().check(z.minLength(1)) }),
    externalOrigin(),
    z.strictObject({
      kind: z.literal('idempotency-key'),
      key: z.string().check(z.minLength(1), z.maxLength(LIMITS.idempotencyKey)),
    }),
  ]),
);
export type ReviewOrigin = z.infer<ReturnType<typeof reviewOrigin>>;

/** A Facebook recommendation: replaces stars (positive or negative), the rating then stays empty. */
export const RECOMMENDATIONS = ['positive', 'negative'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/**
 * Which platform connection and location a synced review came from (the reply goes back
 * through them); absent for reviews that came in any other way.
 */
export const reviewConnection = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    connectionId: z.string().check(z.minLength(1), z.maxLength(128)),
    locationId: z.string().check(z.minLength(1), z.maxLength(512)),
  }),
);
export type ReviewConnection = z.infer<ReturnType<typeof reviewConnection>>;

/** Reply sources a message may report (our API's own replies are recorded by the reply worker). */
export const OBSERVED_REPLY_SOURCES = ['platform', 'import'] as const;

/**
 * The business's reply as the review's source shows it: the platform (a sync) or an import file.
 * `null`: the platform says there is none (only platforms whose listing reports replies say so);
 * the field absent: the source says nothing about replies (Yelp, Facebook, producers, our API).
 */
export const observedReplySchema = /* @__PURE__ */ lazy(() =>
  z.nullable(
    z.strictObject({
      source: z.enum(OBSERVED_REPLY_SOURCES),
      comment: text({ max: LIMITS.reviewBody }),
      /** The platform's time of the reply (Google `updateTime`), or the import's reply date. */
      repliedAt: z.optional(z.iso.datetime({ offset: true })),
    }),
  ),
);
export type ObservedReplyMessage = z.infer<ReturnType<typeof observedReplySchema>>;

/**
 * What the API (or a producer, or the platform sync) puts on the ingest queue for one review.
 * Version 1 grew compatibly for platform reviews: `rating` may be absent when a `recommendation`
 * replaces it (only for an `external` origin: our own API and review links still require stars),
 * `body` may be empty (rating-only reviews), `excerpt` marks a truncated text (Yelp), `versionAt`
 * is the platform's edit time (it orders versions, ADR 0009), `connection` names the platform
 * connection the review was synced from, and `reply` is the business's reply the platform (or an
 * import file) shows.
 */
export const reviewSubmittedMessage = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      type: z.literal('review.submitted'),
      version: z.literal(1),
      supplierId: z.string().check(z.minLength(1), z.maxLength(64)),
      reviewId: z.string().check(z.minLength(1), z.maxLength(64)),
      origin: reviewOrigin(),
      actor: z.strictObject({
        kind: z.enum(['couple', 'supplier', 'producer']),
        id: z.string().check(z.minLength(1)),
      }),
      sourceHash: z.optional(z.string().check(z.maxLength(64))),
      /** The API request (or sync) this message came from: logs and `cli trace` follow it. */
      correlationId: z.optional(z.string().check(z.maxLength(128), z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/))),
      receivedAt: z.iso.datetime({ offset: true }),
      /** When the source asserted this version (the platform's updatedAt); defaults to receivedAt. */
      versionAt: z.optional(z.iso.datetime({ offset: true })),
      connection: z.optional(reviewConnection()),
      /** The reply the source shows (see observedReplySchema); merged by domain/review-replies.ts. */
      reply: z.optional(observedReplySchema()),
      review: z.strictObject({
        rating: z.optional(z.number().check(z.int(), z.gte(1), z.lte(5))),
        recommendation: z.optional(z.enum(RECOMMENDATIONS)),
        title: trimmed(LIMITS.title),
        body: text({ max: LIMITS.reviewBody, min: 0 }),
        reviewerName: trimmed(LIMITS.name),
        platform: z.enum(PLATFORMS),
        submittedAt: z.iso.datetime({ offset: true }),
        /** The sender gave no submittedAt: it is the receipt time, and a resend does not change it. */
        submittedAtDefaulted: z.optional(z.literal(true)),
        /** The platform gives a truncated excerpt (Yelp), not the whole review. */
        excerpt: z.optional(z.literal(true)),
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
    }),
);
export type ReviewSubmittedMessage = z.infer<ReturnType<typeof reviewSubmittedMessage>>;

/**
 * The platform no longer has the review (deleted by its author or by moderation). Only reviews
 * from an external platform can be removed; the stored review is kept and marked removed.
 * `removedAt` is when the platform was seen without it (the sync's observation time).
 */
export const reviewRemovedMessage = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    type: z.literal('review.removed'),
    version: z.literal(1),
    supplierId: z.string().check(z.minLength(1), z.maxLength(64)),
    reviewId: z.string().check(z.minLength(1), z.maxLength(64)),
    origin: externalOrigin(),
    actor: z.strictObject({ kind: z.enum(['supplier', 'producer']), id: z.string().check(z.minLength(1)) }),
    receivedAt: z.iso.datetime({ offset: true }),
    removedAt: z.iso.datetime({ offset: true }),
    connection: z.optional(reviewConnection()),
  }),
);
export type ReviewRemovedMessage = z.infer<ReturnType<typeof reviewRemovedMessage>>;
