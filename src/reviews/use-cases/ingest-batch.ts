import * as z from '../../shared/zod';
import {
  eventsForEditedReview,
  eventsForStoredReview,
  PermanentMessageError,
  removedEvent,
  reviewFromMessage,
  type Review,
  type ReviewRemoval,
} from '../domain/review';
import { alignDates, contentHash, latestVersion, type StoreOutcome } from '../domain/review-versions';
import { reviewSubmittedMessage } from '../domain/review-message-schemas';
import { storedReviewFacts, type StoredReviewFacts } from '../domain/review-kpis';
import { analyseReviews, type ModelsForSupplier, type Observation } from '../domain/review-inference';
import type { ReplyObservation } from '../domain/review-replies';
import type { IngestQueue, RejectedStore, ReviewRepository } from '../ports';
import type { Clock } from '../../shared/clock';
import { correlationAttributes, withCorrelationId } from '../../shared/correlation';
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
  /** The message's `correlationId` attribute (platform sync sets it; the API also in the body). */
  readonly correlationId?: string;
}

export type IngestOutcome =
  | {
      /**
       * created; duplicate (same content as stored); updated (an edit); stale (older than stored);
       * ignored (the review was removed on its platform: nothing changes it any more).
       */
      readonly kind: 'created' | 'duplicate' | 'updated' | 'stale' | 'ignored';
      readonly reviewId: string;
      readonly inferencePending: boolean;
      /** The stored version after this message (1 for a first store). */
      readonly version: number;
      /** For `created` only: what the new review tells the business KPIs. */
      readonly facts?: StoredReviewFacts;
    }
  | {
      /** A removal: applied now, or already (`duplicate`), or ahead of its review (`tombstone`). */
      readonly kind: 'removed';
      readonly reviewId: string;
      readonly duplicate: boolean;
      readonly tombstone: boolean;
    }
  | { readonly kind: 'parked'; readonly reason: string }
  | { readonly kind: 'applied'; readonly eventType: string; readonly duplicate: boolean }
  | { readonly kind: 'failed'; readonly error: unknown };

/** Parses one queued message into a review, or says why it can never be one. */
export function reviewFromQueuedBody(body: string): Review {
  return reviewAndReplyFromQueuedBody(body).review;
}

/** The review of a queued message and, when the message reports one, the reply its source shows. */
export function reviewAndReplyFromQueuedBody(body: string): {
  review: Review;
  reply?: ReplyObservation;
} {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new PermanentMessageError('invalid-json', 'message body is not JSON');
  }
  const parsed = reviewSubmittedMessage().safeParse(raw);
  if (!parsed.success) {
    throw new PermanentMessageError('invalid-message', z.prettifyError(parsed.error).slice(0, 1000));
  }
  const review = reviewFromMessage(parsed.data);
  return parsed.data.reply === undefined
    ? { review }
    : { review, reply: { reply: parsed.data.reply, observedAt: parsed.data.receivedAt } };
}

/**
 * Store a batch of queued reviews exactly once and announce them.
 * 1. Parse every message; a permanently bad one is parked with its reason (if parking fails,
 *    the message fails and is retried, so it cannot vanish).
 * 2. Group the reviews by supplier; several versions of one review in a batch are reduced to the
 *    latest (domain/review-versions.ts). Per chunk of `chunkSize`, run the models (sentiment and
 *    authenticity against the supplier's recent reviews, the review's own stored text excluded)
 *    within a time budget, and store the chunk (review + audit + summary counters in one
 *    transaction for new ids; an existing id is a duplicate, a stale version, or an edit stored
 *    with its own conditional transaction). Reviews whose inference failed or ran out of time are
 *    stored with inference pending and queued for another try: a model never blocks ingestion.
 * 3. Publish the domain events of each stored chunk, also for duplicates: an earlier attempt
 *    may have stored a review and then failed to publish. Event ids are deterministic (per
 *    review and version), so consumers deduplicate. An edit announces review.updated. The
 *    inference retries and the replies the sources show go at the same time as the events (none
 *    depends on another; each needs the store's outcome).
 * 4. The batch's model statistics: one counter update per model task and variant for the whole
 *    batch, not per chunk (ADR 0032, fourteenth round), started by the last chunk to store, beside
 *    its events.
 * A failure affects only the messages of its chunk; the caller reports those for retry.
 */
