/**
 * The business's reply as each platform reports it, carried to the ingest message
 * (domain/review-messages.ts): the reply, "none" only where the platform's answer says so, and
 * nothing where a platform says nothing of replies (Yelp, Facebook). And the ingest side reads it.
 */
import { googleReviewSchema, toPlatformReview } from '../../../src/platforms/adapters/google-wire';
import { mapTrustpilotReview, trustpilotReviewSchema } from '../../../src/platforms/adapters/trustpilot-wire';
import {
  reviewSubmittedFor,
  type ConnectedPlatform,
  type Connection,
  type PlatformReview,
} from '../../../src/platforms';
import { reviewAndReplyFromQueuedBody } from '../../../src/reviews';

const RECEIVED = '2026-06-01T10:00:00.000Z';

const connection = (platform: ConnectedPlatform): Connection => ({
  connectionId: 'con_1',
  supplierId: 'sup_1',
  platform,
  status: 'active',
  locations: [{ locationId: 'loc-1' }],
  createdAt: RECEIVED,
  updatedAt: RECEIVED,
});

function replyIn(platform: ConnectedPlatform, review: PlatformReview): unknown {
  const result = reviewSubmittedFor(connection(platform), 'loc-1', review, RECEIVED);
  if (!result.ok) throw new Error(result.reason);
  return 'reply' in result.message ? result.message.reply : 'absent';
}

const google = (fields: Record<string, unknown>) =>
  toPlatformReview(
    googleReviewSchema().parse({
      name: 'accounts/1/locations/2/reviews/g-1',
      starRating: 'FIVE',
      comment: 'Lovely',
      createTime: '2026-05-01T10:00:00Z',
      updateTime: '2026-05-01T10:00:00Z',
      ...fields,
    }),
  );

const trustpilot = (fields: Record<string, unknown>) =>
  mapTrustpilotReview(
    trustpilotReviewSchema().parse({
      id: 't-1',
      stars: 5,
      text: 'Lovely',
      createdAt: '2026-05-01T10:00:00Z',
      ...fields,
    }),
  );

describe('Google: reviewReply {comment, updateTime}', () => {
  it('is the reply, with its update time as the reply time', () => {
    expect(
      replyIn(
        'google',
        google({ reviewReply: { comment: 'Thank you!', updateTime: '2026-05-02T09:00:00.5Z' } }),
      ),
    ).toEqual({ source: 'platform', comment: 'Thank you!', repliedAt: '2026-05-02T09:00:00.500Z' });
  });

  it('absent means no reply (null), so a reply deleted on Google is seen as gone', () => {
    expect(replyIn('google', google({}))).toBeNull();
  });
});

describe('Trustpilot: companyReply {text, createdAt, updatedAt} (field unconfirmed)', () => {
  it('is the reply, with its latest time', () => {
    expect(
      replyIn(
        'trustpilot',
        trustpilot({
          companyReply: {
            text: 'Thanks',
            createdAt: '2026-05-02T09:00:00Z',
            updatedAt: '2026-05-03T09:00:00Z',
          },
        }),
      ),
    ).toEqual({ source: 'platform', comment: 'Thanks', repliedAt: '2026-05-03T09:00:00.000Z' });
  });

  it('null means no reply; a missing field says nothing (a stored reply is kept)', () => {
    expect(replyIn('trustpilot', trustpilot({ companyReply: null }))).toBeNull();
    expect(replyIn('trustpilot', trustpilot({}))).toBe('absent');
  });
});

describe('platforms whose listing says nothing of replies', () => {
  const base: PlatformReview = {
    externalId: 'x-1',
    rating: 4,
    body: 'Good',
    reviewerName: 'Sam',
    createdAt: '2026-05-01T10:00:00.000Z',
    updatedAt: '2026-05-01T10:00:00.000Z',
  };

  it('Yelp and Facebook carry no reply field at all', () => {
    expect(replyIn('yelp', { ...base, excerpt: true })).toBe('absent');
    const { rating: _none, ...recommendation } = base;
    expect(replyIn('facebook', { ...recommendation, recommendation: 'positive' })).toBe('absent');
  });

  it('a reply text that cleans to nothing counts as none; control characters are dropped', () => {
    expect(replyIn('google', { ...base, replyKnown: true, reply: { comment: ' \u0007 ' } })).toBeNull();
    expect(replyIn('google', { ...base, reply: { comment: 'Hi\u0007 there' } })).toEqual({
      source: 'platform',
      comment: 'Hi there',
    });
  });
});

describe('the ingest side', () => {
  it('reads the reply and the observation time from the message, and nothing when absent', () => {
    const result = reviewSubmittedFor(
      connection('google'),
      'loc-1',
      google({ reviewReply: { comment: 'Thank you!' } }),
      RECEIVED,
    );
    if (!result.ok) throw new Error(result.reason);
    const parsed = reviewAndReplyFromQueuedBody(JSON.stringify(result.message));
    expect(parsed.reply).toEqual({
      reply: { source: 'platform', comment: 'Thank you!' },
      observedAt: RECEIVED,
    });
    const { reply: _reply, ...without } = result.message;
    expect(reviewAndReplyFromQueuedBody(JSON.stringify(without)).reply).toBeUndefined();
  });
});
