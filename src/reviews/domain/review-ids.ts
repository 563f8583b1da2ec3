/**
 * A review's id is derived from its natural key, so a client retry, a duplicate message or the
 * same review handled in two regions all converge on one item.
 */
import { deterministicId } from '../../shared/ids';
import type { ReviewOrigin } from './review-message-schemas';

export function naturalKey(origin: ReviewOrigin): string[] {
  switch (origin.kind) {
    // One request is one review, whichever way its link travelled (a request has one delivery).
    case 'review-request':
    case 'review-link':
      return ['request', origin.requestId];
    case 'external':
      return ['external', origin.platform, origin.externalId];
    case 'idempotency-key':
      return ['idempotency-key', origin.key];
  }
}

export function reviewIdFor(supplierId: string, origin: ReviewOrigin): string {
  return deterministicId('rev', ['review', supplierId, ...naturalKey(origin)]);
}
