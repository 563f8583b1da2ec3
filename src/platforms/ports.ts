/**
 * What the platform use cases need from the outside world. Adapters implement these against the
 * platforms' HTTP APIs, DynamoDB, SQS and KMS; tests use the fakes in local/platform-fakes.
 */
import type { AuditEntry } from './domain/audit';
import type { Connection, ConnectionStatus, ReplyMessage, SyncMessage } from './domain/connection';
import type {
  ChangesPage,
  ConnectedPlatform,
  InboundNotification,
  NotificationVerdict,
  PlatformOperation,
  PlatformReview,
  ReplyResult,
  SyncCursor,
} from './domain/platform';

/** One HTTP exchange with a platform; the body is read whole (bounded) and kept raw. */
export interface PlatformHttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface PlatformHttpResponse {
  readonly status: number;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly latencyMs: number;
}

/** Named for the audit log: who calls, for which connection, as part of what. */
/** The gate's admission of a call (src/platforms/use-cases/platform-gate.ts). */
export interface CallGate {
  /** When the gate read the breaker for this call (epoch ms). */
  readonly breakerReadAtMs: number;
  /** The call is the breaker's half-open probe. */
  readonly probe: boolean;
  /** The probe's claim on the breaker: every call of one probe admission carries it. */
  readonly probeId?: string;
}

export interface CallContext {
  readonly platform: ConnectedPlatform;
  readonly operation: PlatformOperation;
  readonly supplierId: string;
  readonly connectionId?: string;
  readonly correlationId: string;
  /** How the shared gate let the call through (audited: whether it was the breaker's probe, how long it queued). */
  readonly gate?: CallGate;
  /**
   * Called by an adapter before each further platform call one operation needs (Facebook's `get`
   * reads pages of ratings until the one asked for turns up): the sync takes that call's rate-limit
   * token here, and stops the operation by throwing when there is none (it then waits for its
   * deferral). Absent: the caller paces nothing beyond the first call.
   */
  readonly beforeFurtherCall?: () => Promise<void>;
}

/**
 * The only way adapters reach a platform. The production implementation enforces timeouts and a
 * body cap and writes every call to the audit log; transport failures (timeout, reset) reject with
 * a PlatformCallError of kind `retry-later`.
 */
export interface PlatformHttp {
  request(request: PlatformHttpRequest, context: CallContext): Promise<PlatformHttpResponse>;
}

/** Credentials for one call: an OAuth access token (or Yelp's API key) and the connection settings. */
export interface Credentials {
  readonly accessToken: string;
  readonly settings?: Readonly<Record<string, string>>;
}

/**
 * One platform. Every method throws PlatformCallError (classified) on failure; `get` resolves
 * undefined when the platform says the review no longer exists.
 */
export interface PlatformAdapter {
  readonly platform: ConnectedPlatform;
  listChanges(
    credentials: Credentials,
    locationId: string,
    cursor: SyncCursor | undefined,
    context: CallContext,
  ): Promise<ChangesPage>;
  get(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    context: CallContext,
  ): Promise<PlatformReview | undefined>;
  reply(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    comment: string,
    context: CallContext,
  ): Promise<ReplyResult>;
  deleteReply(
    credentials: Credentials,
    locationId: string,
    externalId: string,
    context: CallContext,
    /** The `replyId` the reply's ReplyResult carried, where the platform gave one (Facebook). */
    replyId?: string,
  ): Promise<void>;
  /**
   * Checks an inbound notification on its raw body (signature, verify token, shape). Pure: no
   * network; `secrets` holds what the platform signs with (Facebook app secret, verify token).
   */
  verifyNotification(
    request: InboundNotification,
    secrets: Readonly<Record<string, string>>,
  ): NotificationVerdict;
  /** The most a reply may hold on this platform (Google: 4096 bytes), as characters. */
  readonly maxReplyLength?: number;
  /** False where the platform offers no replying by API (Yelp without partner access). */
  readonly supportsReplies: boolean;
}

export interface ConnectionStore {
  get(supplierId: string, connectionId: string): Promise<Connection | undefined>;
  /** Ops and the scheduler: a connection by id alone. */
  getById(connectionId: string): Promise<Connection | undefined>;
  list(supplierId: string): Promise<Connection[]>;
  /** Active connections, for the sync schedule (a page at a time). */
  listActive(
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ items: Connection[]; next?: Record<string, unknown> }>;
  put(connection: Connection): Promise<void>;
  /** Conditional status change; false when the stored status was not `from`. */
  setStatus(
    connectionId: string,
    from: ConnectionStatus,
    to: ConnectionStatus,
    reason: string,
    at: string,
  ): Promise<boolean>;
  /** Saves one location's cursor after a page is handed on (idempotent: the same page may come twice). */
  saveCursor(
    connectionId: string,
    locationId: string,
    cursor: SyncCursor | undefined,
    at: string,
  ): Promise<void>;
}

/** Gives a usable access token for a connection, refreshing (single-flight) when needed. */
export interface TokenProvider {
  credentialsFor(connection: Connection, context: CallContext): Promise<Credentials>;
  /**
   * The platform refused the token (401): drop it, refresh once. Throws PlatformCallError of kind
   * `reauth-required` when the refresh token is dead (and marks the connection).
   */
  refreshAfterRejection(connection: Connection, context: CallContext): Promise<Credentials>;
}

export interface AuditLog {
  /** Append only: an entry is written once and never changed. */
  append(entries: readonly AuditEntry[]): Promise<void>;
}

/** Token buckets shared by every worker (DynamoDB conditional updates). */
export interface RateLimiter {
  /**
   * Takes `cost` tokens from each named bucket, all or none; otherwise says how long to wait
   * until they would be there.
   */
  take(
    buckets: readonly string[],
    cost: number,
    nowMs: number,
  ): Promise<{ ok: true } | { ok: false; waitMs: number }>;
  /** The platform reported less room than the bucket believed: drain it until `untilMs`. */
  tighten(bucket: string, untilMs: number, nowMs: number): Promise<void>;
}

export interface SyncQueue {
  send(messages: readonly { message: SyncMessage; delaySeconds?: number }[]): Promise<void>;
}

export interface ReplyQueue {
  send(messages: readonly { message: ReplyMessage; delaySeconds?: number }[]): Promise<void>;
}

/** Where synced reviews go: the existing ingestion pipeline (the Ingest queue). */
export interface ReviewSink {
  /** Stores or updates reviews of one connection's location (deterministic ids from platform + external id). */
  submit(
    connection: Connection,
    locationId: string,
    reviews: readonly PlatformReview[],
    correlationId: string,
  ): Promise<void>;
  /** Marks reviews the platform no longer has as removed. */
  remove(
    connection: Connection,
    locationId: string,
    externalIds: readonly string[],
    correlationId: string,
  ): Promise<void>;
}
