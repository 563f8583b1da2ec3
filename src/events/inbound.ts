/**
 * Inbound event catalogue: what other WedSync services put on the ingest queue, one zod schema
 * per type for `data`. Unknown fields inside `data` are ignored (dropped), so a producer can add
 * a field before we read it; missing or invalid known fields are rejected.
 *
 * Each type's schema is built the first time it is used (`lazyRecord`, ADR 0022 fifth round):
 * a function that never parses a type does not build its schema when it loads.
 */
import * as z from '../shared/zod';
import {
  budgetCategory,
  calendarDate,
  currency,
  dateTime,
  externalRef,
  nonNegativeAmount,
  platform,
  positiveAmount,
  rating,
  reviewBody,
  reviewerName,
  reviewTitle,
} from './common';
import { envelopeSchema, type CloudEventAttributes } from './envelope';
import { text } from '../shared/text';
import { lazyRecord } from '../shared/lazy';

const reviewSubmittedData = () =>
  z.object({
    supplierId: externalRef().check(z.describe('The supplier the review is about.')),
    platform: platform().check(z.describe('Where the review was written.')),
    externalId: z.optional(text({ max: 200 })).check(z.describe("The review's id on that platform.")),
    rating: rating(),
    title: reviewTitle(),
    body: reviewBody(),
    reviewerName: reviewerName(),
    submittedAt: dateTime().check(z.describe('When the reviewer wrote it.')),
  });

export const helperShift = () =>
  z
    .object({
      start: dateTime(),
      end: dateTime().check(z.describe('Must be later than start.')),
      tasks: z.array(text({ max: 200 })).check(z.maxLength(50)),
    })
    .check(
      z.refine((shift) => Date.parse(shift.start) < Date.parse(shift.end), {
        message: 'end must be later than start',
        path: ['end'],
      }),
    );

const helperScheduleUpdatedData = () =>
  z.object({
    supplierId: externalRef(),
    helperId: externalRef(),
    weddingId: externalRef(),
    shifts: z
      .array(helperShift())
      .check(z.maxLength(100), z.describe("The helper's complete schedule for the wedding (replaces it).")),
  });

const budgetExpenseRecordedData = () =>
  z.object({
    coupleId: externalRef(),
    weddingId: externalRef(),
    expenseId: externalRef().check(
      z.describe('Unique per wedding; re-sending the same expenseId is a no-op.'),
    ),
    amount: positiveAmount(),
    currency: currency(),
    description: text({ max: 500 }),
    date: calendarDate().check(z.describe('The day the money was spent or committed.')),
    category: z.optional(budgetCategory()).check(z.describe('When absent, the expense model assigns one.')),
  });

const budgetCategoryUpdatedData = () =>
  z.object({
    coupleId: externalRef(),
    weddingId: externalRef(),
    category: budgetCategory(),
    allocation: nonNegativeAmount().check(
      z.describe('The amount budgeted for the category (replaces the previous one).'),
    ),
    currency: currency(),
  });

export const INBOUND_DATA_SCHEMAS = lazyRecord({
  'review.submitted': reviewSubmittedData,
  'helper.schedule.updated': helperScheduleUpdatedData,
  'budget.expense.recorded': budgetExpenseRecordedData,
  'budget.category.updated': budgetCategoryUpdatedData,
});

export type InboundEventType = keyof typeof INBOUND_DATA_SCHEMAS;
export const INBOUND_EVENT_TYPES = Object.keys(INBOUND_DATA_SCHEMAS) as InboundEventType[];

export const INBOUND_DESCRIPTIONS: Record<InboundEventType, string> = {
  'review.submitted': 'A review of a supplier, written on WedSync or imported from another platform.',
  'helper.schedule.updated': "A supplier's helper has a new schedule (all shifts) for a wedding.",
  'budget.expense.recorded': 'A couple recorded an expense against their wedding budget.',
  'budget.category.updated': 'A couple set or changed the allocation of one budget category.',
};

export type InboundData<T extends InboundEventType> = z.output<(typeof INBOUND_DATA_SCHEMAS)[T]>;

export type InboundEvent = {
  [T in InboundEventType]: CloudEventAttributes & { readonly type: T; readonly data: InboundData<T> };
}[InboundEventType];

export function isInboundEventType(type: string): type is InboundEventType {
  return Object.prototype.hasOwnProperty.call(INBOUND_DATA_SCHEMAS, type);
}

/** The full envelope schema of one inbound type. */
export function inboundEnvelopeSchema<T extends InboundEventType>(type: T) {
  return envelopeSchema(type, INBOUND_DATA_SCHEMAS[type]);
}
