/**
 * The review routes' request schemas (zod), defined once: the API handler validates with them;
 * the route table (src/catalog/routes.ts) names each route's body and query schema. The message
 * schemas, which the workers use too, are in review-message-schemas.ts (re-exported here), so that
 * a worker does not build these at load (ADR 0022, eighth round). Each is built on first use
 * (`submitReviewBody()`), so that the API function does not build them at load either (twelfth round).
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { pageSizeParameter } from '../../shared/page-size';
import { fromNotAfterTo } from '../../shared/time-range-page';
import { LIMITS, PLATFORMS, trimmed } from './review-message-schemas';

export * from './review-message-schemas';

const isoDate = /* @__PURE__ */ lazy(() => z.iso.date());

/**
 * `delivery: "email"` (the default): we e-mail the link to the couple; the supplier never sees
 * the token, and reviews made with it are verified. `delivery: "link"`: the supplier gets a
 * shareable link back; reviews made with it are never verified (ADR 0010).
 */
export const REVIEW_REQUEST_DELIVERIES = ['email', 'link'] as const;

export const createReviewRequestBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      coupleName: trimmed(LIMITS.name),
      email: z.optional(z.email().check(z.maxLength(LIMITS.email))),
      weddingDate: isoDate(),
      /** Days until the link expires (default 30, at most 180). */
      expiresInDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(180))),
      delivery: z.optional(z.enum(REVIEW_REQUEST_DELIVERIES)),
    })
    .check(
      z.refine((b) => b.email !== undefined || b.delivery === 'link', {
        message: "the couple's e-mail address is required (the review link is e-mailed to it)",
        path: ['email'],
      }),
      z.meta({
        examples: [
          { coupleName: 'Jo & Max', email: 'jo@example.com', weddingDate: '2026-06-20', expiresInDays: 30 },
          { coupleName: 'Sam & Alex', weddingDate: '2026-09-12', delivery: 'link' },
        ],
      }),
    ),
);
export type CreateReviewRequestBody = z.infer<ReturnType<typeof createReviewRequestBody>>;

export const submitReviewBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      rating: z.number().check(z.int(), z.gte(1), z.lte(5)),
      title: trimmed(LIMITS.title),
      body: trimmed(LIMITS.reviewBody),
      reviewerName: trimmed(LIMITS.name),
      platform: z.optional(z.enum(PLATFORMS)),
      externalId: z.optional(trimmed(LIMITS.externalId)),
      /** When the review was written, for imports from other platforms; defaults to receipt time. */
      submittedAt: z.optional(z.iso.datetime({ offset: true })),
    })
    .check(
      z.refine((b) => (b.platform === undefined) === (b.externalId === undefined), {
        message: 'platform and externalId go together: give both or neither',
        path: ['externalId'],
      }),
      z.meta({
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
      }),
    ),
);
export type SubmitReviewBody = z.infer<ReturnType<typeof submitReviewBody>>;

const FIRST_INSTANT = '0000-01-01T00:00:00.000Z';
const LAST_INSTANT = '9999-12-31T23:59:59.999Z';

/**
 * A time bound of a review listing: an RFC 3339 date-time with any offset (`+05:00` is honoured),
 * or a date (a whole UTC day: `from` its first millisecond, `to` its last). Out comes the instant
 * as a UTC ISO string, the form reviews are stored under, so bounds compare as instants.
 */
const timeBound = (edge: 'start' | 'end') =>
  z.pipe(
    z.union([z.iso.datetime({ offset: true }), isoDate()]),
    z.transform((value, ctx) => {
      const instant = isoDate().safeParse(value).success
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
    }),
  );

export const listReviewsQuery = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      rating: z
        .optional(z.pipe(z.string().check(z.regex(/^[1-5]$/, 'an integer from 1 to 5')), z.transform(Number)))
        .check(z.describe('Only reviews with this star rating (1-5).')),
      platform: z.optional(z.enum(PLATFORMS)).check(z.describe('Only reviews from this platform.')),
      recommendation: z
        .optional(z.enum(['positive', 'negative']))
        .check(
          z.describe('Only reviews with this recommendation (Facebook: no stars, a recommendation instead).'),
        ),
      removed: z
        .optional(z.enum(['exclude', 'include', 'only']))
        .check(
          z.describe(
            'Reviews removed on their platform: left out (exclude, the default), listed too (include), or alone (only).',
          ),
        ),
      from: z
        .optional(timeBound('start'))
        .check(
          z.describe(
            'Reviewed at or after this instant (ISO date-time with offset, or a date: its first UTC millisecond).',
          ),
        ),
      to: z
        .optional(timeBound('end'))
        .check(
          z.describe(
            'Reviewed at or before this instant (ISO date-time with offset, or a date: its last UTC millisecond).',
          ),
        ),
      limit: z
        .optional(pageSizeParameter(LIMITS.listPage))
        .check(z.describe(`Page size, 1-${LIMITS.listPage} (default 25).`)),
      cursor: z
        .optional(z.string().check(z.maxLength(2048)))
        .check(z.describe('The nextCursor of the previous page.')),
    })
    .check(fromNotAfterTo),
);
export type ListReviewsQuery = z.infer<ReturnType<typeof listReviewsQuery>>;