export async function ingestBatch(
  messages: readonly QueuedMessage[],
  deps: IngestDeps,
): Promise<Map<string, IngestOutcome>> {
  const outcomes = new Map<string, IngestOutcome>();
  const bySupplier = new Map<string, { messageId: string; review: Review }[]>();
  /** The replies the messages' sources show, by message. */
  const replies = new Map<string, ReplyObservation>();

  await Promise.all(
    messages.map(async ({ messageId, body, correlationId }) => {
      try {
        const internalReview = (text: string): Review => {
          const parsed = reviewAndReplyFromQueuedBody(text);
          if (parsed.reply) replies.set(messageId, parsed.reply);
          return parsed.review;
        };
        const routed = routeQueuedBody(body, internalReview, deps.clock.now().toISOString());
        if (routed.kind === 'event') {
          outcomes.set(messageId, await applyRoutedEvent(routed.event, deps));
          return;
        }
        if (routed.kind === 'removal') {
          outcomes.set(messageId, await applyRemoval(routed.removal, deps));
          return;
        }
        // The body's id wins; a message without one (platform sync) takes its attribute's.
        const review = routed.review.correlationId
          ? routed.review
          : { ...routed.review, ...withCorrelationId(correlationId) };
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
  /** The predictions of first stores and edits, of every chunk: counted once per batch (step 4). */
  const counted: Observation[] = [];
  let chunksToCount = chunks.length;
  let statsWrite: Promise<void> | undefined;
  /**
   * A chunk's store has answered (or the chunk failed before it): the last one starts the batch's
   * statistics write, beside its own events, so that one chunk's batch (the usual case) waits for
   * no extra round trip. Statistics never fail the ingestion.
   */
  const chunkCountedOnce = () => {
    chunksToCount -= 1;
    if (chunksToCount === 0 && counted.length > 0) {
      statsWrite = recordObservations(counted, deps.modelStats, deps.clock.now()).catch((error: unknown) =>
        deps.onStatsError?.(error),
      );
    }
  };
  await Promise.all(
    chunks.map(async ({ supplierId, entries }) => {
      let countedHere = false;
      try {
        const recent = await deps.reviews.recent(supplierId, deps.recentWindow);
        // One version per review: the latest of those in this chunk (dateless ones aligned first).
        const groups = new Map<string, { messageId: string; review: Review }[]>();
        for (const entry of entries) {
          groups.set(entry.review.reviewId, [...(groups.get(entry.review.reviewId) ?? []), entry]);
        }
        const aligned = [...groups.values()].map((group) => {
          const versions = alignDates(group.map((e) => e.review));
          return group.map((e, i) => ({ messageId: e.messageId, review: versions[i]! }));
        });
        const latest = aligned.map((group) => latestVersion(group.map((e) => e.review)));
        const inferred = analyseReviews(latest, recent, deps.models, {
          timeBudgetMs: deps.inferenceBudgetMs,
        });
        const stored = await deps.reviews.insertMany(supplierId, inferred.reviews, storedAt);
        // Statistics count first stores and edits (new text), and never fail the ingestion. A
        // redelivery of this chunk finds its reviews stored (duplicates): they are counted once.
        const chunkCounted = inferred.observations.filter((o) => {
          const kind = stored.get(o.reviewId)?.kind;
          return kind === 'created' || kind === 'updated';
        });
        deps.onObservations?.(chunkCounted);
        counted.push(...chunkCounted);
        countedHere = true;
        chunkCountedOnce();
        // What follows the store, at once rather than one call after the other (ADR 0022,
        // "Ninth round: ingestion round trips"); the chunk fails (and is retried) if any of it fails, once
        // all of it has answered.
        await settled([
          // Redundant retries are harmless: completing inference is conditional on it being pending.
          ...inferred.reviews
            .filter(
              (review) =>
                review.insights?.status === 'pending' && stored.get(review.reviewId)?.kind !== 'stale',
            )
            .map((review) =>
              deps.inferenceRetry.send(
                JSON.stringify({
                  supplierId,
                  reviewId: review.reviewId,
                  ...withCorrelationId(review.correlationId),
                }),
                correlationAttributes(review.correlationId),
              ),
            ),
          deps.events.publish(
            inferred.reviews.flatMap((review) => eventsFor(review, stored.get(review.reviewId), storedAt)),
          ),
          observeReplies(supplierId, entries, replies, stored, deps.reviews),
        ]);
        const latestById = new Map(inferred.reviews.map((r) => [r.reviewId, r]));
        const assigned = new Set<string>();
        for (const { messageId, review } of aligned.flat()) {
          const winner = latestById.get(review.reviewId)!;
          const outcome: StoreOutcome = stored.get(review.reviewId) ?? { kind: 'duplicate', version: 1 };
          // The first message carrying the stored version takes the store's outcome; the others
          // of the same review are duplicates of it (same content) or superseded by it (stale).
          const sameContent = contentHash(review) === contentHash(winner);
          const isWinner = sameContent && !assigned.has(review.reviewId);
          if (isWinner) assigned.add(review.reviewId);
          const storedKind = outcome.kind === 'removed' ? 'ignored' : outcome.kind;
          const kind = isWinner ? storedKind : sameContent ? 'duplicate' : 'stale';
          outcomes.set(messageId, {
            kind,
            reviewId: review.reviewId,
            inferencePending: winner.insights?.status === 'pending',
            version: outcome.kind === 'created' ? 1 : outcome.version,
            ...(kind === 'created' ? { facts: storedReviewFacts(winner) } : {}),
          });
        }
      } catch (error) {
        for (const { messageId } of entries) outcomes.set(messageId, { kind: 'failed', error });
        if (!countedHere) chunkCountedOnce();
      }
    }),
  );
  // A chunk that failed after its store still counts its first stores: its redelivery finds them
  // stored (duplicates) and does not count them again.
  await statsWrite;
  return outcomes;
}

/** Waits for every promise; then throws the first rejection's reason, if any. */
async function settled(work: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The replies the chunk's sources show, merged into the stored reviews (domain/review-replies.ts),
 * after the reviews are stored (a new review is there to take its reply). Of several messages of
 * one review, the latest observation is merged; the merge itself ignores older ones.
 */
async function observeReplies(
  supplierId: string,
  entries: readonly { messageId: string; review: Review }[],
  replies: ReadonlyMap<string, ReplyObservation>,
  stored: ReadonlyMap<string, StoreOutcome>,
  reviews: ReviewRepository,
): Promise<void> {
  const latest = new Map<string, ReplyObservation>();
  for (const { messageId, review } of entries) {
    const observation = replies.get(messageId);
    if (!observation) continue;
    const known = latest.get(review.reviewId);
    if (!known || known.observedAt < observation.observedAt) latest.set(review.reviewId, observation);
  }
  for (const [reviewId, observation] of latest) {
    // A review stored just now has no reply yet: "none" changes nothing, and costs no read.
    if (observation.reply === null && stored.get(reviewId)?.kind === 'created') continue;
    await reviews.observeReply(supplierId, reviewId, observation);
  }
}

/**
 * Marks a review removed on its platform and announces review.removed (again on a redelivery,
 * with the same id: an earlier attempt may have stored the removal and failed to publish).
 */
async function applyRemoval(removal: ReviewRemoval, deps: IngestDeps): Promise<IngestOutcome> {
  try {
    const storedAt = deps.clock.now().toISOString();
    const outcome = await deps.reviews.markRemoved(removal, storedAt);
    if (outcome.kind !== 'tombstone') {
      const removedAt = outcome.review.removedAt ?? removal.removedAt;
      await deps.events.publish([removedEvent(outcome.review, removedAt, outcome.version, storedAt)]);
    }
    return {
      kind: 'removed',
      reviewId: removal.reviewId,
      duplicate: outcome.kind === 'duplicate',
      tombstone: outcome.kind === 'tombstone',
    };
  } catch (error) {
    return { kind: 'failed', error };
  }
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

/** The events of one stored review, by what storing it did. */
function eventsFor(review: Review, outcome: StoreOutcome | undefined, time: string) {
  if (outcome === undefined) return eventsForStoredReview(review, time);
  switch (outcome.kind) {
    case 'created':
      return eventsForStoredReview(review, time);
    case 'updated':
      return eventsForEditedReview(review, outcome.lastEdit, time);
    case 'duplicate':
      // Announced again (same ids) in case an earlier attempt stored it and failed to publish.
      // A duplicate of an edited version repeats that edit's events, and of the first-store
      // events only review.received (its rating may since have changed: a review.negative under
      // the first version's id would announce something that version never was).
      if (!outcome.lastEdit) return eventsForStoredReview(review, time);
      return [
        ...eventsForStoredReview(review, time).filter((event) => event.type === 'review.received'),
        ...eventsForEditedReview(review, outcome.lastEdit, time),
      ];
    case 'stale':
    case 'removed':
      return [];
  }
}
