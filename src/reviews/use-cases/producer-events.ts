/**
 * Events from other WedSync services on the ingest queue (CloudEvents 1.0 envelopes, docs/producers.md).
 * 1. A body with `specversion` is a producer envelope: `parseEnvelope` validates it; an invalid one
 *    is parked with its reason code (never retried). Anything else is our internal review message.
 * 2. `review.submitted` becomes an internal Review (natural key: platform + externalId, else the
 *    envelope's source + id as an idempotency key, so a redelivery converges) and is stored by the
 *    ingest batch like any review.
 * 3. `helper.schedule.updated` and `budget.expense.recorded` are announced as outbound events;
 *    expenses (with a category) and allocation changes update the Budgets table, and the
 *    thresholds they cross are announced as `budget.threshold.exceeded`, each once.
 * Outbound event ids are derived from the inbound event (or the crossing), so a redelivered event
 * produces the same ids and the fan-out's conditional write delivers it once.
 */
import { createHash } from 'node:crypto';
import { eventIdFor, reviewIdFor } from '../../shared/ids';
import { PermanentMessageError, reviewFromMessage, type DomainEvent, type Review } from '../domain/review';
import type { ReviewOrigin, ReviewSubmittedMessage } from '../domain/review-schemas';
import { PLATFORM_TENANT_ID } from '../../webhooks/domain/webhook';
import { BUDGET_CATEGORIES, normaliseAmount, type BudgetCategory } from '../../events/common';
import type { InboundEvent } from '../../events/inbound';
import { parseEnvelope } from '../../events/parse';
import type { ExpenseSuggestion } from '../../models/inference/expense-category';
import type { Clock, EventPublisher } from '../ports';
import type { AppliedBudgetChange, BudgetKey, BudgetStore } from '../../budgets/ports';

export interface ProducerEventDeps {
  readonly events: EventPublisher;
  readonly budgets: BudgetStore;
  readonly clock: Clock;
  /** The expense model: a category for an uncategorised expense (throws if the model is unavailable). */
  readonly categorize?: (description: string, coupleId: string) => ExpenseSuggestion;
  readonly onCategorizeError?: (error: unknown) => void;
}

export type ProducerEvent = Exclude<InboundEvent, { type: 'review.submitted' }>;

export type RoutedMessage =
  | { readonly kind: 'review'; readonly review: Review }
  | { readonly kind: 'event'; readonly event: ProducerEvent };

const MAX_KEY = 200;

/** Decide what a queued body is; throws PermanentMessageError with the reason for bad input. */
export function routeQueuedBody(
  body: string,
  internalReview: (body: string) => Review,
  receivedAt: string,
): RoutedMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { kind: 'review', review: internalReview(body) };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('specversion' in raw)) {
    return { kind: 'review', review: internalReview(body) };
  }
  const parsed = parseEnvelope(body);
  if (!parsed.ok) {
    const fields = parsed.fieldErrors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new PermanentMessageError(
      parsed.reason,
      `${parsed.message}${fields ? ` (${fields})` : ''}`.slice(0, 1000),
    );
  }
  const event = parsed.event;
  if (event.type === 'review.submitted')
    return { kind: 'review', review: reviewFromProducerEvent(event, receivedAt) };
  return { kind: 'event', event };
}

