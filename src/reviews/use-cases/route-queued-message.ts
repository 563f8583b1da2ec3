/**
 * What a message on the ingest queue is (CloudEvents 1.0 envelopes from producers, docs/producers.md):
 * 1. A body with `specversion` is a producer envelope: `parseEnvelope` validates it; an invalid one
 *    is parked with its reason code (never retried). Anything else is our internal review message.
 * 2. `review.submitted` becomes an internal Review (natural key: platform + externalId, else the
 *    envelope's source + id as an idempotency key, so a redelivery converges) and is stored by the
 *    ingest batch like any review.
 * 3. Any other event goes to the budgets capability (`applyProducerEvent`).
 * 4. Our internal `review.removed` (the platform sync saw a review disappear) is a removal.
 */
import { createHash } from 'node:crypto';
import type { ProducerEvent } from '../../budgets';
import { parseEnvelope, type InboundEvent } from '../../events';
import * as z from '../../shared/zod';
import {
  PermanentMessageError,
  removalFromMessage,
  reviewFromMessage,
  type Review,
  type ReviewRemoval,
} from '../domain/review';
import { reviewIdFor } from '../domain/review-ids';
import {
  reviewRemovedMessage,
  type ReviewOrigin,
  type ReviewSubmittedMessage,
} from '../domain/review-message-schemas';

export type RoutedMessage =
  | { readonly kind: 'review'; readonly review: Review }
  | { readonly kind: 'removal'; readonly removal: ReviewRemoval }
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
    // Our own messages: a removal (from the platform sync) is told apart by its type.
    if (raw !== null && typeof raw === 'object' && 'type' in raw && raw.type === 'review.removed') {
      return { kind: 'removal', removal: removalFromQueued(raw) };
    }
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

function removalFromQueued(raw: unknown): ReviewRemoval {
  const parsed = reviewRemovedMessage().safeParse(raw);
  if (!parsed.success) {
    throw new PermanentMessageError('invalid-message', z.prettifyError(parsed.error).slice(0, 1000));
  }
  return removalFromMessage(parsed.data);
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
  // The producer's event time orders its versions; it is the same on every redelivery.
  return reviewFromMessage(message, { versionAt: event.time });
}
