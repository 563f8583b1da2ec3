/** What the privacy capability needs from the outside world. */
import type { ReviewRef, Tombstone } from './domain/erasure';

/** An item as stored (attributes by name); the privacy use cases read it without a model of it. */
export type StoredItem = Readonly<Record<string, unknown>>;

export interface SubjectRequestPage {
  readonly items: readonly StoredItem[];
  readonly next?: Record<string, unknown>;
}

/** Where a subject's data is found (ReviewRequests, Reviews, Deliveries, WebhookEndpoints tables). */
export interface SubjectDataReader {
  /** Review requests made out to the subject's address, a page at a time (index bySubject). */
  requestsOf(subjectHash: string, cursor?: Record<string, unknown>): Promise<SubjectRequestPage>;
  /** A stored review, strongly consistent; undefined when there is none. */
  getReview(ref: ReviewRef): Promise<StoredItem | undefined>;
  /** The review's audit entries in the Reviews table (they hold earlier versions' content). */
  reviewAuditTrail(ref: ReviewRef): Promise<StoredItem[]>;
  /** Event-log items of a supplier with these event ids (absent ones left out). */
  loggedEvents(supplierId: string, eventIds: readonly string[]): Promise<StoredItem[]>;
  /** The supplier's webhook endpoint ids (a delivery id is derived from event and endpoint). */
  endpointIds(supplierId: string): Promise<string[]>;
  /** Delivery items by id (absent ones left out). */
  deliveries(deliveryIds: readonly string[]): Promise<StoredItem[]>;
}

/** The writes of an erasure; each is idempotent and says whether it changed anything. */
export interface SubjectDataEraser {
  deleteReviewRequest(supplierId: string, requestId: string): Promise<boolean>;
  /**
   * Anonymises a review in place and marks it erased (`erasedAt`, `erasureId`), so the ingest path
   * keeps it as it is from then on. False when it was already erased with at least this scope.
   */
  anonymiseReview(ref: ReviewRef, eraseText: boolean, erasureId: string, at: string): Promise<boolean>;
  /** Anonymises the earlier versions kept in the review's audit entries; returns how many changed. */
  anonymiseReviewAudit(ref: ReviewRef, eraseText: boolean): Promise<number>;
  /** Deletes an event-log item (its payload is the webhook body). */
  purgeLoggedEvent(supplierId: string, eventId: string): Promise<boolean>;
  /** Blanks the subscribers' responses kept in a delivery's attempt log (they may echo the payload). */
  scrubDelivery(deliveryId: string): Promise<boolean>;
}

export interface TombstoneStore {
  /** By erasure id (`era_` + a prefix of the subject hash: computable from the address too). */
  get(erasureId: string): Promise<Tombstone | undefined>;
  /** Writes the tombstone (creates it, or replaces it as it is now). */
  put(tombstone: Tombstone): Promise<void>;
}

/** The message that runs an erasure on the Privacy queue: the hash and the actor, no address. */
export interface ErasureMessage {
  readonly type: 'privacy.erase';
  readonly version: 1;
  readonly subjectHash: string;
  readonly actor: { readonly type: 'ops'; readonly keyId?: string };
  readonly requestId?: string;
  readonly sourceIp?: string;
  readonly correlationId?: string;
}

export interface ErasureQueue {
  send(message: ErasureMessage): Promise<void>;
}
