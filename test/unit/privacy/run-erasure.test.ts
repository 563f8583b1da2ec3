/**
 * The erasure use case with in-memory ports: the steps it takes, what it counts, that a rerun
 * changes and counts nothing, and that messages which can never run are told apart.
 */
import type { AdminAct } from '../../../src/audit';
import type { DomainEvent } from '../../../src/events';
import {
  erasureIdFor,
  NO_COUNTS,
  parseErasureMessage,
  runErasure,
  subjectHash,
  UnrunnableErasureError,
  type ErasureMessage,
  type ReviewRef,
  type StoredItem,
  type SubjectDataEraser,
  type SubjectDataReader,
  type Tombstone,
  type TombstoneStore,
} from '../../../src/privacy';
import { reviewIdFor } from '../../../src/reviews';

const HASH = subjectHash('jo@example.com');
const REVIEW_ID = reviewIdFor('sup_1', { kind: 'review-request', requestId: 'rrq_1' });

/** One review request, its review and nothing else; writes flip state and report a change once. */
function world() {
  const requests = new Map<string, StoredItem>([['rrq_1', { supplierId: 'sup_1', requestId: 'rrq_1' }]]);
  const erased = new Set<string>();
  let tombstone: Tombstone | undefined;
  const reader: SubjectDataReader = {
    requestsOf: async () => ({ items: [...requests.values()] }),
    getReview: async (ref: ReviewRef) =>
      ref.reviewId === REVIEW_ID ? { reviewId: REVIEW_ID, version: 1 } : undefined,
    reviewAuditTrail: async () => [],
    loggedEvents: async () => [],
    endpointIds: async () => [],
    deliveries: async () => [],
  };
  const eraser: SubjectDataEraser = {
    deleteReviewRequest: async (_s, id) => requests.delete(id),
    anonymiseReview: async (ref) => !erased.has(ref.reviewId) && Boolean(erased.add(ref.reviewId)),
    anonymiseReviewAudit: async () => 0,
    purgeLoggedEvent: async () => false,
    scrubDelivery: async () => false,
  };
  const tombstones: TombstoneStore = {
    get: async (id) => (tombstone?.erasureId === id ? tombstone : undefined),
    put: async (t) => void (tombstone = t),
  };
  const published: DomainEvent[] = [];
  const acts: AdminAct[] = [];
  const deps = {
    reader,
    eraser,
    tombstones,
    events: { publish: async (events: readonly DomainEvent[]) => void published.push(...events) },
    audit: { record: async (act: AdminAct) => void acts.push(act) },
    clock: { now: () => new Date('2026-12-03T17:00:00.000Z') },
  };
  const open = () =>
    tombstones.put({
      subjectHash: HASH,
      erasureId: erasureIdFor(HASH),
      status: 'in-progress',
      requestedAt: '2026-12-03T16:59:00.000Z',
      eraseText: false,
      extraReviews: [],
      erasedReviews: [],
      erasedRequests: [],
      suppliersNotified: [],
      counts: NO_COUNTS,
    });
  return { deps, published, acts, open, requests };
}

const message: ErasureMessage = {
  type: 'privacy.erase',
  version: 1,
  subjectHash: HASH,
  actor: { type: 'ops', keyId: 'key_1' },
};

describe('runErasure', () => {
  it('anonymises the review, deletes the request, tells the supplier and audits each step', async () => {
    const w = world();
    await w.open();
    const done = await runErasure(message, w.deps);
    expect(done).toMatchObject({
      status: 'done',
      erasedReviews: [{ supplierId: 'sup_1', reviewId: REVIEW_ID }],
      erasedRequests: [{ supplierId: 'sup_1', requestId: 'rrq_1' }],
      suppliersNotified: ['sup_1'],
      counts: { ...NO_COUNTS, reviewRequestsDeleted: 1, reviewsAnonymised: 1 },
    });
    expect(w.requests.size).toBe(0);
    expect(w.published.map((e) => [e.type, e.supplierId])).toEqual([['privacy.erasure_requested', 'sup_1']]);
    expect(w.acts.map((a) => a.kind)).toEqual(['privacy.erased', 'privacy.erased', 'privacy.erased']);
    expect(w.acts.every((a) => a.target === `subject:${HASH.slice(0, 16)}` && a.actor.type === 'ops')).toBe(
      true,
    );
    expect(JSON.stringify(w.acts)).not.toContain('jo@example.com');
  });

  it('run again, changes and counts nothing more, and announces the same event id', async () => {
    const w = world();
    await w.open();
    const first = await runErasure(message, w.deps);
    const second = await runErasure(message, w.deps);
    expect(second.counts).toEqual(first.counts);
    expect(second.erasedReviews).toEqual(first.erasedReviews);
    expect(new Set(w.published.map((e) => e.id)).size).toBe(1);
  });

  it('cannot run without a tombstone, nor from a malformed message', async () => {
    const w = world();
    await expect(runErasure(message, w.deps)).rejects.toBeInstanceOf(UnrunnableErasureError);
    expect(() => parseErasureMessage('{')).toThrow(UnrunnableErasureError);
    expect(() => parseErasureMessage(JSON.stringify({ ...message, email: 'jo@example.com' }))).toThrow(
      UnrunnableErasureError,
    );
    expect(parseErasureMessage(JSON.stringify(message))).toEqual(message);
  });
});
