/** What the real-time use cases need from the outside world. */
import type { RealtimeGrant } from './domain/channels';

/** A live WebSocket connection, as `$connect` stored it (in this region only). */
export interface ConnectionRecord {
  readonly connectionId: string;
  /** The grant of the token it connected with. */
  readonly grant: RealtimeGrant;
  readonly connectedAtMs: number;
  /** Epoch seconds: API Gateway closes a connection after 2 hours, the item goes then too. */
  readonly expiresAt: number;
}

export interface Subscription {
  readonly connectionId: string;
  readonly channel: string;
  /** The seq of the last event of the channel sent to this connection. */
  readonly lastSeq: number;
  /**
   * While a subscribe is resuming it (epoch ms): until then only that subscribe delivers to it
   * (ADR 0034). Absent when nobody holds it.
   */
  readonly heldUntilMs?: number;
}

/**
 * A subscribe's hold on its subscription: `holder` names the subscribe (unique per call), the hold
 * lasts `forMs` from each write that sets it (the store's clock), so a crashed subscribe blocks
 * nothing for longer than that.
 */
export interface Hold {
  readonly holder: string;
  readonly forMs: number;
}

/** The outcome of a holder's attempt to let go of its subscription. */
export type Release =
  | { readonly kind: 'released' }
  /** A fan-out found it held and left events through `through` to the holder: deliver them first. */
  | { readonly kind: 'pending'; readonly through: number }
  /** Not (or no longer) this holder's: replaced by another subscribe, taken over after expiry, gone. */
  | { readonly kind: 'lost' };

/** The outcome of moving a subscription's cursor from one seq to the next. */
export type Advance =
  | { readonly kind: 'advanced' }
  /** Someone else moved it: its current value. */
  | { readonly kind: 'moved'; readonly lastSeq: number }
  /**
   * Someone else delivers to it now: a subscribe holds it (for a caller with a hold: it is not, or
   * no longer, that hold, or the hold expired). Its cursor is `lastSeq`.
   */
  | { readonly kind: 'held'; readonly lastSeq: number }
  /** The subscription is gone (unsubscribed, disconnected). */
  | { readonly kind: 'gone' };

export type SubscribeOutcome = 'subscribed' | 'forbidden' | 'gone';

/** A subscription to store (`ConnectionStore.subscribe`). */
export interface SubscribeRequest {
  readonly connectionId: string;
  readonly channel: string;
  readonly grant: RealtimeGrant;
  readonly lastSeq: number;
  readonly expiresAt: number;
  readonly hold?: Hold;
}

/** One cursor move of a batch claim: `connectionId`'s cursor of `channel` from `from` to `to`. */
export interface CursorClaim {
  readonly connectionId: string;
  readonly channel: string;
  readonly from: number;
  readonly to: number;
}

/**
 * The outcome of one claim of a batch: moved; not moved (its cursor was not at `from`, or the
 * subscription is gone: the caller looks with `advance`); or not known (the call failed).
 */
export type ClaimOutcome = 'claimed' | 'not-claimed' | { readonly failed: unknown };

export interface ConnectionStore {
  putConnection(connection: ConnectionRecord): Promise<void>;
  getConnection(connectionId: string): Promise<ConnectionRecord | undefined>;
  /** The connection and all its subscriptions. */
  removeConnection(connectionId: string): Promise<void>;
  /**
   * Creates or replaces the subscription with its cursor at `lastSeq`, in one conditional write
   * and without reading the connection first: only while the connection exists, has not expired,
   * and holds `grant` (the one grant that entitles the channel, `grantFor`). `forbidden` when it
   * holds another grant (nothing is stored), `gone` when there is no such connection. The
   * subscription's item expires at `expiresAt` (epoch seconds: no later than 2 hours from now, when
   * the connection is gone whatever happens). With `hold`, the subscription is stored held by that
   * subscribe (ADR 0034: no other deliverer moves its cursor until it lets go or the hold expires).
   */
  subscribe(request: SubscribeRequest): Promise<SubscribeOutcome>;
  /** False when there was no such subscription. */
  unsubscribe(connectionId: string, channel: string): Promise<boolean>;
  /** Every subscription to the channel in this region. */
  subscribers(channel: string): Promise<Subscription[]>;
  /**
   * Moves the cursor from `from` to `to`, only if it is still at `from`, and: without `hold`, only
   * if nobody holds it (an expired hold is cleared); with `hold`, only while that hold is on it
   * and unexpired (the move renews it).
   */
  advance(connectionId: string, channel: string, from: number, to: number, hold?: Hold): Promise<Advance>;
  /**
   * A deliverer found the subscription held: records that the events through `seq` are the
   * holder's to deliver. False when it is no longer held (the caller delivers them itself).
   */
  notePending(connectionId: string, channel: string, seq: number): Promise<boolean>;
  /**
   * The holder lets go, only if no deliverer left it events past its cursor (else `pending`: the
   * holder delivers them and tries again). One conditional write: a deliverer either left its
   * events before (and the release fails) or finds the subscription free after.
   */
  release(connectionId: string, channel: string, holder: string): Promise<Release>;
  /**
   * `advance` (without a hold) for many subscriptions at once (the live fan-out's batch), in as few
   * calls as the store allows; each moves only if still at its `from` and not held. Outcomes in
   * input order.
   */
  claim(claims: readonly CursorClaim[]): Promise<ClaimOutcome[]>;
}

/** One event of a channel's log. */
export interface ChannelEvent {
  readonly channel: string;
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  /** The CloudEvents envelope as webhooks carry it (JSON text). */
  readonly body: string;
  readonly recordedAtMs: number;
}

export interface ChannelLog {
  /** Appends the event once (a second append of the same id returns the first one's seq). */
  append(event: Omit<ChannelEvent, 'seq'>): Promise<{ seq: number; duplicate: boolean }>;
  /**
   * Appends events of ONE channel in the given order, with the same guarantees as `append`, with as
   * few writes as it can (a batch of a busy channel takes one head move instead of one each).
   */
  appendMany(
    events: readonly Omit<ChannelEvent, 'seq'>[],
  ): Promise<readonly { seq: number; duplicate: boolean }[]>;
  /** The seq of the channel's last event (0 when it has none). */
  head(channel: string): Promise<number>;
  /** The seq an event id got in the channel, if the log still holds it. */
  seqOf(channel: string, eventId: string): Promise<number | undefined>;
  /** Events with seq > `afterSeq`, in order, at most `limit`. */
  readAfter(channel: string, afterSeq: number, limit: number): Promise<ChannelEvent[]>;
}

/** API Gateway's management API (PostToConnection), or the local server's. */
export interface ConnectionMessenger {
  /** `gone` when the connection no longer exists (410). */
  post(connectionId: string, data: string): Promise<'sent' | 'gone'>;
}