export function reviewFromProducerEvent(
  event: Extract<InboundEvent, { type: 'review.submitted' }>,
  receivedAt: string,
): Review {
  const { data } = event;
  const key = `${event.source}#${event.id}`;
  const origin: ReviewOrigin =
    data.externalId !== undefined
      ? { kind: 'external', platform: data.platform, externalId: data.externalId }
      : {
          kind: 'idempotency-key',
          key: key.length <= MAX_KEY ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`,
        };
  const message: ReviewSubmittedMessage = {
    type: 'review.submitted',
    version: 1,
    supplierId: data.supplierId,
    reviewId: reviewIdFor(data.supplierId, origin),
    origin,
    actor: { kind: 'producer', id: event.source.slice(0, 200) },
    receivedAt,
    review: {
      rating: data.rating,
      title: data.title,
      body: data.body,
      reviewerName: data.reviewerName,
      platform: data.platform,
      submittedAt: data.submittedAt,
    },
  };
  return reviewFromMessage(message);
}

const idOf = (event: InboundEvent, type: string) => eventIdFor(`${event.source}#${event.id}`, type);

function thresholdEvents(
  key: BudgetKey,
  change: AppliedBudgetChange,
  triggeredBy: { kind: 'expense'; expenseId: string } | { kind: 'allocation-change' },
  time: string,
): DomainEvent[] {
  return change.crossed.map((crossing) => ({
    // One id per (category, allocation version, threshold): announced once however often it is recomputed.
    id: eventIdFor(
      `${key.coupleId}#${key.weddingId}#${key.category}#v${change.allocationVersion}#${crossing.thresholdPercent}`,
      'budget.threshold.exceeded',
    ),
    type: 'budget.threshold.exceeded',
    time,
    supplierId: PLATFORM_TENANT_ID,
    subject: `${key.weddingId}/${key.category}`,
    data: {
      coupleId: key.coupleId,
      weddingId: key.weddingId,
      category: key.category,
      thresholdPercent: crossing.thresholdPercent,
      allocation: crossing.allocation,
      spent: crossing.spent,
      currency: change.currency,
      allocationVersion: change.allocationVersion,
      triggeredBy,
      exceededAt: time,
    },
  }));
}

/** Apply one (non-review) producer event; returns whether it changed anything (false: a redelivery). */
export async function applyProducerEvent(
  event: ProducerEvent,
  deps: ProducerEventDeps,
): Promise<{ duplicate: boolean }> {
  const now = deps.clock.now().toISOString();
  switch (event.type) {
    case 'helper.schedule.updated': {
      const { data } = event;
      await deps.events.publish([
        {
          id: idOf(event, event.type),
          type: 'helper.schedule.updated',
          time: event.time,
          supplierId: data.supplierId,
          subject: data.helperId,
          data: { ...data, updatedAt: event.time },
        },
      ]);
      return { duplicate: false };
    }
    case 'budget.expense.recorded': {
      const { data } = event;
      const amount = normaliseAmount(data.amount);
      const recorded: DomainEvent = {
        id: idOf(event, event.type),
        type: 'budget.expense.recorded',
        time: event.time,
        supplierId: PLATFORM_TENANT_ID,
        subject: data.expenseId,
        data: { ...data, amount, recordedAt: now },
      };
      let category = data.category;
      const extra: DomainEvent[] = [];
      if (category === undefined) {
        // Uncategorised: the expense model suggests one (below its threshold it says `other`
        // with the top three candidates). Without the model the expense waits uncategorised.
        const suggestion = suggest(deps, data.description, data.coupleId);
        if (!suggestion) {
          await deps.events.publish([recorded]);
          return { duplicate: false };
        }
        category = suggestion.category as BudgetCategory;
        extra.push({
          id: idOf(event, 'budget.expense.categorized'),
          type: 'budget.expense.categorized',
          time: event.time,
          supplierId: PLATFORM_TENANT_ID,
          subject: data.expenseId,
          data: {
            coupleId: data.coupleId,
            weddingId: data.weddingId,
            expenseId: data.expenseId,
            category: suggestion.category,
            source: 'model',
            confidence: suggestion.confidence,
            ...(suggestion.candidates ? { candidates: suggestion.candidates } : {}),
            modelVersion: suggestion.modelVersion,
            variant: suggestion.variant,
            categorizedAt: now,
          },
        });
      }
      const key = { coupleId: data.coupleId, weddingId: data.weddingId, category };
      const change = await deps.budgets.applyExpense(key, {
        expenseId: data.expenseId,
        amount,
        currency: data.currency,
      });
      await deps.events.publish([
        recorded,
        ...extra,
        ...thresholdEvents(key, change, { kind: 'expense', expenseId: data.expenseId }, event.time),
      ]);
      return { duplicate: !change.applied };
    }
    case 'budget.category.updated': {
      const { data } = event;
      const key = { coupleId: data.coupleId, weddingId: data.weddingId, category: data.category };
      const change = await deps.budgets.applyAllocation(key, {
        amount: normaliseAmount(data.allocation),
        currency: data.currency,
        time: event.time,
      });
      await deps.events.publish(thresholdEvents(key, change, { kind: 'allocation-change' }, event.time));
      return { duplicate: !change.applied };
    }
  }
}

function suggest(
  deps: ProducerEventDeps,
  description: string,
  coupleId: string,
): ExpenseSuggestion | undefined {
  if (!deps.categorize) return undefined;
  try {
    const suggestion = deps.categorize(description, coupleId);
    parseCategory(suggestion.category);
    return suggestion;
  } catch (error) {
    deps.onCategorizeError?.(error);
    return undefined;
  }
}

/** The model's labels are the budget categories; anything else is a broken artifact. */
function parseCategory(label: string): BudgetCategory {
  if (!(BUDGET_CATEGORIES as readonly string[]).includes(label))
    throw new Error(`the expense model answered an unknown category "${label}"`);
  return label as BudgetCategory;
}
