/**
 * Producer events other than reviews (docs/producers.md), applied once each:
 * 1. `helper.schedule.updated` is announced as an outbound event.
 * 2. `budget.expense.recorded` is announced; an uncategorised expense gets the expense model's
 *    category (`budget.expense.categorized`); the expense updates the Budgets table.
 * 3. `budget.category.updated` changes an allocation.
 * 4. Every threshold a change crosses is announced as `budget.threshold.exceeded`, once.
 * Outbound event ids are derived from the inbound event (or the crossing), so a redelivered event
 * produces the same ids and the fan-out's conditional write delivers it once.
 */
import {
  BUDGET_CATEGORIES,
  normaliseAmount,
  PLATFORM_SUPPLIER_ID,
  type BudgetCategory,
  type DomainEvent,
  type EventPublisher,
  type InboundEvent,
} from '../../events';
import { eventIdFor } from '../../shared/ids';
import type { ExpenseSuggestion } from '../../models';
import type { Clock } from '../../shared/clock';
import type { AppliedBudgetChange, BudgetKey, BudgetStore } from '../ports';

export interface ProducerEventDeps {
  readonly events: EventPublisher;
  readonly budgets: BudgetStore;
  readonly clock: Clock;
  /** The expense model: a category for an uncategorised expense (throws if the model is unavailable). */
  readonly categorize?: (description: string, coupleId: string) => ExpenseSuggestion;
  readonly onCategorizeError?: (error: unknown) => void;
}

export type ProducerEvent = Exclude<InboundEvent, { type: 'review.submitted' }>;

const idOf = (event: InboundEvent, type: string) => eventIdFor(`${event.source}#${event.id}`, type);

export function thresholdEvents(
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
    supplierId: PLATFORM_SUPPLIER_ID,
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
        supplierId: PLATFORM_SUPPLIER_ID,
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
          supplierId: PLATFORM_SUPPLIER_ID,
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
