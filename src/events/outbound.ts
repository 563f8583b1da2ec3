/**
 * Outbound event catalogue: what webhooks deliver, one zod schema per type for `data`.
 * Consumers must ignore fields they do not know: fields may be added within a type without notice;
 * removing or changing one means a new type.
 *
 * Each type's schema is built the first time it is used (`lazyRecord`, ADR 0022 fifth round):
 * the API checks subscriptions by type name alone, and a worker builds only the types it emits.
 */
import * as z from '../shared/zod';
import {
  budgetCategory,
  calendarDate,
  currency,
  dateTime,
  decimalString,
  externalRef,
  platform,
  rating,
} from './common';
import { DATA_CONTENT_TYPE, DEFAULT_OUTBOUND_SOURCE, SPEC_VERSION, envelopeSchema } from './envelope';
import type { CloudEventAttributes } from './envelope';
import { helperShift } from './inbound';
import { FLAG_REASON_CODES } from '../models';
import { lazyRecord } from '../shared/lazy';
import type { OutboundEventType } from './outbound-types';

export { OUTBOUND_EVENT_TYPES, isOutboundEventType, type OutboundEventType } from './outbound-types';

const reviewId = () => z.string().check(z.minLength(1), z.maxLength(64), z.describe('Our id of the review.'));

/** Stars, or null when the platform gives none (a Facebook recommendation replaces them). */
const ratingOrNone = () =>
  z
    .nullable(rating())
    .check(
      z.describe(
        'Stars 1-5; null when the platform gives none (then `recommendation` says positive or negative).',
      ),
    );
const recommendation = () =>
  z
    .optional(z.enum(['positive', 'negative']))
    .check(z.describe('Facebook: recommends the supplier or not, instead of stars (present only then).'));

const reviewFacts = () => ({
  reviewId: reviewId(),
  supplierId: externalRef(),
  platform: platform(),
  rating: ratingOrNone(),
  recommendation: recommendation(),
  excerpt: z
    .optional(z.literal(true))
    .check(z.describe('The platform gives a truncated excerpt (Yelp), not the whole review.')),
  title: z.string(),
  verified: z.boolean().check(z.describe('Arrived through a review request sent by the supplier.')),
  reviewedAt: dateTime().check(z.describe('When the reviewer wrote it (UTC).')),
});

const reviewReceivedData = () => z.object({ ...reviewFacts() });

const reviewNegativeData = () =>
  z.object({
    ...reviewFacts(),
    reasons: z
      .optional(z.array(z.enum(['low-rating', 'negative-sentiment'])).check(z.minLength(1)))
      .check(
        z.describe(
          'Why the review counts as negative (a rating of 2 or less or a negative recommendation, or the sentiment model).',
        ),
      ),
    sentimentScore: z
      .optional(z.number().check(z.gte(-1), z.lte(1)))
      .check(z.describe('-1 (very negative) .. 1 (very positive).')),
  });

const reviewUpdatedData = () =>
  z.object({
    ...reviewFacts(),
    version: z
      .number()
      .check(
        z.int(),
        z.gte(2),
        z.describe('The version the edit produced (the first stored version is 1; +1 per applied edit).'),
      ),
    changedFields: z
      .array(
        z.enum([
          'rating',
          'title',
          'body',
          'reviewerName',
          'platform',
          'reviewedAt',
          'recommendation',
          'excerpt',
        ]),
      )
      .check(z.minLength(1), z.describe('What the edit changed.')),
    previousRating: z
      .nullable(rating())
      .check(
        z.describe('The rating before the edit (summary counters moved from it); null when it had no stars.'),
      ),
    previousRecommendation: recommendation().check(
      z.describe('The recommendation before the edit, if it had one.'),
    ),
    updatedAt: dateTime().check(z.describe('When the edit was stored.')),
  });

const reviewRemovedData = () =>
  z.object({
    ...reviewFacts(),
    version: z.number().check(z.int(), z.gte(2), z.describe('The version the removal produced.')),
    removedAt: dateTime().check(z.describe('When the platform was seen without the review.')),
  });

