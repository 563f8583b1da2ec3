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
import { eventIdFor, reviewIdFor } from '../domain/ids';
import { PermanentMessageError, reviewFromMessage, type DomainEvent, type Review } from '../domain/review';
import type { ReviewOrigin, ReviewSubmittedMessage } from '../domain/review-schemas';
import { PLATFORM_TENANT_ID } from '../domain/webhook';
import { normaliseAmount } from '../events/common';
import type { InboundEvent } from '../events/inbound';
import { parseEnvelope } from '../events/parse';
import type { Clock, EventPublisher } from '../ports';
import type { AppliedBudgetChange, BudgetKey, BudgetStore } from '../ports/budgets';

export interface ProducerEventDeps {
  readonly events: EventPublisher;
  readonly budgets: BudgetStore;
  readonly clock: Clock;
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
      if (data.category === undefined) {
        // Uncategorised: the expense model assigns the category (budget.expense.categorized).
        await deps.events.publish([recorded]);
        return { duplicate: false };
      }
      const key = { coupleId: data.coupleId, weddingId: data.weddingId, category: data.category };
      const change = await deps.budgets.applyExpense(key, {
        expenseId: data.expenseId,
        amount,
        currency: data.currency,
      });
      await deps.events.publish([
        recorded,
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
