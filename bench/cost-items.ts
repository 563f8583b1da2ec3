/**
 * Representative items as the adapters write them, for item sizes (the cost model) and canned
 * answers (the in-process API CPU bench). Each builder names the adapter whose item it mirrors.
 */
import { OUTBOUND_EXAMPLES } from '../src/events/examples';
import { createdAuditItem, createdReviewItem } from '../src/reviews/adapters/review-repository';
import type { Review } from '../src/reviews/domain/review';
import { benchReview } from './support';

export const SAMPLE_SUPPLIER = 'sup_benchcpu0000000000000';
const AT = '2026-06-14T18:30:02.118Z';
const reviewIdOf = (i: number) => `rev_${String(i).padStart(26, '0')}`;

/** Platforms of the seeded reviews: mostly Google, some Facebook recommendations (no stars). */
const SEED_PLATFORMS = [
  'google',
  'google',
  'trustpilot',
  'wedsync',
  'google',
  'trustpilot',
  'google',
  'wedsync',
  'google',
  'facebook',
] as const;

const SAMPLE_REGION = 'eu-west-1';

/**
 * A review as the ingest worker hands it to the repository (src/reviews/domain/review.ts).
 * `varied`: platforms and ratings as a real supplier's mix (Facebook ones with a recommendation and
 * no stars, so in the byRecommendation index and not in byRating or byPlatformRating), for the
 * 100k-review bench.
 */
export function sampleReview(i = 0, supplierId = SAMPLE_SUPPLIER, varied = false): Review {
  const at = new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 60_000).toISOString();
  const platform = varied ? SEED_PLATFORMS[i % SEED_PLATFORMS.length]! : 'google';
  const stars = benchReview(i);
  const content: Pick<Review, 'rating' | 'title' | 'body' | 'recommendation'> =
    platform === 'facebook'
      ? // One Facebook review in three recommends against (independent of the stars' pattern).
        { ...stars, rating: null, recommendation: Math.floor(i / 10) % 3 === 0 ? 'negative' : 'positive' }
      : stars;
  return {
    reviewId: reviewIdOf(i),
    supplierId,
    platform,
    externalId: `bench-${i}`,
    ...content,
    reviewerName: `Couple ${i}`,
    verified: false,
    reviewedAt: at,
    reviewedAtDefaulted: true,
    receivedAt: at,
    versionAt: at,
    origin: { kind: 'external', platform, externalId: `bench-${i}` },
    actor: { kind: 'supplier', id: 'key_0a1b2c3d4e5f6g7h8j9k0m1n' },
    sourceHash: 'a'.repeat(32),
    correlationId: '1f0e2d3c-4b5a-4968-8776-655443322110',
    insights: {
      status: 'done',
      sentiment: {
        label: 'positive',
        confidence: 0.9312,
        modelVersion: 'sentiment-2026-01-01',
        variant: 'a',
      },
      authenticity: { reasons: ['unverified'], score: 0.1, duplicateOf: [] },
      flags: [],
    },
  };
}

/**
 * A stored review (the API's Query answer), built by the repository's own code
 * (review-repository.ts `createdReviewItem`, stored at its receipt time): what the cost model sizes
 * is what the creating transaction writes.
 */
export function reviewItem(i = 0, supplierId = SAMPLE_SUPPLIER, varied = false): Record<string, unknown> {
  const review = sampleReview(i, supplierId, varied);
  return createdReviewItem(supplierId, review, review.receivedAt, SAMPLE_REGION);
}

/** The `review.created` audit record beside each review (review-repository.ts `createdAuditItem`). */
export function auditItem(): Record<string, unknown> {
  return createdAuditItem(SAMPLE_SUPPLIER, sampleReview(0), AT, SAMPLE_REGION);
}

/** review-repository.ts summaryUpdate: the region's counter shard (counts per rating and platform). */
export function summaryItem(): Record<string, unknown> {
  return {
    pk: `SUPPLIER#${SAMPLE_SUPPLIER}`,
    sk: 'SUMMARY#eu-west-1',
    entity: 'summary',
    count: 123456,
    ratingSum: 567890,
    ...Object.fromEntries([1, 2, 3, 4, 5].map((r) => [`rating${r}`, 24000 + r])),
    ...Object.fromEntries(
      ['google', 'wedsync', 'trustpilot', 'facebook'].map((p) => [`platform_${p}`, 30000]),
    ),
    verified: 1200,
    removed: 10,
  };
}