const replyFacts = () => ({
  reviewId: reviewId(),
  supplierId: externalRef(),
  platform: platform(),
  action: z
    .enum(['reply', 'delete-reply'])
    .check(z.describe('Publish (or replace) the reply, or delete it.')),
  requestedAt: dateTime().check(z.describe('When the supplier asked for it.')),
});

const reviewRepliedData = () =>
  z.object({
    ...replyFacts(),
    state: z
      .enum(['published', 'pending'])
      .check(z.describe('published; pending when the platform moderates replies before showing them.')),
    repliedAt: dateTime().check(z.describe('When the platform took the reply (or its deletion).')),
  });

const reviewReplyFailedData = () =>
  z.object({
    ...replyFacts(),
    failure: z
      .enum(['permanent', 'unsupported', 'reauth-required', 'not-connected'])
      .check(
        z.describe(
          'permanent: the platform refused it as sent; unsupported: the platform offers no replies; reauth-required: the connection must be made again; not-connected: no usable connection.',
        ),
      ),
    reason: z.string().check(z.maxLength(500), z.describe('What the platform (or we) said.')),
    failedAt: dateTime(),
  });

const reviewFlaggedData = () =>
  z.object({
    reviewId: reviewId(),
    supplierId: externalRef(),
    platform: platform(),
    rating: ratingOrNone(),
    reasons: z
      .array(z.enum(FLAG_REASON_CODES))
      .check(
        z.minLength(1),
        z.describe(
          'Why the review looks doubtful: contact details or links in the text, a near-duplicate of a recent review, a burst from one source, or a rating that contradicts the text.',
        ),
      ),
    authenticityScore: z
      .number()
      .check(z.gte(0), z.lte(1), z.describe('Suspicion from all signals together (0 = none).')),
    sentiment: z
      .nullable(
        z.object({
          label: z.string(),
          confidence: z.number().check(z.gte(0), z.lte(1)),
          modelVersion: z.string(),
          variant: z.string(),
        }),
      )
      .check(z.describe('What the sentiment model said of the text, when it ran.')),
    flaggedAt: dateTime(),
  });

const reviewPublishedData = () =>
  z.object({
    reviewId: reviewId(),
    supplierId: externalRef(),
    platform: platform(),
    rating: rating(),
    publishedAt: dateTime(),
  });

const helperScheduleUpdatedOutData = () =>
  z.object({
    supplierId: externalRef(),
    helperId: externalRef(),
    weddingId: externalRef(),
    shifts: z.array(helperShift()),
    updatedAt: dateTime(),
  });

const budgetExpenseRecordedOutData = () =>
  z.object({
    coupleId: externalRef(),
    weddingId: externalRef(),
    expenseId: externalRef(),
    amount: decimalString(),
    currency: currency(),
    description: z.string(),
    date: calendarDate(),
    category: z.optional(budgetCategory()),
    recordedAt: dateTime(),
  });

const budgetExpenseCategorizedData = () =>
  z.object({
    coupleId: externalRef(),
    weddingId: externalRef(),
    expenseId: externalRef(),
    category: budgetCategory(),
    source: z
      .enum(['producer', 'model'])
      .check(z.describe('Given by the producer, or assigned by the expense model.')),
    confidence: z
      .optional(z.number().check(z.gte(0), z.lte(1)))
      .check(z.describe('Model confidence (source "model" only).')),
    candidates: z
      .optional(
        z
          .array(z.object({ label: budgetCategory(), confidence: z.number().check(z.gte(0), z.lte(1)) }))
          .check(z.maxLength(3)),
      )
      .check(
        z.describe('The three best categories when the model was not confident enough and said "other".'),
      ),
    modelVersion: z
      .optional(z.string())
      .check(z.describe('The expense model version and its A/B variant (source "model" only).')),
    variant: z.optional(z.string()),
    categorizedAt: dateTime(),
  });

const budgetThresholdExceededData = () =>
  z.object({
    coupleId: externalRef(),
    weddingId: externalRef(),
    category: budgetCategory(),
    thresholdPercent: z.union([z.literal(80), z.literal(100)]),
    allocation: decimalString().check(z.describe('The allocation in force when the threshold was crossed.')),
    spent: decimalString().check(z.describe('Total spent in the category, this expense included.')),
    currency: currency(),
    allocationVersion: z
      .number()
      .check(z.int(), z.gte(1), z.describe('Increases every time the allocation changes.')),
    triggeredBy: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('expense'), expenseId: externalRef() }),
      z.object({ kind: z.literal('allocation-change') }),
    ]),
    exceededAt: dateTime(),
  });

