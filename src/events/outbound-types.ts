/**
 * The outbound event types by name alone: what a webhook subscription names and the API checks
 * (ADR 0022 tenth round). No schema is built or bundled with them; each type's `data` schema is in
 * ./outbound.ts, which must give one for every name here and no other (checked when it compiles).
 */
export const OUTBOUND_EVENT_TYPES = [
  'review.received',
  'review.negative',
  'review.updated',
  'review.flagged',
  'review.published',
  'review.removed',
  'review.replied',
  'review.reply_failed',
  'helper.schedule.updated',
  'budget.expense.recorded',
  'budget.expense.categorized',
  'budget.threshold.exceeded',
  'endpoint.disabled',
  'privacy.erasure_requested',
  // Model rollout (issue 13, ADR 0026)
  'model.promoted',
  'model.rolled_back',
] as const;

export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

export function isOutboundEventType(type: string): type is OutboundEventType {
  return (OUTBOUND_EVENT_TYPES as readonly string[]).includes(type);
}
