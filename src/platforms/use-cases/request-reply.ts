/**
 * The API side of replies: POST / DELETE /v1/reviews/{id}/reply. Checks that the review can be
 * answered on its platform and queues the request; the reply worker does the rest (202).
 */
import { ProblemError } from '../../shared/problem';
import { codePointLength } from '../../shared/text';
import type { Clock } from '../../shared/clock';
import { randomId } from '../../shared/ids';
import type { ReviewView } from '../../reviews';
import type { ReplyMessage } from '../domain/connection';
import { CONNECTED_PLATFORMS, type ConnectedPlatform } from '../domain/platform';
import type { ReplyQueue } from '../ports';

/** What the API knows of a platform's replies (from its adapter: PlatformAdapter). */
export interface ReplyCapability {
  readonly supportsReplies: boolean;
  readonly maxReplyLength?: number;
}

export interface RequestReplyDeps {
  readonly reviews: { get(supplierId: string, reviewId: string): Promise<ReviewView | undefined> };
  readonly replyQueue: ReplyQueue;
  readonly replyCapability: (platform: ConnectedPlatform) => ReplyCapability;
  readonly clock: Clock;
}

export interface ReplyAccepted {
  readonly reviewId: string;
  readonly action: ReplyMessage['kind'];
  readonly status: 'queued';
  readonly requestedAt: string;
}

const isConnectedPlatform = (platform: string): platform is ConnectedPlatform =>
  (CONNECTED_PLATFORMS as readonly string[]).includes(platform);

/**
 * 1. The review must exist (404: unknown ids and other suppliers' look the same).
 * 2. It must have come from a connected platform through a connection (synced), not be removed
 *    there, and its platform must take replies by API: otherwise 409, nothing queued.
 * 3. A reply must fit the platform's own length limit (422 with the field).
 * 4. Queue the request (kind, connection, location, external id, time); answer once queued.
 */
export async function requestReply(
  supplierId: string,
  reviewId: string,
  action: { kind: 'reply'; comment: string } | { kind: 'delete-reply' },
  deps: RequestReplyDeps,
): Promise<ReplyAccepted> {
  const review = await deps.reviews.get(supplierId, reviewId);
  if (!review) throw new ProblemError('not-found', 'no such review');
  const platform = review.platform;
  if (review.origin.kind !== 'external' || !review.connection || !isConnectedPlatform(platform)) {
    throw new ProblemError(
      'conflict',
      'only reviews synced from a connected platform (Google, Trustpilot, Facebook, Yelp) can be answered here',
    );
  }
  if (review.state === 'removed') {
    throw new ProblemError('conflict', `the review was removed on ${platform}`);
  }
  const capability = deps.replyCapability(platform);
  if (!capability.supportsReplies) {
    throw new ProblemError('conflict', `${platform} does not take replies through its API`);
  }
  if (action.kind === 'reply' && capability.maxReplyLength !== undefined) {
    if (codePointLength(action.comment) > capability.maxReplyLength) {
      throw new ProblemError('validation-error', 'the reply is too long for the platform', [
        { path: 'comment', message: `at most ${capability.maxReplyLength} characters on ${platform}` },
      ]);
    }
  }
  const requestedAt = deps.clock.now().toISOString();
  const message: ReplyMessage = {
    kind: action.kind,
    connectionId: review.connection.connectionId,
    supplierId,
    locationId: review.connection.locationId,
    reviewId,
    externalId: review.origin.externalId,
    platform,
    ...(action.kind === 'reply' ? { comment: action.comment } : {}),
    requestedAt,
    correlationId: randomId('cor'),
  };
  await deps.replyQueue.send([{ message }]);
  return { reviewId, action: action.kind, status: 'queued', requestedAt };
}