const endpointDisabledData = () =>
  z.object({
    endpointId: z.string().check(z.minLength(1), z.maxLength(64)),
    url: z.url(),
    reason: z
      .enum(['gone', 'failing', 'manual'])
      .check(
        z.describe(
          'gone: the endpoint answered 410; failing: no successful delivery for 5 days; manual: by its owner.',
        ),
      ),
    disabledAt: dateTime(),
    failingSince: z.optional(dateTime()),
    lastStatusCode: z.optional(z.number().check(z.int(), z.gte(100), z.lte(599))),
  });

/** Data subject erasure (issue 9): ids only, never the person's address or name. */
const privacyErasureRequestedData = () =>
  z.object({
    erasureId: z
      .string()
      .check(
        z.regex(/^era_[0-9a-f]{26}$/),
        z.describe('The erasure (the same for every supplier it concerns).'),
      ),
    supplierId: externalRef(),
    reviewIds: z
      .array(reviewId())
      .check(
        z.describe(
          'Your reviews now anonymised here: erase the reviewer’s name (and text, if textErased) in your copies.',
        ),
      ),
    reviewRequestIds: z
      .array(z.string().check(z.minLength(1), z.maxLength(64)))
      .check(
        z.describe(
          'Your review requests to the person, now deleted (they held the couple’s name and address).',
        ),
      ),
    textErased: z
      .boolean()
      .check(z.describe("The reviews' title and text were erased too, not only the reviewer's name.")),
    requestedAt: dateTime().check(z.describe('When the person’s erasure was requested.')),
  });

// Model rollout (issue 13, ADR 0026): a retrained model promoted from canary, or rolled back.
const modelVersionRef = () =>
  z
    .string()
    .check(
      z.regex(/^[a-z-]+@\d+\.\d+\.\d+$/),
      z.describe("`<task>@<version>`, as in each review's `insights.sentiment.modelVersion`."),
    );
const variantWindow = () =>
  z
    .object({
      predictions: z.number().check(z.int(), z.gte(0)),
      driftScore: z
        .number()
        .check(z.gte(0), z.describe('PSI against the training reference (per sentence for sentiment).')),
      rated: z
        .number()
        .check(z.int(), z.gte(0), z.describe('Predictions of reviews rated 1-2 or 4-5 stars.')),
      agreement: z
        .nullable(z.number().check(z.gte(0), z.lte(1)))
        .check(z.describe('Agreement with the star ratings; null without rated ones.')),
    })
    .check(z.describe('What the shared statistics showed for the variant since the canary started.'));
const modelRolloutData = () =>
  z.object({
    task: z.enum(['sentiment']),
    modelVersion: modelVersionRef().check(z.describe('The retrained model the act is about (the canary).')),
    previousModelVersion: modelVersionRef().check(
      z.describe('The model that served as the control during the canary.'),
    ),
    servingModelVersion: modelVersionRef().check(z.describe('The model now serving all traffic.')),
    revision: z
      .number()
      .check(z.int(), z.gte(1), z.describe('Revision of the active model configuration after the act.')),
    reason: z.string().check(z.maxLength(300)),
    canaryShare: z.number().check(z.gt(0), z.lt(1), z.describe('Share of reviews the canary served.')),
    canaryStartedAt: dateTime(),
    canary: variantWindow(),
    control: variantWindow(),
  });

// One schema builder for every outbound type (./outbound-types.ts) and no other.
export const OUTBOUND_DATA_SCHEMAS = /* @__PURE__ */ lazyRecord({
  'review.received': reviewReceivedData,
  'review.negative': reviewNegativeData,
  'review.updated': reviewUpdatedData,
  'review.flagged': reviewFlaggedData,
  'review.published': reviewPublishedData,
  'review.removed': reviewRemovedData,
  'review.replied': reviewRepliedData,
  'review.reply_failed': reviewReplyFailedData,
  'helper.schedule.updated': helperScheduleUpdatedOutData,
  'budget.expense.recorded': budgetExpenseRecordedOutData,
  'budget.expense.categorized': budgetExpenseCategorizedData,
  'budget.threshold.exceeded': budgetThresholdExceededData,
  'endpoint.disabled': endpointDisabledData,
  'privacy.erasure_requested': privacyErasureRequestedData,
  // Model rollout (issue 13, ADR 0026)
  'model.promoted': modelRolloutData,
  'model.rolled_back': modelRolloutData,
} satisfies Record<OutboundEventType, () => z.ZodMiniType>);

