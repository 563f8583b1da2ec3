/**
 * A DynamoDB request refused for capacity (issue 12, ADR 0035): since Reviews, Deliveries and
 * EventLog are provisioned, an API read or write can still be throttled after the SDK's retries.
 * That is not an unknown failure but a known, transient one with its own answer: 503 with a
 * `Retry-After` long enough for the table's burst capacity or auto scaling to help, and a detail
 * that says so (never the table, key or SDK message). It stays our fault: a 5xx, logged as an
 * error and counted by API Gateway's `5XXError` (the `api-5xx` alarm).
 *
 * Recognised by the shape of the SDK's errors only (no AWS import): the exception's `name`
 * (`ProvisionedThroughputExceededException`, `ThrottlingException`, `RequestLimitExceeded`) and a
 * `TransactionCanceledException` whose `CancellationReasons` carry `ThrottlingError` or
 * `ProvisionedThroughputExceeded`; and our `StoreThrottledError` (a batch left unprocessed). A
 * wrapped error is looked through along its `cause` chain.
 */
import { problemOf, type ProblemDetails } from './problem';

/**
 * Our own adapters' word for the same thing: a batch whose items DynamoDB kept returning as
 * unprocessed (its answer to a batch over capacity) after our retries (src/shared/batch-get.ts).
 */
export class StoreThrottledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreThrottledError';
  }
}

const THROTTLE_NAMES: ReadonlySet<string> = new Set([
  'StoreThrottledError',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
const THROTTLE_CANCELLATION_CODES: ReadonlySet<string> = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);
/** How deep a `cause` chain is followed (a cycle or a pathological chain ends here). */
const MAX_CAUSE_DEPTH = 5;

/**
 * Seconds a client should wait after a store throttle. The SDK has already retried with back-off
 * within the request; a table's burst capacity refills within seconds and auto scaling adds
 * capacity within minutes, so an immediate retry would only add to the load.
 */
export const STORE_THROTTLE_RETRY_AFTER_SECONDS = 5;

function isThrottleItself(error: object): boolean {
  const { name } = error as { name?: unknown };
  if (typeof name !== 'string') return false;
  if (THROTTLE_NAMES.has(name)) return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: unknown }).CancellationReasons;
  return (
    Array.isArray(reasons) &&
    reasons.some(
      (reason: unknown) =>
        typeof reason === 'object' &&
        reason !== null &&
        THROTTLE_CANCELLATION_CODES.has(String((reason as { Code?: unknown }).Code)),
    )
  );
}

/** Whether `error` (or an error it wraps) is DynamoDB refusing a request for capacity. */
export function isStoreThrottle(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH; depth += 1) {
    if (typeof current !== 'object' || current === null) return false;
    if (isThrottleItself(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The detail of a throttle's 503 (also the API description's example). */
export const storeThrottleDetail = (reference: string): string =>
  `the service is over its storage capacity right now; retry after the number of seconds in Retry-After; reference ${reference}`;

export interface UnexpectedErrorAnswer {
  readonly problem: ProblemDetails;
  readonly headers: Record<string, string>;
  /** True when the store throttled: logged under its own message, still an error. */
  readonly throttled: boolean;
}

/**
 * The API's answer to an error no use case mapped: always a 503 `service-unavailable` problem with
 * `Retry-After` and a reference (the request id), never internals. A store throttle says so and
 * asks for a longer wait; anything else asks for a retry after a second.
 */
export function unexpectedErrorAnswer(error: unknown, requestId: string | undefined): UnexpectedErrorAnswer {
  const reference = requestId ?? 'n/a';
  if (isStoreThrottle(error)) {
    return {
      problem: problemOf('service-unavailable', storeThrottleDetail(reference)),
      headers: { 'retry-after': String(STORE_THROTTLE_RETRY_AFTER_SECONDS) },
      throttled: true,
    };
  }
  return {
    problem: problemOf('service-unavailable', `please retry; reference ${reference}`),
    headers: { 'retry-after': '1' },
    throttled: false,
  };
}
