/**
 * Replies to platform reviews: the queued message, how a failed call is handled (defer, or fail
 * for good), and the events that say what happened. Pure. The reply route's request body and answer
 * are in reply-route-schemas.ts, so that the workers do not build them (ADR 0022, eighth round).
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { eventIdFor } from '../../shared/ids';
import type { DomainEvent } from '../../events';
import type { ReplyMessage } from './connection';
import { CONNECTED_PLATFORMS, type ConnectedPlatform, type PlatformFailure } from './platform';

/**
 * The longest reply any platform takes (Yelp: 5,000 characters); each platform's own limit
 * (PlatformAdapter.maxReplyLength, Google 4,096 bytes) is checked against the review's platform.
 */
export const MAX_REPLY_LENGTH = 5000;

/**
 * What each platform's API takes as a reply, as data: the platform adapters declare these values
 * (`supportsReplies`, `maxReplyLength`), and the API's reply routes read them here without loading
 * the adapters and their wire formats (ADR 0022, sixth round). Google's `comment` is at most 4,096
 * bytes (its discovery document); Yelp offers no replies by API.
 */
export const REPLY_CAPABILITIES = {
  google: { supportsReplies: true, maxReplyLength: 4096 },
  trustpilot: { supportsReplies: true },
  facebook: { supportsReplies: true },
  yelp: { supportsReplies: false },
} as const satisfies Record<ConnectedPlatform, { supportsReplies: boolean; maxReplyLength?: number }>;

/** A queued ReplyMessage, re-validated by the worker (connection.ts defines the type); built on first use. */
export const replyMessageSchema = /* @__PURE__ */ lazy(
  () =>
    z.strictObject({
      kind: z.enum(['reply', 'delete-reply']),
      connectionId: z.string().check(z.minLength(1), z.maxLength(128)),
      supplierId: z.string().check(z.minLength(1), z.maxLength(64)),
      locationId: z.string().check(z.minLength(1), z.maxLength(512)),
      reviewId: z.string().check(z.minLength(1), z.maxLength(64)),
      externalId: z.string().check(z.minLength(1), z.maxLength(512)),
      platform: z.optional(z.enum(CONNECTED_PLATFORMS)),
      comment: z.optional(z.string().check(z.maxLength(MAX_REPLY_LENGTH))),
      requestedAt: z.iso.datetime({ offset: true }),
      correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
      deferrals: z.optional(z.number().check(z.int(), z.gte(0))),
    }) satisfies z.ZodMiniType<ReplyMessage>,
);

/** Why a reply ended without reaching the platform (the `failure` of review.reply_failed). */
export type ReplyFailure = 'permanent' | 'unsupported' | 'reauth-required' | 'not-connected';

/** SQS's longest message delay: a longer wait is made of several hops. */
export const MAX_DELAY_SECONDS = 900;
/** Transient failures (5xx, timeouts) are retried this often, then the reply fails. */
export const MAX_RETRY_LATER_HOPS = 12;

export type ReplyDecision =
  | {
      readonly kind: 'defer';
      readonly delaySeconds: number;
      /** True for a failed attempt (counts towards MAX_RETRY_LATER_HOPS); a wait does not count. */
      readonly counted: boolean;
    }
  | { readonly kind: 'fail'; readonly failure: ReplyFailure; readonly reason: string };

/** What the platform breaker says about the failed call. */
export interface FailedCall {
  readonly nowMs: number;
  /** The call was the breaker's probe: a transient failure is then the outage's, not the reply's. */
  readonly probe: boolean;
  /** The breaker is open (after this call) until then. */
  readonly breakerOpenUntilMs?: number;
}

/**
 * What a classified platform failure means for a reply:
 * - rate-limited: wait what the platform asked (a wait longer than 15 min takes several hops); a
 *   wait, not a failure: the retry count stays;
 * - retry-later: back off (5 s doubling, at most 15 min per hop), or, once the platform's breaker
 *   is open, wait for its cool-down (the next call is its probe); after MAX_RETRY_LATER_HOPS
 *   counted failures the reply fails. A failed probe is not counted: it says the platform is still
 *   down, nothing about this reply (during a long outage every reply may be a probe many times);
 * - permanent, unsupported, reauth-required: fail for good with the platform's reason;
 * - auth-expired here means the refreshed token was refused too: the connection needs a reconnect.
 */
export function decide(failure: PlatformFailure, retryHops: number, call?: FailedCall): ReplyDecision {
  switch (failure.kind) {
    case 'rate-limited':
      return { kind: 'defer', delaySeconds: replyDelaySeconds(failure.waitMs), counted: false };
    case 'retry-later': {
      const openForMs =
        call?.breakerOpenUntilMs !== undefined ? call.breakerOpenUntilMs - call.nowMs : undefined;
      if (call?.probe) {
        return { kind: 'defer', delaySeconds: replyDelaySeconds(openForMs ?? 0), counted: false };
      }
      if (retryHops >= MAX_RETRY_LATER_HOPS) {
        return {
          kind: 'fail',
          failure: 'permanent',
          reason: `the platform kept failing (${retryHops} tries): ${failure.reason}`,
        };
      }
      const backoffSeconds = Math.max(
        replyDelaySeconds(failure.retryAfterMs ?? 0),
        Math.min(MAX_DELAY_SECONDS, 5 * 2 ** retryHops),
      );
      return {
        kind: 'defer',
        delaySeconds: openForMs !== undefined ? replyDelaySeconds(openForMs) : backoffSeconds,
        counted: true,
      };
    }
    case 'auth-expired':
      return {
        kind: 'fail',
        failure: 'reauth-required',
        reason: `token refused after a refresh: ${failure.reason}`,
      };
    case 'reauth-required':
    case 'unsupported':
    case 'permanent':
      return { kind: 'fail', failure: failure.kind, reason: failure.reason };
  }
}

/** SQS delay for a wait: whole seconds, at least 1, at most one 15-minute hop. */
export const replyDelaySeconds = (ms: number): number =>
  Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(ms / 1000)));

/** One reply request, identified by its review, action and time (ids of its events derive from it). */
const requestSubject = (message: ReplyMessage) =>
  `${message.reviewId}#${message.kind}#${message.requestedAt}`;

const replyFacts = (message: ReplyMessage, platform: ConnectedPlatform) => ({
  reviewId: message.reviewId,
  supplierId: message.supplierId,
  platform,
  action: message.kind,
  requestedAt: message.requestedAt,
});

export function repliedEvent(
  message: ReplyMessage,
  platform: ConnectedPlatform,
  state: 'published' | 'pending',
  time: string,
): DomainEvent {
  return {
    id: eventIdFor(requestSubject(message), 'review.replied'),
    type: 'review.replied',
    time,
    supplierId: message.supplierId,
    subject: message.reviewId,
    data: { ...replyFacts(message, platform), state, repliedAt: time },
  };
}

export function replyFailedEvent(
  message: ReplyMessage,
  platform: ConnectedPlatform,
  failure: ReplyFailure,
  reason: string,
  time: string,
): DomainEvent {
  return {
    id: eventIdFor(requestSubject(message), 'review.reply_failed'),
    type: 'review.reply_failed',
    time,
    supplierId: message.supplierId,
    subject: message.reviewId,
    data: { ...replyFacts(message, platform), failure, reason: reason.slice(0, 500), failedAt: time },
  };
}
