/**
 * Reviews table stream records (new and old images; Lambda's event, or the local reader's, which
 * has the same shape) as the plain changes `reconcileReplicatedReviews` reads: the records that
 * replace an existing item (MODIFY).
 */
import { itemChanges, type ImageStreamRecord } from '../../shared/stream-image';
import type { ReviewItemChange } from '../use-cases/reconcile-replicated-reviews';

export type ReviewStreamRecord = ImageStreamRecord;

export function reviewItemChanges(records: readonly ReviewStreamRecord[]): ReviewItemChange[] {
  return itemChanges(records, ['MODIFY']);
}
