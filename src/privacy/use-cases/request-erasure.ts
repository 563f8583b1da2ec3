/** Erasure requests (ops, `POST /v1/ops/privacy/erasures`) and their status. */
import type { AdminAuditTrail } from '../../audit';
import type { Clock } from '../../shared/clock';
import {
  erasureView,
  NO_COUNTS,
  uniqueRefs,
  widens,
  type ErasureView,
  type ReviewRef,
  type Tombstone,
} from '../domain/erasure';
import { erasureIdFor, subjectHash } from '../domain/subject';
import type { ErasureQueue, TombstoneStore } from '../ports';
import { recordPrivacyAct, type OpsRequestContext } from './acting';

export interface RequestErasureDeps {
  readonly tombstones: TombstoneStore;
  readonly queue: ErasureQueue;
  readonly audit: AdminAuditTrail;
  readonly clock: Clock;
}

export interface ErasureRequest {
  readonly email: string;
  /** Erase the reviews' title and text too (the name always goes). */
  readonly eraseText?: boolean;
  /** Reviews the person says are theirs that carry no address (platform or imported reviews). */
  readonly reviews?: readonly ReviewRef[];
}

/** `done`: nothing new to do (200, the recorded outcome); `accepted`: queued (202). */
export type ErasureAnswer = { readonly kind: 'done' | 'accepted'; readonly erasure: ErasureView };

/**
 * Request the erasure of a subject.
 * 1. Hash the address. A finished erasure that this request does not widen (no new review, no
 *    text where the first kept it) answers its recorded outcome (200): erasing twice is harmless.
 * 2. Write the tombstone first (status in-progress, scope merged with any earlier request): from
 *    now on review requests to the address are refused and erased reviews stay erased.
 * 3. Audit `privacy.erasure_requested`; queue the erasure (the hash and the actor, no address).
 *    The PrivacyWorker does the work (run-erasure.ts); the status route follows it (202).
 */
export async function requestErasure(
  request: ErasureRequest,
  context: OpsRequestContext,
  deps: RequestErasureDeps,
): Promise<ErasureAnswer> {
  const hash = subjectHash(request.email);
  const now = deps.clock.now();
  const scope = { eraseText: request.eraseText ?? false, reviews: uniqueRefs(request.reviews ?? []) };
  const existing = await deps.tombstones.get(erasureIdFor(hash));
  if (existing?.status === 'done' && !widens(existing, scope)) {
    await recordPrivacyAct(deps.audit, context, {
      kind: 'privacy.erasure_requested',
      subjectHash: hash,
      at: now,
      detail: 'already erased: nothing new to do',
    });
    return { kind: 'done', erasure: erasureView(existing) };
  }
  const tombstone: Tombstone = {
    subjectHash: hash,
    erasureId: erasureIdFor(hash),
    status: 'in-progress',
    requestedAt: existing?.requestedAt ?? now.toISOString(),
    eraseText: scope.eraseText || (existing?.eraseText ?? false),
    extraReviews: uniqueRefs([...(existing?.extraReviews ?? []), ...scope.reviews]),
    erasedReviews: existing?.erasedReviews ?? [],
    erasedRequests: existing?.erasedRequests ?? [],
    suppliersNotified: existing?.suppliersNotified ?? [],
    counts: existing?.counts ?? NO_COUNTS,
  };
  await deps.tombstones.put(tombstone);
  await recordPrivacyAct(deps.audit, context, {
    kind: 'privacy.erasure_requested',
    subjectHash: hash,
    at: now,
    detail: `eraseText=${tombstone.eraseText} namedReviews=${tombstone.extraReviews.length}${existing ? ' (again)' : ''}`,
  });
  await deps.queue.send({
    type: 'privacy.erase',
    version: 1,
    subjectHash: hash,
    actor: context.actor,
    ...(context.requestId ? { requestId: context.requestId } : {}),
    ...(context.sourceIp ? { sourceIp: context.sourceIp } : {}),
    ...(context.correlationId ? { correlationId: context.correlationId } : {}),
  });
  return { kind: 'accepted', erasure: erasureView(tombstone) };
}

/** The state of an erasure, by its id (`era_` + a prefix of the subject hash). */
export async function erasureStatus(
  erasureId: string,
  deps: { readonly tombstones: TombstoneStore },
): Promise<ErasureView | undefined> {
  const tombstone = await deps.tombstones.get(erasureId);
  return tombstone ? erasureView(tombstone) : undefined;
}
