/** The erasure itself, run by the PrivacyWorker from the Privacy queue. */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import type { AdminAuditTrail } from '../../audit';
import type { DomainEvent, EventPublisher } from '../../events';
import type { Clock } from '../../shared/clock';
import { eventIdFor } from '../../shared/ids';
import {
  addCounts,
  NO_COUNTS,
  uniqueRefs,
  type ErasureCounts,
  type RequestRef,
  type ReviewRef,
  type Tombstone,
} from '../domain/erasure';
import { erasureIdFor, SUBJECT_HASH_PATTERN } from '../domain/subject';
import type {
  ErasureMessage,
  StoredItem,
  SubjectDataEraser,
  SubjectDataReader,
  TombstoneStore,
} from '../ports';
import { recordPrivacyAct, type OpsRequestContext } from './acting';
import { deliveriesOfEvent, eventsOfReview, requestsOf, reviewsOf } from './find-subject-data';

export interface RunErasureDeps {
  readonly reader: SubjectDataReader;
  readonly eraser: SubjectDataEraser;
  readonly tombstones: TombstoneStore;
  readonly events: EventPublisher;
  readonly audit: AdminAuditTrail;
  readonly clock: Clock;
}

export const erasureMessageSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    type: z.literal('privacy.erase'),
    version: z.literal(1),
    subjectHash: z.string().check(z.regex(SUBJECT_HASH_PATTERN)),
    actor: z.strictObject({ type: z.literal('ops'), keyId: z.optional(z.string().check(z.maxLength(64))) }),
    requestId: z.optional(z.string().check(z.maxLength(128))),
    sourceIp: z.optional(z.string().check(z.maxLength(64))),
    correlationId: z.optional(z.string().check(z.maxLength(128))),
  }),
);

/** A message that can never succeed (malformed, or no tombstone): dropped, not retried. */
export class UnrunnableErasureError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnrunnableErasureError';
  }
}

export const parseErasureMessage = (body: string): ErasureMessage => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UnrunnableErasureError('not JSON');
  }
  const parsed = erasureMessageSchema().safeParse(json);
  if (!parsed.success) throw new UnrunnableErasureError('not a privacy.erase message');
  return parsed.data;
};

/**
 * Erase a subject. Every step is idempotent and the tombstone is saved after each, so a run that
 * times out or fails is simply run again by SQS (and its DLQ after five tries, runbook
 * privacy-dlq-not-empty.md); a run that finds nothing left changes nothing and adds nothing.
 * 1. Read the tombstone (written by the request): its scope (text or not, named reviews).
 * 2. Reviews: those of the address's review requests and the named ones are anonymised in place
 *    and marked erased, with the earlier versions in their audit entries.
 * 3. Event log: the logged events about those reviews are deleted, and the subscribers' responses
 *    kept with their deliveries blanked.
 * 4. Review requests of the address are deleted (they hold the address and the couple's name).
 * 5. Each supplier concerned is told with a `privacy.erasure_requested` event (no personal data:
 *    ids only), so their own systems erase their copies.
 * 6. The tombstone is marked done; every step is audited as `privacy.erased` (counts only).
 */
export async function runErasure(message: ErasureMessage, deps: RunErasureDeps): Promise<Tombstone> {
  const context: OpsRequestContext = {
    actor: message.actor,
    ...(message.sourceIp ? { sourceIp: message.sourceIp } : {}),
    ...(message.requestId ? { requestId: message.requestId } : {}),
    ...(message.correlationId ? { correlationId: message.correlationId } : {}),
  };
  const hash = message.subjectHash;
  let tombstone = await deps.tombstones.get(erasureIdFor(hash));
  if (!tombstone || tombstone.subjectHash !== hash) throw new UnrunnableErasureError('no tombstone');
  const audit = (detail: string, supplierId?: string) =>
    recordPrivacyAct(deps.audit, context, {
      kind: 'privacy.erased',
      subjectHash: hash,
      at: deps.clock.now(),
      detail,
      ...(supplierId !== undefined ? { supplierId } : {}),
    });
  const save = async (changes: Partial<Tombstone>, counts: ErasureCounts) => {
    tombstone = { ...tombstone!, ...changes, counts: addCounts(tombstone!.counts, counts) };
    await deps.tombstones.put(tombstone);
  };

  const requests = await requestsOf(deps.reader, hash);
  const reviews = await reviewsOf(deps.reader, requests, [
    ...tombstone.extraReviews,
    ...tombstone.erasedReviews,
  ]);

  // 2 and 3, review by review.
  for (const review of reviews) {
    const counts = await eraseReview(review, tombstone, deps);
    await save({ erasedReviews: uniqueRefs([...tombstone.erasedReviews, review.ref]) }, counts);
    await audit(`review ${review.ref.reviewId}: ${describe(counts)}`, review.ref.supplierId);
  }

  // 4.
  const found: RequestRef[] = [];
  let deleted = 0;
  for (const request of requests) {
    const ref = { supplierId: String(request.supplierId), requestId: String(request.requestId) };
    if (await deps.eraser.deleteReviewRequest(ref.supplierId, ref.requestId)) deleted += 1;
    found.push(ref);
  }
  const known = new Set(tombstone.erasedRequests.map((r) => r.requestId));
  await save(
    { erasedRequests: [...tombstone.erasedRequests, ...found.filter((r) => !known.has(r.requestId))] },
    { ...NO_COUNTS, reviewRequestsDeleted: deleted },
  );
  for (const supplierId of new Set(found.map((r) => r.supplierId))) {
    await audit(
      `review requests deleted: ${found.filter((r) => r.supplierId === supplierId).length}`,
      supplierId,
    );
  }

  // 5.
  const notices = notificationsFor(tombstone, deps.clock.now().toISOString());
  await deps.events.publish(notices);
  const notified = notices.map((n) => n.supplierId);

  // 6.
  await save(
    {
      status: 'done',
      completedAt: deps.clock.now().toISOString(),
      suppliersNotified: [...new Set([...tombstone.suppliersNotified, ...notified])],
    },
    NO_COUNTS,
  );
  await audit(`erasure done: ${describe(tombstone.counts)}; suppliers notified: ${notified.length}`);
  return tombstone;
}