export const OUTBOUND_DESCRIPTIONS: Record<OutboundEventType, string> = {
  'review.received': 'A review was stored (every review, once).',
  'review.negative':
    'A stored review is negative (rating of 2 or less, or a negative recommendation; also when an edit made it so).',
  'review.updated':
    'A stored review was edited: a re-import or producer event with the same natural key and newer content (the latest version is kept; identical re-imports raise nothing).',
  'review.flagged':
    'The models found reasons to doubt a review (links or contact details, near-duplicate, burst, rating contradicting the text).',
  'review.published':
    'Reserved: a review became publicly visible (not emitted yet: there is no publishing workflow).',
  'review.removed':
    'A review synced from a platform was removed there: it is kept, marked removed, and left out of summaries and default lists (once per review).',
  'review.replied': "The supplier's reply (or its deletion) reached the review's platform.",
  'review.reply_failed':
    "The supplier's reply (or its deletion) could not be made on the platform, and will not be retried.",
  'helper.schedule.updated': "A helper's schedule for a wedding changed.",
  'budget.expense.recorded': 'An expense was recorded in a budget.',
  'budget.expense.categorized': 'An expense got its category (from the producer or the expense model).',
  'budget.threshold.exceeded': "A category's spending reached 80 % or 100 % of its allocation.",
  'endpoint.disabled': 'One of your webhook endpoints was disabled.',
  'privacy.erasure_requested':
    'A person asked for their data to be erased (GDPR / CCPA): we have anonymised their reviews and deleted their review requests; erase them in your own copies (ids only, no personal data).',
  'model.promoted':
    "A retrained model kept up with the current one on its canary share and now serves all reviews (WedSync app's endpoints only).",
  'model.rolled_back':
    "A retrained model's canary was taken out of service (its alarms would fire, or it fell behind); the previous model serves all reviews (WedSync app's endpoints only).",
};

export type OutboundData<T extends OutboundEventType> = z.output<(typeof OUTBOUND_DATA_SCHEMAS)[T]>;

export type OutboundEvent<T extends OutboundEventType = OutboundEventType> = {
  [K in T]: CloudEventAttributes & { readonly type: K; readonly data: OutboundData<K> };
}[T];

export function outboundEnvelopeSchema<T extends OutboundEventType>(type: T) {
  return envelopeSchema(type, OUTBOUND_DATA_SCHEMAS[type]);
}

export interface BuildOutboundEventInput<T extends OutboundEventType> {
  /** Event id: also the `webhook-id`, the same on every retry. No `.` or whitespace. */
  readonly id: string;
  readonly type: T;
  readonly time: string;
  readonly subject?: string;
  readonly data: OutboundData<T>;
  readonly source?: string;
}

/** A validated outbound envelope; throws a ZodError when `data` does not match the type's schema. */
export function buildOutboundEvent<T extends OutboundEventType>(
  input: BuildOutboundEventInput<T>,
): OutboundEvent<T> {
  const envelope = {
    specversion: SPEC_VERSION,
    id: input.id,
    source: input.source ?? DEFAULT_OUTBOUND_SOURCE,
    type: input.type,
    time: input.time,
    ...(input.subject !== undefined ? { subject: input.subject } : {}),
    datacontenttype: DATA_CONTENT_TYPE,
    data: input.data,
  };
  // zod's inferred output (literal type, catchall) is structurally the same as OutboundEvent<T>,
  // but TypeScript cannot relate the two through the generic T.
  return outboundEnvelopeSchema(input.type).parse(envelope) as unknown as OutboundEvent<T>;
}

/** The exact webhook request body for an event (serialise once; sign and send these bytes). */
export function serializeOutboundEvent(event: OutboundEvent): string {
  return JSON.stringify(event);
}
