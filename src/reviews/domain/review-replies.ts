/**
 * The business's reply as the review's source shows it (a platform sync, an import file), merged
 * with the reply state our API keeps on the review. Pure: the repository reads the stored reply,
 * asks `mergeObservedReply`, and writes the answer conditional on the reply it read.
 *
 * The rules, so a reply made through our API and then seen on the platform neither announces
 * anything twice nor flips back and forth:
 * - A request of ours in flight (`pending`) is the reply worker's: an observation never touches it.
 * - An observation older than what is stored says nothing new: for a reply recorded by our API,
 *   one made within REPLY_SETTLE_MS of its last change (the page may have been read before our
 *   call, or the platform's listing may lag it), or one whose reply predates our request; for a
 *   reply taken from an observation, one not newer than that observation.
 * - The same text as the stored reply (whitespace aside) changes nothing: our published reply
 *   stays ours (`source: api`), with its request time.
 * - Another text (written or edited on the platform, or in an import) becomes the reply, state
 *   `published`, with its source and the platform's time; a stored request time is kept, so
 *   requests through our API stay ordered (a new one always replaces it).
 * - No reply where one was published (`null`: only from platforms whose listing reports
 *   replies): it was deleted on the platform. The reply becomes a published deletion
 *   (`action: delete-reply`, no comment), which also keeps the request time, so a redelivered old
 *   request cannot publish the deleted reply again. A failed request of ours stays as it is.
 * - Nothing is announced: these are facts the platform already shows, not actions of ours
 *   (review.replied and review.reply_failed stay the reply worker's, one per request).
 */
import { normaliseText } from '../../shared/text';
import type { ReviewReply } from './review';
import type { ObservedReplyMessage } from './review-message-schemas';

/** How long after our own reply changed an observation of the platform is not trusted to contradict it. */
export const REPLY_SETTLE_MS = 5 * 60_000;

/** What a source showed of the reply, and when it was looked at. */
export interface ReplyObservation {
  /** The reply, or null: the platform says there is none. */
  readonly reply: ObservedReplyMessage;
  /** When the source was read (the sync's or the import's receipt time). */
  readonly observedAt: string;
}

export type ReplyMerge =
  { readonly kind: 'keep'; readonly why: string } | { readonly kind: 'set'; readonly reply: ReviewReply };

const ms = (time: string | undefined): number | undefined => {
  if (time === undefined) return undefined;
  const value = Date.parse(time);
  return Number.isNaN(value) ? undefined : value;
};

/** Text as compared: normalised the way our text rules store it, whitespace runs as one space. */
const comparable = (comment: string | undefined): string =>
  normaliseText(comment ?? '')
    .replace(/\s+/g, ' ')
    .trim();

const fromApi = (reply: ReviewReply) => (reply.source ?? 'api') === 'api';

/** What the stored reply becomes given what the source showed (see the rules above). */
export function mergeObservedReply(
  current: ReviewReply | undefined,
  observation: ReplyObservation,
): ReplyMerge {
  const seen = observation.reply;
  const observedAt = ms(observation.observedAt);
  if (observedAt === undefined) return { kind: 'keep', why: 'the observation has no valid time' };
  if (current) {
    if (current.state === 'pending') return { kind: 'keep', why: 'a request of ours is in flight' };
    const updatedAt = ms(current.updatedAt) ?? 0;
    if (fromApi(current)) {
      if (observedAt < updatedAt + REPLY_SETTLE_MS) {
        return { kind: 'keep', why: 'observed too soon after our own reply changed' };
      }
      const repliedAt = ms(seen?.repliedAt ?? undefined);
      const requestedAt = ms(current.requestedAt);
      if (repliedAt !== undefined && requestedAt !== undefined && repliedAt < requestedAt) {
        return { kind: 'keep', why: "the platform's reply predates our request" };
      }
    } else if (observedAt <= updatedAt) {
      return { kind: 'keep', why: 'not newer than the stored observation' };
    }
  }
  const carried = current?.requestedAt !== undefined ? { requestedAt: current.requestedAt } : {};
  if (seen === null) {
    if (!current || current.action === 'delete-reply' || current.state === 'failed') {
      return { kind: 'keep', why: 'no reply, and none published' };
    }
    return {
      kind: 'set',
      reply: {
        action: 'delete-reply',
        state: 'published',
        source: 'platform',
        ...carried,
        updatedAt: observation.observedAt,
      },
    };
  }
  if (
    current?.action === 'reply' &&
    current.state === 'published' &&
    comparable(current.comment) === comparable(seen.comment)
  ) {
    return { kind: 'keep', why: 'the same reply' };
  }
  return {
    kind: 'set',
    reply: {
      action: 'reply',
      state: 'published',
      source: seen.source,
      comment: seen.comment,
      ...carried,
      updatedAt: observation.observedAt,
      ...(seen.repliedAt !== undefined ? { repliedAt: new Date(seen.repliedAt).toISOString() } : {}),
    },
  };
}
