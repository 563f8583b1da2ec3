/**
 * The business's reply as a platform or an import shows it, merged with the reply state our API
 * keeps (domain/review-replies.ts): no flip-flops, nothing done twice, deletions on the platform.
 */
import {
  REPLY_SETTLE_MS,
  mergeObservedReply,
  type ReplyObservation,
  type ReviewReply,
} from '../../../src/reviews';

const T0 = Date.parse('2026-06-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const LATER = REPLY_SETTLE_MS + 1000;

const seen = (
  reply: { comment: string; repliedAt?: string } | null,
  observedAfterMs: number,
  source: 'platform' | 'import' = 'platform',
): ReplyObservation => ({
  reply: reply === null ? null : { source, ...reply },
  observedAt: at(observedAfterMs),
});

/** Our API's reply, published at T0 for a request made a second before. */
const ours = (fields: Partial<ReviewReply> = {}): ReviewReply => ({
  action: 'reply',
  state: 'published',
  source: 'api',
  comment: 'Thank you both!',
  requestedAt: at(-1000),
  updatedAt: at(0),
  ...fields,
});

describe('a review without a stored reply', () => {
  it("takes the platform's reply as published, with its source and the platform's time", () => {
    expect(
      mergeObservedReply(undefined, seen({ comment: 'Thanks!', repliedAt: '2026-05-30T08:00:00+02:00' }, 0)),
    ).toEqual({
      kind: 'set',
      reply: {
        action: 'reply',
        state: 'published',
        source: 'platform',
        comment: 'Thanks!',
        updatedAt: at(0),
        repliedAt: '2026-05-30T06:00:00.000Z',
      },
    });
  });

  it("takes an import's reply with source import", () => {
    const merge = mergeObservedReply(undefined, seen({ comment: 'Thanks!' }, 0, 'import'));
    expect(merge).toMatchObject({ kind: 'set', reply: { source: 'import', state: 'published' } });
    expect(merge.kind === 'set' && merge.reply).not.toHaveProperty('requestedAt');
  });

  it('stays without one when the platform shows none', () => {
    expect(mergeObservedReply(undefined, seen(null, 0)).kind).toBe('keep');
  });
});

describe('a reply made through our API', () => {
  it('is left to the reply worker while its request is in flight, whatever the platform shows', () => {
    const pending = ours({ state: 'pending' });
    expect(mergeObservedReply(pending, seen({ comment: 'Other' }, LATER * 10)).kind).toBe('keep');
    expect(mergeObservedReply(pending, seen(null, LATER * 10)).kind).toBe('keep');
  });

  it('stays ours (source api, no write) when the platform shows the same text, whitespace aside', () => {
    expect(mergeObservedReply(ours(), seen({ comment: ' Thank you   both!\n' }, LATER))).toEqual({
      kind: 'keep',
      why: 'the same reply',
    });
  });

  it('is not contradicted by what was read within the settle time (the page may predate our call)', () => {
    expect(mergeObservedReply(ours(), seen(null, 1000)).kind).toBe('keep');
    expect(mergeObservedReply(ours(), seen({ comment: 'Old reply' }, REPLY_SETTLE_MS - 1)).kind).toBe('keep');
  });

  it("is not replaced by a platform reply older than our request (the platform's listing lags)", () => {
    expect(
      mergeObservedReply(ours(), seen({ comment: 'Old reply', repliedAt: at(-60_000) }, LATER)).kind,
    ).toBe('keep');
  });

  it("becomes the platform's reply once edited there, keeping our request time for ordering", () => {
    const merge = mergeObservedReply(
      ours(),
      seen({ comment: 'Edited on Google', repliedAt: at(30_000) }, LATER),
    );
    expect(merge).toEqual({
      kind: 'set',
      reply: {
        action: 'reply',
        state: 'published',
        source: 'platform',
        comment: 'Edited on Google',
        requestedAt: at(-1000),
        updatedAt: at(LATER),
        repliedAt: at(30_000),
      },
    });
  });

  it('is cleared when deleted on the platform: a published deletion that keeps the request time', () => {
    expect(mergeObservedReply(ours(), seen(null, LATER))).toEqual({
      kind: 'set',
      reply: {
        action: 'delete-reply',
        state: 'published',
        source: 'platform',
        requestedAt: at(-1000),
        updatedAt: at(LATER),
      },
    });
  });

  it('that failed stays failed when the platform shows none, and gives way to a reply written there', () => {
    const failed = ours({ state: 'failed', reason: 'Trustpilot answered 400' });
    expect(mergeObservedReply(failed, seen(null, LATER)).kind).toBe('keep');
    expect(mergeObservedReply(failed, seen({ comment: 'Written on Trustpilot' }, LATER))).toMatchObject({
      kind: 'set',
      reply: { source: 'platform', state: 'published', comment: 'Written on Trustpilot' },
    });
  });

  it('deleted through our API stays deleted while the platform shows none', () => {
    const deleted = ours({ action: 'delete-reply', comment: undefined });
    expect(mergeObservedReply(deleted, seen(null, LATER)).kind).toBe('keep');
  });

  it('recorded before sources existed counts as ours', () => {
    const { source: _api, ...legacy } = ours();
    expect(mergeObservedReply(legacy, seen(null, 1000)).kind).toBe('keep');
    expect(mergeObservedReply(legacy, seen({ comment: 'Thank you both!' }, LATER)).kind).toBe('keep');
  });
});

describe('a reply taken from the platform', () => {
  const fromPlatform = (): ReviewReply => ({
    action: 'reply',
    state: 'published',
    source: 'platform',
    comment: 'Thanks!',
    updatedAt: at(0),
  });

  it('does not change on a re-sync showing the same, nor on an older observation (out of order)', () => {
    expect(mergeObservedReply(fromPlatform(), seen({ comment: 'Thanks!' }, 60_000)).kind).toBe('keep');
    expect(mergeObservedReply(fromPlatform(), seen({ comment: 'Older text' }, -1)).kind).toBe('keep');
    expect(mergeObservedReply(fromPlatform(), seen(null, 0)).kind).toBe('keep');
  });

  it('follows a newer observation: an edit, then a deletion, then a new reply', () => {
    const edited = mergeObservedReply(fromPlatform(), seen({ comment: 'Thanks again!' }, 1000));
    expect(edited).toMatchObject({ kind: 'set', reply: { comment: 'Thanks again!', updatedAt: at(1000) } });
    const deleted = mergeObservedReply(edited.kind === 'set' ? edited.reply : undefined, seen(null, 2000));
    expect(deleted).toMatchObject({ kind: 'set', reply: { action: 'delete-reply', state: 'published' } });
    expect(deleted.kind === 'set' && deleted.reply).not.toHaveProperty('requestedAt');
    const again = mergeObservedReply(
      deleted.kind === 'set' ? deleted.reply : undefined,
      seen({ comment: 'Hi' }, 3000),
    );
    expect(again).toMatchObject({ kind: 'set', reply: { action: 'reply', comment: 'Hi' } });
  });

  it('ignores an observation without a valid time', () => {
    expect(
      mergeObservedReply(undefined, { reply: { source: 'platform', comment: 'x' }, observedAt: 'soon' }).kind,
    ).toBe('keep');
  });
});
