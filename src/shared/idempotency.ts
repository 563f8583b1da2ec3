/**
 * The Idempotency-Key contract of the HTTP API (draft-ietf-httpapi-idempotency-key-header, as
 * Stripe implements it): a client may send `Idempotency-Key` on the routes that create things;
 * within the retention window the same key with the same request replays the first answer, the
 * same key with another request is a 422 (`idempotency-key-reuse`), and a request that arrives
 * while the first is still being processed waits briefly for its answer or gets a 409
 * (`idempotency-key-in-flight`, with Retry-After). Keys live in a scope taken from the verified
 * credential (a supplier, or one review link), so two suppliers can use the same key.
 * The adapter (Powertools on DynamoDB) is src/shared/idempotency-store.ts; the API glue is
 * functions/api/idempotency.ts.
 */
import { ProblemError } from './problem';

/** The request header (case-insensitive), and the header that marks a replayed answer. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

/** Keys are kept (and replayed) for at least this long; DynamoDB's TTL removes them later. */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 60 * 60;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** One answer as it is stored and replayed: status, headers and the exact body bytes. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface IdempotentRequest {
  /** Whose key space this is, from the verified credential (e.g. `supplier:<id>`). */
  readonly scope: string;
  /** The header value, verbatim (validated by `checkIdempotencyKey`). */
  readonly key: string;
  /** The operation the key was used on: reusing a key on another operation is a reuse. */
  readonly operation: string;
  /** The validated request body; its hash is compared on every reuse of the key. */
  readonly body: unknown;
}

export interface IdempotentResult {
  readonly response: StoredResponse;
  /** True when the answer is the stored one of an earlier request (the operation did not run). */
  readonly replayed: boolean;
}

export interface IdempotencyStore {
  /**
   * Runs `execute` at most once per (scope, key) within the retention and returns its answer,
   * or the stored answer of the first request. Throws a ProblemError: 422 idempotency-key-reuse,
   * 409 idempotency-key-in-flight, 503 service-unavailable when the key store cannot be reached.
   * Errors thrown by `execute` pass through unchanged and are not stored (a retry runs again).
   */
  run(request: IdempotentRequest, execute: () => Promise<StoredResponse>): Promise<IdempotentResult>;
}

/**
 * The header value, checked: 1-200 visible ASCII characters. It is compared verbatim; a
 * structured-field string (`"abc"`, as the draft writes it) and a bare token (`abc`, as Stripe
 * takes it) are both accepted, and are different keys.
 */
export function checkIdempotencyKey(value: string): string {
  if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ProblemError(
      'bad-request',
      `Idempotency-Key must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters`,
      [{ path: 'header:Idempotency-Key', message: 'invalid' }],
    );
  }
  return value;
}
