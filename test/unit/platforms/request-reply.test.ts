/** The API side of replies: which reviews can be answered, and what is queued (in-memory fakes). */
import { requestReply, type ReplyMessage, type RequestReplyDeps } from '../../../src/platforms';
import { ProblemError } from '../../../src/shared/problem';
import type { ReviewView } from '../../../src/reviews';

const synced: ReviewView = {
  reviewId: 'rev_1',
  supplierId: 'sup_1',
  platform: 'google',
  externalId: 'g-1',
  rating: 5,
  connection: { connectionId: 'con_1', locationId: 'accounts/1/locations/2' },
  title: 'Lovely',
  body: 'Great',
  reviewerName: 'Jo',
  verified: false,
  reviewedAt: '2026-06-01T10:00:00.000Z',
  receivedAt: '2026-06-01T10:00:01.000Z',
  versionAt: '2026-06-01T10:00:01.000Z',
  origin: { kind: 'external', platform: 'google', externalId: 'g-1' },
  actor: { kind: 'producer', id: 'platform-sync:con_1' },
  state: 'active',
  storedAt: '2026-06-01T10:00:02.000Z',
};

function deps(review: ReviewView | undefined, supportsReplies = true) {
  const sent: { message: ReplyMessage; delaySeconds?: number }[] = [];
  const d: RequestReplyDeps = {
    reviews: {
      get: async (supplierId, id) =>
        review && review.supplierId === supplierId && review.reviewId === id ? review : undefined,
    },
    replyQueue: { send: async (messages) => void sent.push(...messages) },
    replyCapability: () => ({ supportsReplies, maxReplyLength: 10 }),
    clock: { now: () => new Date('2026-06-21T10:00:00.000Z') },
  };
  return { d, sent };
}

async function problemOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemError) return error.problem;
    throw error;
  }
  throw new Error('no problem raised');
}

describe('requestReply', () => {
  it('queues a reply to a synced review with its connection, location and external id', async () => {
    const { d, sent } = deps(synced);
    expect(await requestReply('sup_1', 'rev_1', { kind: 'reply', comment: 'Thanks!' }, d)).toEqual({
      reviewId: 'rev_1',
      action: 'reply',
      status: 'queued',
      requestedAt: '2026-06-21T10:00:00.000Z',
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message).toMatchObject({
      kind: 'reply',
      connectionId: 'con_1',
      supplierId: 'sup_1',
      locationId: 'accounts/1/locations/2',
      reviewId: 'rev_1',
      externalId: 'g-1',
      platform: 'google',
      comment: 'Thanks!',
      requestedAt: '2026-06-21T10:00:00.000Z',
    });
  });

  it('queues a deletion without a comment', async () => {
    const { d, sent } = deps(synced);
    await requestReply('sup_1', 'rev_1', { kind: 'delete-reply' }, d);
    expect(sent[0]!.message.kind).toBe('delete-reply');
    expect(sent[0]!.message).not.toHaveProperty('comment');
  });

  it('answers 404 for an unknown review and another supplier’s, queueing nothing', async () => {
    const { d, sent } = deps(synced);
    expect((await problemOf(requestReply('sup_2', 'rev_1', { kind: 'delete-reply' }, d))).status).toBe(404);
    expect(sent).toEqual([]);
  });

  it.each([
    [
      'a review from our own API',
      { ...synced, platform: 'wedsync', origin: { kind: 'idempotency-key', key: 'k' } },
    ],
    [
      'an imported review of a platform we do not connect to',
      {
        ...synced,
        platform: 'theknot',
        origin: { kind: 'external', platform: 'theknot', externalId: 'k-1' },
      },
    ],
    ['an imported Google review that was not synced (no connection)', { ...synced, connection: undefined }],
    ['a review removed on its platform', { ...synced, state: 'removed' }],
  ])('answers 409 for %s', async (_what, review) => {
    const { d, sent } = deps(review as ReviewView);
    expect(
      (await problemOf(requestReply('sup_1', 'rev_1', { kind: 'reply', comment: 'Hi' }, d))).status,
    ).toBe(409);
    expect(sent).toEqual([]);
  });

  it('answers 409 when the platform takes no replies by API', async () => {
    const { d, sent } = deps(synced, false);
    const problem = await problemOf(requestReply('sup_1', 'rev_1', { kind: 'reply', comment: 'Hi' }, d));
    expect(problem).toMatchObject({ status: 409, detail: 'google does not take replies through its API' });
    expect(sent).toEqual([]);
  });

  it('answers 422 for a reply longer than the platform takes', async () => {
    const { d, sent } = deps(synced);
    const problem = await problemOf(
      requestReply('sup_1', 'rev_1', { kind: 'reply', comment: 'x'.repeat(11) }, d),
    );
    expect(problem).toMatchObject({ status: 422, errors: [{ path: 'comment' }] });
    expect(sent).toEqual([]);
  });
});
