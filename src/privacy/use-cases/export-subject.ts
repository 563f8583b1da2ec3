/** Export of a data subject's data (ops, `POST /v1/ops/privacy/exports`, `cli privacy export`). */
import type { AdminAuditTrail } from '../../audit';
import type { Clock } from '../../shared/clock';
import { erasureView, type ReviewRef } from '../domain/erasure';
import { erasureIdFor, subjectHash } from '../domain/subject';
import { assembleExport, parsedPayload, type HeldEvent, type SubjectExport } from '../domain/subject-export';
import type { SubjectDataReader, TombstoneStore } from '../ports';
import { recordPrivacyAct, type OpsRequestContext } from './acting';
import { deliveriesOfEvent, eventsOfReview, requestsOf, reviewsOf } from './find-subject-data';

export interface ExportSubjectDeps {
  readonly reader: SubjectDataReader;
  readonly tombstones: TombstoneStore;
  readonly audit: AdminAuditTrail;
  readonly clock: Clock;
}

/**
 * Export everything held about the person.
 * 1. Hash the address; read the tombstone (an erased subject's export says so).
 * 2. Find the review requests, their reviews and the named reviews, each review's audit entries,
 *    the event-log items about those reviews and their deliveries (find-subject-data.ts).
 * 3. Assemble one JSON document (domain/subject-export.ts).
 * 4. Audit `privacy.exported` (target: the hash prefix; detail: counts only).
 */
export async function exportSubject(
  request: { readonly email: string; readonly reviews?: readonly ReviewRef[] },
  context: OpsRequestContext,
  deps: ExportSubjectDeps,
): Promise<SubjectExport> {
  const hash = subjectHash(request.email);
  const tombstone = await deps.tombstones.get(erasureIdFor(hash));
  const requests = await requestsOf(deps.reader, hash);
  const reviews = await reviewsOf(deps.reader, requests, [
    ...(request.reviews ?? []),
    ...(tombstone?.erasedReviews ?? []),
  ]);
  const endpointsBySupplier = new Map<string, Promise<string[]>>();
  const endpointsOf = (supplierId: string) => {
    let ids = endpointsBySupplier.get(supplierId);
    if (!ids) endpointsBySupplier.set(supplierId, (ids = deps.reader.endpointIds(supplierId)));
    return ids;
  };
  const perReview = await Promise.all(
    reviews.map(async (review) => {
      const [auditTrail, logged] = await Promise.all([
        deps.reader.reviewAuditTrail(review.ref),
        eventsOfReview(deps.reader, review),
      ]);
      const endpointIds = logged.length > 0 ? await endpointsOf(review.ref.supplierId) : [];
      const events: HeldEvent[] = await Promise.all(
        logged.map(async (event) => ({
          eventId: String(event.eventId),
          eventType: String(event.eventType),
          time: String(event.time),
          payload: parsedPayload(String(event.body)),
          deliveries: await deliveriesOfEvent(deps.reader, endpointIds, String(event.eventId)),
        })),
      );
      return { review: { ...review.item }, auditTrail: auditTrail.map((a) => ({ ...a })), events };
    }),
  );
  const now = deps.clock.now();
  const document = assembleExport({
    email: request.email.trim(),
    generatedAt: now.toISOString(),
    reviewRequests: requests.map((r) => ({ ...r })),
    reviews: perReview.map(({ review, auditTrail }) => ({ review, auditTrail })),
    events: perReview.flatMap((r) => r.events),
    ...(tombstone ? { erasure: erasureView(tombstone) } : {}),
  });
  await recordPrivacyAct(deps.audit, context, {
    kind: 'privacy.exported',
    subjectHash: hash,
    at: now,
    detail: `reviewRequests=${document.reviewRequests.length} reviews=${document.reviews.length} events=${document.events.length}`,
  });
  return document;
}
