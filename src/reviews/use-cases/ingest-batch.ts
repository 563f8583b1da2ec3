import { z } from 'zod';
import {
  eventsForStoredReview,
  PermanentMessageError,
  reviewFromMessage,
  type Review,
} from '../domain/review';
import { reviewSubmittedMessage } from '../domain/review-schemas';
import { analyseReviews, type ModelsForSupplier, type Observation } from '../domain/review-inference';
import type { IngestQueue, RejectedStore, ReviewRepository } from '../ports';
import type { Clock } from '../../shared/clock';
import type { EventPublisher } from '../../events';
import { recordObservations, type ModelStatsStore } from '../../models';
import { applyProducerEvent, type ProducerEventDeps } from '../../budgets';
import { routeQueuedBody } from './route-queued-message';

export interface IngestDeps {
  readonly reviews: ReviewRepository;
  readonly events: EventPublisher;
  readonly rejected: RejectedStore;
  readonly clock: Clock;
  readonly queueName: string;
  /** Reviews per store transaction (the store's own limit caps it). */
  readonly chunkSize: number;
  readonly models: ModelsForSupplier;
  readonly modelStats: ModelStatsStore;
  /** Where reviews stored with inference pending are queued for another try. */
  readonly inferenceRetry: IngestQueue;
  /** Inference time a chunk may spend before its remaining reviews are left pending. */
  readonly inferenceBudgetMs: number;
  /** How many of a supplier's latest reviews the duplicate and burst checks compare with. */
  readonly recentWindow: number;
  /** Told about every prediction made (drift metrics) and about statistics that failed to save. */
  readonly onObservations?: (observations: readonly Observation[]) => void;
  readonly onStatsError?: (error: unknown) => void;
  /** Producer events that are not reviews (helper schedules, budgets); see producer-events.ts. */
  readonly producerEvents?: ProducerEventDeps;
}

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
}

export type IngestOutcome =
  | { readonly kind: 'created' | 'duplicate'; readonly reviewId: string; readonly inferencePending: boolean }
  | { readonly kind: 'parked'; readonly reason: string }
  | { readonly kind: 'applied'; readonly eventType: string; readonly duplicate: boolean }
  | { readonly kind: 'failed'; readonly error: unknown };

/** Parses one queued message into a review, or says why it can never be one. */
export function reviewFromQueuedBody(body: string): Review {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new PermanentMessageError('invalid-json', 'message body is not JSON');
  }
  const parsed = reviewSubmittedMessage.safeParse(raw);
  if (!parsed.success) {
    throw new PermanentMessageError('invalid-message', z.prettifyError(parsed.error).slice(0, 1000));
  }
  return reviewFromMessage(parsed.data);
}

/**
 * Store a batch of queued reviews exactly once and announce them.
 * 1. Parse every message; a permanently bad one is parked with its reason (if parking fails,
 *    the message fails and is retried, so it cannot vanish).
 * 2. Group the reviews by supplier; per chunk of `chunkSize`, run the models (sentiment and
 *    authenticity against the supplier's recent reviews) within a time budget, and store the
 *    chunk in one transaction (review + audit + summary counters, conditional on new ids).
 *    Reviews whose inference failed or ran out of time are stored with inference pending and
 *    queued for another try: a model never blocks ingestion.
 * 3. Publish the domain events of each stored chunk, also for duplicates: an earlier attempt
 *    may have stored a review and then failed to publish. Event ids are deterministic, so
 *    consumers deduplicate.
 * A failure affects only the messages of its chunk; the caller reports those for retry.
 */
export async function ingestBatch(
  messages: readonly QueuedMessage[],
  deps: IngestDeps,
): Promise<Map<string, IngestOutcome>> {
  const outcomes = new Map<string, IngestOutcome>();
  const bySupplier = new Map<string, { messageId: string; review: Review }[]>();

  await Promise.all(
    messages.map(async ({ messageId, body }) => {
      try {
        const routed = routeQueuedBody(body, reviewFromQueuedBody, deps.clock.now().toISOString());
        if (routed.kind === 'event') {
          outcomes.set(messageId, await applyRoutedEvent(routed.event, deps));
          return;
        }
        const review = routed.review;
        const group = bySupplier.get(review.supplierId) ?? [];
        group.push({ messageId, review });
        bySupplier.set(review.supplierId, group);
      } catch (error) {
        if (!(error instanceof PermanentMessageError)) throw error;
        try {
          await deps.rejected.park({
            queue: deps.queueName,
            messageId,
            body,
            reason: error.reason,
            detail: error.detail,
          });
          outcomes.set(messageId, { kind: 'parked', reason: error.reason });
        } catch (parkError) {
          outcomes.set(messageId, { kind: 'failed', error: parkError });
        }
      }
    }),
  );

  const chunks: { supplierId: string; entries: { messageId: string; review: Review }[] }[] = [];
  for (const [supplierId, entries] of bySupplier) {
    for (let start = 0; start < entries.length; start += deps.chunkSize) {
      chunks.push({ supplierId, entries: entries.slice(start, start + deps.chunkSize) });
    }
  }
  const storedAt = deps.clock.now().toISOString();
  await Promise.all(
    chunks.map(async ({ supplierId, entries }) => {
      try {
        const recent = await deps.reviews.recent(supplierId, deps.recentWindow);
        const inferred = analyseReviews(
          entries.map((e) => e.review),
          recent,
          deps.models,
          { timeBudgetMs: deps.inferenceBudgetMs },
        );
        const stored = await deps.reviews.insertMany(supplierId, inferred.reviews, storedAt);
        // Redundant retries are harmless: completing inference is conditional on it being pending.
        for (const review of inferred.reviews) {
          if (review.insights?.status === 'pending') {
            await deps.inferenceRetry.send(JSON.stringify({ supplierId, reviewId: review.reviewId }));
          }
        }
        // One review sent twice in a batch is stored once; both messages are done.
        const unique = [...new Map(inferred.reviews.map((r) => [r.reviewId, r])).values()];
        await deps.events.publish(unique.flatMap((review) => eventsForStoredReview(review, storedAt)));
        const firstMessageOf = new Map<string, string>();
        const pendingIds = new Set(
          inferred.reviews.filter((r) => r.insights?.status === 'pending').map((r) => r.reviewId),
        );
        for (const { messageId, review } of entries) {
          const first = firstMessageOf.get(review.reviewId);
          firstMessageOf.set(review.reviewId, first ?? messageId);
          const kind = first === undefined ? (stored.get(review.reviewId) ?? 'duplicate') : 'duplicate';
          outcomes.set(messageId, {
            kind,
            reviewId: review.reviewId,
            inferencePending: pendingIds.has(review.reviewId),
          });
        }
        // Statistics count first stores only, and never fail the ingestion they describe.
        const counted = inferred.observations.filter((o) => stored.get(o.reviewId) === 'created');
        deps.onObservations?.(counted);
        await recordObservations(counted, deps.modelStats, deps.clock.now()).catch((error: unknown) =>
          deps.onStatsError?.(error),
        );
      } catch (error) {
        for (const { messageId } of entries) outcomes.set(messageId, { kind: 'failed', error });
      }
    }),
  );
  return outcomes;
}

async function applyRoutedEvent(
  event: Parameters<typeof applyProducerEvent>[0],
  deps: IngestDeps,
): Promise<IngestOutcome> {
  try {
    if (!deps.producerEvents) throw new Error('this worker is not wired for producer events');
    const { duplicate } = await applyProducerEvent(event, deps.producerEvents);
    return { kind: 'applied', eventType: event.type, duplicate };
  } catch (error) {
    return { kind: 'failed', error };
  }
}
