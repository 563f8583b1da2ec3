/**
 * A subscribe's hold on the subscription it is resuming (ADR 0034). While it lasts, the live
 * fan-out leaves the subscription alone (it notes what it would have sent), so the subscribe alone
 * sends the missed events, its `subscribed` answer, and what arrived meanwhile, in that order.
 * The hold expires on its own, so a subscribe that dies half-way blocks its subscription for a few
 * seconds at most: the next event's fan-out then serves it from its cursor.
 */

/**
 * How long a hold lasts from each write that sets or renews it (the subscribe renews it with every
 * claim). Longer than the RealtimeSocket function's timeout (checked by a unit test against the
 * catalog), so a subscribe that is still running never loses its hold; short enough that a
 * crashed one delays its subscription's live events by seconds.
 */
export const SUBSCRIBE_HOLD_MS = 15_000;

/** Rounds of "deliver what a fan-out left, try to let go" before the subscribe gives up and lets the hold expire. */
export const MAX_RELEASE_ROUNDS = 10;

/** True while someone holds the subscription (a hold that has expired holds nothing). */
export function isHeld(subscription: { readonly heldUntilMs?: number }, nowMs: number): boolean {
  return subscription.heldUntilMs !== undefined && subscription.heldUntilMs > nowMs;
}