async function eraseReview(
  review: { ref: ReviewRef; item: StoredItem },
  tombstone: Tombstone,
  deps: RunErasureDeps,
): Promise<ErasureCounts> {
  const { ref } = review;
  const anonymised = await deps.eraser.anonymiseReview(
    ref,
    tombstone.eraseText,
    tombstone.erasureId,
    deps.clock.now().toISOString(),
  );
  const auditEntries = await deps.eraser.anonymiseReviewAudit(ref, tombstone.eraseText);
  const logged = await eventsOfReview(deps.reader, review);
  const endpointIds = logged.length > 0 ? await deps.reader.endpointIds(ref.supplierId) : [];
  let eventsPurged = 0;
  let deliveriesScrubbed = 0;
  for (const event of logged) {
    const eventId = String(event.eventId);
    for (const delivery of await deliveriesOfEvent(deps.reader, endpointIds, eventId)) {
      if (await deps.eraser.scrubDelivery(String(delivery.deliveryId))) deliveriesScrubbed += 1;
    }
    if (await deps.eraser.purgeLoggedEvent(ref.supplierId, eventId)) eventsPurged += 1;
  }
  return {
    ...NO_COUNTS,
    reviewsAnonymised: anonymised ? 1 : 0,
    reviewAuditEntriesAnonymised: auditEntries,
    eventsPurged,
    deliveriesScrubbed,
  };
}

const describe = (c: ErasureCounts): string =>
  `requests=${c.reviewRequestsDeleted} reviews=${c.reviewsAnonymised} reviewAudit=${c.reviewAuditEntriesAnonymised} events=${c.eventsPurged} deliveries=${c.deliveriesScrubbed}`;

/**
 * One `privacy.erasure_requested` event per supplier concerned, from what the tombstone records as
 * erased. Its id is derived from the erasure, the supplier and that scope: a rerun announces
 * nothing new (the same id), a widened erasure does.
 */
export function notificationsFor(tombstone: Tombstone, time: string): DomainEvent[] {
  const suppliers = new Set([
    ...tombstone.erasedReviews.map((r) => r.supplierId),
    ...tombstone.erasedRequests.map((r) => r.supplierId),
  ]);
  return [...suppliers].sort().map((supplierId) => {
    const reviewIds = tombstone.erasedReviews
      .filter((r) => r.supplierId === supplierId)
      .map((r) => r.reviewId)
      .sort();
    const reviewRequestIds = tombstone.erasedRequests
      .filter((r) => r.supplierId === supplierId)
      .map((r) => r.requestId)
      .sort();
    const scope = [
      tombstone.erasureId,
      supplierId,
      String(tombstone.eraseText),
      ...reviewIds,
      ...reviewRequestIds,
    ];
    return {
      id: eventIdFor(scope.join('#'), 'privacy.erasure_requested'),
      type: 'privacy.erasure_requested',
      time,
      supplierId,
      subject: tombstone.erasureId,
      data: {
        erasureId: tombstone.erasureId,
        supplierId,
        reviewIds,
        reviewRequestIds,
        textErased: tombstone.eraseText,
        requestedAt: tombstone.requestedAt,
      },
    };
  });
}
