/**
 * Reviews table stream records (new and old images; Lambda's event, or the local reader's, which
 * has the same shape) as the plain changes `reconcileReplicatedReviews` reads. Only scalar
 * attributes (S, N, NULL) and maps of them (a write run's base) are read: what the summary
 * correction needs.
 */
import type { ReviewItemChange } from '../use-cases/reconcile-replicated-reviews';

type StreamImage = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface ReviewStreamRecord {
  readonly eventName?: string;
  readonly dynamodb?: { readonly OldImage?: StreamImage; readonly NewImage?: StreamImage };
}

function plain(image: StreamImage | undefined): Record<string, unknown> | undefined {
  if (!image) return undefined;
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(image)) {
    if (typeof value.S === 'string') item[name] = value.S;
    else if (typeof value.N === 'string') item[name] = Number(value.N);
    else if (value.NULL === true) item[name] = null;
    else if (typeof value.M === 'object' && value.M !== null) item[name] = plain(value.M as StreamImage);
  }
  return item;
}

/** The records that replace an existing item (MODIFY), as before/after pairs. */
export function reviewItemChanges(records: readonly ReviewStreamRecord[]): ReviewItemChange[] {
  return records
    .filter((r) => r.eventName === 'MODIFY')
    .map((r) => ({ before: plain(r.dynamodb?.OldImage), after: plain(r.dynamodb?.NewImage) }));
}
