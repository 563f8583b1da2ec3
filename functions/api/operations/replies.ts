/** Reply operations: the supplier's reply to a review, published on the review's platform. */
import { ID_PATTERN } from '../../../src/shared/ids';
import { ProblemError } from '../../../src/shared/problem';
import { jsonResponse } from '../../../src/shared/http';
import { requestReply, type ReplyBody, type RequestReplyDeps } from '../../../src/platforms';
import { supplierOf, type Operations } from '../operation';

/** The review store comes from the review operations' deps (the same repository). */
export type ReplyDeps = Omit<RequestReplyDeps, 'reviews'>;
type Deps = ReplyDeps & Pick<RequestReplyDeps, 'reviews'>;

/** Unknown, malformed and other suppliers' ids all look the same: 404. */
function reviewIdOf(pathParameters: Record<string, string>): string {
  const id = pathParameters.id ?? '';
  if (!ID_PATTERN.test(id)) throw new ProblemError('not-found', 'no such review');
  return id;
}

export const replyOperations: Operations<'replyToReview' | 'deleteReviewReply', Deps> = {
  async replyToReview({ principal, pathParameters, body }, deps) {
    const { comment } = body as ReplyBody;
    const accepted = await requestReply(
      supplierOf(principal),
      reviewIdOf(pathParameters),
      { kind: 'reply', comment },
      deps,
    );
    return jsonResponse(202, accepted, { location: `/v1/reviews/${accepted.reviewId}` });
  },
  async deleteReviewReply({ principal, pathParameters }, deps) {
    const accepted = await requestReply(
      supplierOf(principal),
      reviewIdOf(pathParameters),
      { kind: 'delete-reply' },
      deps,
    );
    return jsonResponse(202, accepted, { location: `/v1/reviews/${accepted.reviewId}` });
  },
};
