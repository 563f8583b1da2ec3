/**
 * A domain event as capabilities emit it, before it becomes a CloudEvents envelope on the Events
 * queue (src/events/adapters/sqs-event-publisher.ts).
 */
export interface DomainEvent {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  /** The supplier the event belongs to (its webhooks receive it). */
  readonly supplierId: string;
  readonly subject: string;
  /** The request that caused it: the `correlationid` extension and message attribute. */
  readonly correlationId?: string;
  readonly data: Record<string, unknown>;
}

/**
 * Events that belong to no supplier (helper schedules, couples' budgets) are addressed to the
 * WedSync app's own webhook endpoints under this supplier id.
 */
export const PLATFORM_SUPPLIER_ID = 'wedsync-app';

export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}
