/**
 * Outbound event catalogue: what webhooks deliver, one zod schema per type for `data`.
 * Consumers must ignore fields they do not know: fields may be added within a type without notice;
 * removing or changing one means a new type.
 *
 * Each type's schema is built the first time it is used (`lazyRecord`, ADR 0022 fifth round):
 * the API checks subscriptions by type name alone, and a worker builds only the types it emits.
 */
import * as z from 'zod';
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

const reviewId = () => z.string().min(1).max(64).describe('Our id of the review.');

/** Stars, or null when the platform gives none (a Facebook recommendation replaces them). */
const ratingOrNone = () =>
  rating()
    .nullable()
    .describe(
      'Stars 1-5; null when the platform gives none (then `recommendation` says positive or negative).',
    );
const recommendation = () =>
  z
    .enum(['positive', 'negative'])
    .optional()
    .describe('Facebook: recommends the supplier or not, instead of stars (present only then).');

const reviewFacts = () => ({
  reviewId: reviewId(),
  supplierId: externalRef(),
  platform: platform(),
  rating: ratingOrNone(),
  recommendation: recommendation(),
  excerpt: z
    .literal(true)
    .optional()
    .describe('The platform gives a truncated excerpt (Yelp), not the whole review.'),
  title: z.string(),
  verified: z.boolean().describe('Arrived through a review request sent by the supplier.'),
  reviewedAt: dateTime().describe('When the reviewer wrote it (UTC).'),
});

const reviewReceivedData = () => z.object({ ...reviewFacts() });

const reviewNegativeData = () =>
  z.object({
    ...reviewFacts(),
    reasons: z
      .array(z.enum(['low-rating', 'negative-sentiment']))
      .min(1)
      .optional()
      .describe(
        'Why the review counts as negative (a rating of 2 or less or a negative recommendation, or the sentiment model).',
      ),
    sentimentScore: z.number().min(-1).max(1).optional().describe('-1 (very negative) .. 1 (very positive).'),
  });

const reviewUpdatedData = () =>
  z.object({
    ...reviewFacts(),
    version: z
      .number()
      .int()
      .min(2)
      .describe('The version the edit produced (the first stored version is 1; +1 per applied edit).'),
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
      .min(1)
      .describe('What the edit changed.'),
    previousRating: rating()
      .nullable()
      .describe('The rating before the edit (summary counters moved from it); null when it had no stars.'),
    previousRecommendation: recommendation().describe('The recommendation before the edit, if it had one.'),
    updatedAt: dateTime().describe('When the edit was stored.'),
  });

const reviewRemovedData = () =>
  z.object({
    ...reviewFacts(),
    version: z.number().int().min(2).describe('The version the removal produced.'),
    removedAt: dateTime().describe('When the platform was seen without the review.'),
  });

const replyFacts = () => ({
  reviewId: reviewId(),
  supplierId: externalRef(),
  platform: platform(),
  action: z.enum(['reply', 'delete-reply']).describe('Publish (or replace) the reply, or delete it.'),
  requestedAt: dateTime().describe('When the supplier asked for it.'),
});

const reviewRepliedData = () =>
  z.object({
    ...replyFacts(),
    state: z
      .enum(['published', 'pending'])
      .describe('published; pending when the platform moderates replies before showing them.'),
    repliedAt: dateTime().describe('When the platform took the reply (or its deletion).'),
  });

const reviewReplyFailedData = () =>
  z.object({
    ...replyFacts(),
    failure: z
      .enum(['permanent', 'unsupported', 'reauth-required', 'not-connected'])
      .describe(
        'permanent: the platform refused it as sent; unsupported: the platform offers no replies; reauth-required: the connection must be made again; not-connected: no usable connection.',
      ),
    reason: z.string().max(500).describe('What the platform (or we) said.'),
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
      .min(1)
      .describe(
        'Why the review looks doubtful: contact details or links in the text, a near-duplicate of a recent review, a burst from one source, or a rating that contradicts the text.',
      ),
    authenticityScore: z.number().min(0).max(1).describe('Suspicion from all signals together (0 = none).'),
    sentiment: z
      .object({
        label: z.string(),
        confidence: z.number().min(0).max(1),
        modelVersion: z.string(),
        variant: z.string(),
      })
      .nullable()
      .describe('What the sentiment model said of the text, when it ran.'),
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
    category: budgetCategory().optional(),
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
      .describe('Given by the producer, or assigned by the expense model.'),
    confidence: z.number().min(0).max(1).optional().describe('Model confidence (source "model" only).'),
    candidates: z
      .array(z.object({ label: budgetCategory(), confidence: z.number().min(0).max(1) }))
      .max(3)
      .optional()
      .describe('The three best categories when the model was not confident enough and said "other".'),
    modelVersion: z
      .string()
      .optional()
      .describe('The expense model version and its A/B variant (source "model" only).'),
    variant: z.string().optional(),
    categorizedAt: dateTime(),
  });