/** src/models/adapters/model-stats-store.ts: an hourly counter item of one model variant. */
export function modelStatsItem(): Record<string, unknown> {
  return {
    pk: 'MODEL#sentiment#a',
    sk: 'HOUR#2026-06-14T18',
    count: 1234,
    positive: 800,
    negative: 200,
    neutral: 234,
    confidenceSum: 1100.5,
    expiresAt: 1_790_000_000,
  };
}

const eventBody = JSON.stringify(OUTBOUND_EXAMPLES['review.received']);

/** src/webhooks/adapters/event-log.ts logEvent: the event log item (the webhook body as sent). */
export function eventLogItem(): Record<string, unknown> {
  const event = OUTBOUND_EXAMPLES['review.received'];
  return {
    pk: `EVENT#${SAMPLE_SUPPLIER}#${event.id}`,
    entity: 'event',
    gsi1pk: `EVENTS#${SAMPLE_SUPPLIER}`,
    gsi1sk: `${event.time}#${event.id}`,
    supplierId: SAMPLE_SUPPLIER,
    eventId: event.id,
    eventType: event.type,
    time: event.time,
    body: eventBody,
    loggedAtMs: 1_781_461_802_118,
    correlationId: '1f0e2d3c-4b5a-4968-8776-655443322110',
    expiresAt: 1_790_000_000,
  };
}

/** deliveries.ts creationSets + an attempt: one delivery's state item. */
export function deliveryItem(): Record<string, unknown> {
  return {
    pk: 'DELIVERY#dlv_0a1b2c3d4e5f6g7h8j9k0m1n2p',
    sk: 'STATE',
    entity: 'delivery',
    gsi1pk: 'DELIVERIES#wh_0a1b2c3d4e5f6g7h8j9k0m1n2p',
    gsi1sk: `${AT}#dlv_0a1b2c3d4e5f6g7h8j9k0m1n2p`,
    deliveryId: 'dlv_0a1b2c3d4e5f6g7h8j9k0m1n2p',
    supplierId: SAMPLE_SUPPLIER,
    endpointId: 'wh_0a1b2c3d4e5f6g7h8j9k0m1n2p',
    eventId: OUTBOUND_EXAMPLES['review.received'].id,
    eventType: 'review.received',
    status: 'delivered',
    attempt: 1,
    roundStart: 1_781_461_802_118,
    dueAtMs: 1_781_461_802_118,
    createdAtMs: 1_781_461_802_118,
    attempts: [{ at: 1_781_461_802_300, status: 200, durationMs: 84, outcome: 'delivered' }],
    correlationId: '1f0e2d3c-4b5a-4968-8776-655443322110',
    expiresAt: 1_790_000_000,
  };
}

/** src/realtime/adapters/dynamo-channel-log.ts: an event's SEQ# item (the stream carries it). */
export function realtimeSeqItem(): Record<string, unknown> {
  return {
    pk: `CHANNEL#supplier:${SAMPLE_SUPPLIER}`,
    sk: 'SEQ#000000000123',
    channel: `supplier:${SAMPLE_SUPPLIER}`,
    eventId: OUTBOUND_EXAMPLES['review.received'].id,
    type: 'review.received',
    body: eventBody,
    recordedAtMs: 1_781_461_802_118,
    seq: 123,
    expiresAt: 1_790_000_000,
  };
}

/** dynamo-channel-log.ts: the ID# item that keeps one seq per event id. */
export function realtimeIdItem(): Record<string, unknown> {
  return {
    pk: `CHANNEL#supplier:${SAMPLE_SUPPLIER}`,
    sk: `ID#${OUTBOUND_EXAMPLES['review.received'].id}`,
    seq: 123,
    recordedAtMs: 1_781_461_802_118,
    expiresAt: 1_790_000_000,
  };
}

/** dynamo-channel-log.ts: the channel's head (its last seq). */
export function realtimeHeadItem(): Record<string, unknown> {
  return { pk: `CHANNEL#supplier:${SAMPLE_SUPPLIER}`, sk: 'HEAD', seq: 123 };
}
