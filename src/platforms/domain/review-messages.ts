/**
 * A platform's review as a message for the ingestion pipeline (the Ingest queue), so synced
 * reviews are stored, versioned, classified and announced exactly like every other review:
 * - the natural key is platform + external id (origin `external`), so the review id is the same
 *   on every sync, for an import of the same review through the API, and in every region;
 * - `submittedAt` is when it was written (createdAt) and `versionAt` when the platform last
 *   changed it (updatedAt): an edit on the platform is a later version (ADR 0009), a re-sync of
 *   an unchanged review a duplicate;
 * - what a platform may leave out gets a fallback (no reviewer name: `Anonymous`; no title: the
 *   first words of the text, else "<Platform> review"); a body may be empty (rating-only);
 * - text is cleaned the way our API's rules require (control characters and noncharacters
 *   dropped, NFC, trimmed) and cut to our limits; a text cut here is marked as an excerpt.
 */
import {
  LIMITS,
  reviewIdFor,
  reviewRemovedMessage,
  reviewSubmittedMessage,
  type ObservedReplyMessage,
  type ReviewRemovedMessage,
  type ReviewSubmittedMessage,
} from '../../reviews';
import type { Connection } from './connection';
import type { ConnectedPlatform, PlatformReview } from './platform';

export const ANONYMOUS_REVIEWER = 'Anonymous';
const TITLE_FROM_BODY_MAX = 80;

const PLATFORM_NAMES: Record<ConnectedPlatform, string> = {
  google: 'Google',
  trustpilot: 'Trustpilot',
  facebook: 'Facebook',
  yelp: 'Yelp',
};

/** Who the pipeline records as the sender of synced reviews. */
export const syncActor = (connection: Connection) =>
  ({ kind: 'producer', id: `platform-sync:${connection.connectionId}` }) as const;

/** Drops what our text rules refuse (controls except tab/LF/CR, lone surrogates, noncharacters). */
function cleanText(value: string): string {
  let out = '';
  for (const char of value.replace(/\r\n?/g, '\n')) {
    const cp = char.codePointAt(0) ?? 0;
    const control = (cp < 0x20 && cp !== 0x09 && cp !== 0x0a) || (cp >= 0x7f && cp <= 0x9f);
    const surrogate = cp >= 0xd800 && cp <= 0xdfff;
    const nonCharacter = (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;
    if (!control && !surrogate && !nonCharacter) out += char;
  }
  return out.normalize('NFC').trim();
}

/** At most `max` code points; `cut` says whether anything was left out. */
function limit(value: string, max: number): { text: string; cut: boolean } {
  const points = [...value];
  if (points.length <= max) return { text: value, cut: false };
  return { text: points.slice(0, max).join('').trimEnd(), cut: true };
}

function titleFor(review: PlatformReview, body: string, platform: ConnectedPlatform): string {
  const title = limit(cleanText(review.title ?? ''), LIMITS.title).text;
  if (title) return title;
  const firstLine = body.split('\n')[0] ?? '';
  const words = limit(firstLine, TITLE_FROM_BODY_MAX);
  if (words.text) return words.cut ? `${words.text.replace(/\s+\S*$/, '')}…` : words.text;
  return `${PLATFORM_NAMES[platform]} review`;
}

const isoUtc = (time: string): string | undefined => {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/**
 * The business's reply as the platform shows it, for the review's message: the reply (cleaned like
 * review text, cut to the review limit), `null` when the platform says there is none, nothing when
 * it says nothing of replies (Yelp, Facebook). An empty reply counts as none.
 */
function replyOf(review: PlatformReview): { reply?: ObservedReplyMessage } {
  const comment = limit(cleanText(review.reply?.comment ?? ''), LIMITS.reviewBody).text;
  if (comment) {
    const repliedAt = review.reply?.updatedAt ? isoUtc(review.reply.updatedAt) : undefined;
    return { reply: { source: 'platform', comment, ...(repliedAt ? { repliedAt } : {}) } };
  }
  return review.replyKnown || review.reply ? { reply: null } : {};
}

/**
 * Platforms whose reviews carry no edit time (Facebook ratings and Yelp excerpts: `updatedAt` is
 * the creation time). Their versions are dated by when the sync saw them, so a text or rating seen
 * later is the later version. Dated by the creation time, two versions would tie and the content
 * hash would decide (ADR 0009's last key): an edit would be applied or ignored as stale by chance.
 */
export const PLATFORMS_WITHOUT_EDIT_TIME: readonly ConnectedPlatform[] = ['facebook', 'yelp'];

export type ReviewMessageResult =
  | { readonly ok: true; readonly message: ReviewSubmittedMessage }
  | { readonly ok: false; readonly externalId: string; readonly reason: string };

/** One synced review as a `review.submitted` message, or why it cannot be one (checked with the schema). */
export function reviewSubmittedFor(
  connection: Connection,
  locationId: string,
  review: PlatformReview,
  receivedAt: string,
): ReviewMessageResult {
  const platform = connection.platform;
  const origin = { kind: 'external' as const, platform, externalId: review.externalId };
  const body = limit(cleanText(review.body), LIMITS.reviewBody);
  const createdAt = isoUtc(review.createdAt);
  const updatedAt = isoUtc(review.updatedAt) ?? createdAt;
  const candidate = {
    type: 'review.submitted',
    version: 1,
    supplierId: connection.supplierId,
    reviewId: reviewIdFor(connection.supplierId, origin),
    origin,
    actor: syncActor(connection),
    receivedAt,
    ...(PLATFORMS_WITHOUT_EDIT_TIME.includes(platform)
      ? { versionAt: receivedAt }
      : updatedAt
        ? { versionAt: updatedAt }
        : {}),
    connection: { connectionId: connection.connectionId, locationId },
    ...replyOf(review),
    review: {
      ...(review.rating !== undefined ? { rating: review.rating } : {}),
      ...(review.recommendation !== undefined ? { recommendation: review.recommendation } : {}),
      title: titleFor(review, body.text, platform),
      body: body.text,
      reviewerName: limit(cleanText(review.reviewerName), LIMITS.name).text || ANONYMOUS_REVIEWER,
      platform,
      submittedAt: createdAt ?? review.createdAt,
      ...(review.excerpt || body.cut ? { excerpt: true } : {}),
    },
  };
  const parsed = reviewSubmittedMessage().safeParse(candidate);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { ok: false, externalId: review.externalId, reason: reason.slice(0, 500) };
  }
  return { ok: true, message: parsed.data };
}

/** A review the platform no longer has, as a `review.removed` message. */
export function reviewRemovedFor(
  connection: Connection,
  locationId: string,
  externalId: string,
  observedAt: string,
): ReviewRemovedMessage {
  const origin = { kind: 'external' as const, platform: connection.platform, externalId };
  return reviewRemovedMessage().parse({
    type: 'review.removed',
    version: 1,
    supplierId: connection.supplierId,
    reviewId: reviewIdFor(connection.supplierId, origin),
    origin,
    actor: syncActor(connection),
    receivedAt: observedAt,
    removedAt: observedAt,
    connection: { connectionId: connection.connectionId, locationId },
  });
}