const budgetThresholdExceededData = () =>
  z.object({
    coupleId: externalRef(),
    weddingId: externalRef(),
    category: budgetCategory(),
    thresholdPercent: z.union([z.literal(80), z.literal(100)]),
    allocation: decimalString().describe('The allocation in force when the threshold was crossed.'),
    spent: decimalString().describe('Total spent in the category, this expense included.'),
    currency: currency(),
    allocationVersion: z.number().int().min(1).describe('Increases every time the allocation changes.'),
    triggeredBy: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('expense'), expenseId: externalRef() }),
      z.object({ kind: z.literal('allocation-change') }),
    ]),
    exceededAt: dateTime(),
  });

const endpointDisabledData = () =>
  z.object({
    endpointId: z.string().min(1).max(64),
    url: z.url(),
    reason: z
      .enum(['gone', 'failing', 'manual'])
      .describe(
        'gone: the endpoint answered 410; failing: no successful delivery for 5 days; manual: by its owner.',
      ),
    disabledAt: dateTime(),
    failingSince: dateTime().optional(),
    lastStatusCode: z.number().int().min(100).max(599).optional(),
  });

/** Data subject erasure (issue 9): ids only, never the person's address or name. */
const privacyErasureRequestedData = () =>
  z.object({
    erasureId: z
      .string()
      .regex(/^era_[0-9a-f]{26}$/)
      .describe('The erasure (the same for every supplier it concerns).'),
    supplierId: externalRef(),
    reviewIds: z
      .array(reviewId())
      .describe(
        'Your reviews now anonymised here: erase the reviewer’s name (and text, if textErased) in your copies.',
      ),
    reviewRequestIds: z
      .array(z.string().min(1).max(64))
      .describe('Your review requests to the person, now deleted (they held the couple’s name and address).'),
    textErased: z
      .boolean()
      .describe("The reviews' title and text were erased too, not only the reviewer's name."),
    requestedAt: dateTime().describe('When the person’s erasure was requested.'),
  });

// Model rollout (issue 13, ADR 0026): a retrained model promoted from canary, or rolled back.
const modelVersionRef = () =>
  z
    .string()
    .regex(/^[a-z-]+@\d+\.\d+\.\d+$/)
    .describe("`<task>@<version>`, as in each review's `insights.sentiment.modelVersion`.");
const variantWindow = () =>
  z
    .object({
      predictions: z.number().int().min(0),
      driftScore: z
        .number()
        .min(0)
        .describe('PSI against the training reference (per sentence for sentiment).'),
      rated: z.number().int().min(0).describe('Predictions of reviews rated 1-2 or 4-5 stars.'),
      agreement: z
        .number()
        .min(0)
        .max(1)
        .nullable()
        .describe('Agreement with the star ratings; null without rated ones.'),
    })
    .describe('What the shared statistics showed for the variant since the canary started.');
const modelRolloutData = () =>
  z.object({
    task: z.enum(['sentiment']),
    modelVersion: modelVersionRef().describe('The retrained model the act is about (the canary).'),
    previousModelVersion: modelVersionRef().describe(
      'The model that served as the control during the canary.',
    ),
    servingModelVersion: modelVersionRef().describe('The model now serving all traffic.'),
    revision: z.number().int().min(1).describe('Revision of the active model configuration after the act.'),
    reason: z.string().max(300),
    canaryShare: z.number().gt(0).lt(1).describe('Share of reviews the canary served.'),
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
} satisfies Record<OutboundEventType, () => z.ZodType>);

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
