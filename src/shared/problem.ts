/**
 * RFC 9457 problem details: the one error shape of the HTTP API. Domain code throws
 * `ProblemError`; the HTTP layer turns it into `application/problem+json`.
 */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
}

const PROBLEM_TITLES = {
  'bad-request': [400, 'Bad request'],
  'invalid-json': [400, 'Malformed JSON body'],
  'invalid-query': [400, 'Invalid query parameters'],
  unauthorized: [401, 'Unauthorized'],
  forbidden: [403, 'Forbidden'],
  'not-found': [404, 'Not found'],
  'method-not-allowed': [405, 'Method not allowed'],
  conflict: [409, 'Conflict'],
  /** The same Idempotency-Key is still being processed (draft-ietf-httpapi-idempotency-key-header). */
  'idempotency-key-in-flight': [409, 'A request with this Idempotency-Key is in progress'],
  'payload-too-large': [413, 'Payload too large'],
  'unsupported-media-type': [415, 'Unsupported media type'],
  'validation-error': [422, 'Validation failed'],
  /** An Idempotency-Key reused with another request body or on another operation. */
  'idempotency-key-reuse': [422, 'Idempotency-Key reused with a different request'],
  'rate-limited': [429, 'Too many requests'],
  'internal-error': [500, 'Internal error'],
  'service-unavailable': [503, 'Service unavailable'],
  'gateway-timeout': [504, 'Gateway timeout'],
} as const;

export type ProblemKind = keyof typeof PROBLEM_TITLES;

export const PROBLEM_KINDS = Object.keys(PROBLEM_TITLES) as ProblemKind[];

/** The HTTP status a problem kind answers with. */
export const problemStatus = (kind: ProblemKind): number => PROBLEM_TITLES[kind][0];

export const problemType = (kind: ProblemKind): string => `urn:wedsync:problem:${kind}`;

export class ProblemError extends Error {
  readonly problem: ProblemDetails;
  readonly headers: Record<string, string>;

  constructor(
    kind: ProblemKind,
    detail?: string,
    errors?: readonly FieldError[],
    headers: Record<string, string> = {},
  ) {
    const [status, title] = PROBLEM_TITLES[kind];
    super(detail ?? title);
    this.name = 'ProblemError';
    this.problem = { type: problemType(kind), title, status, detail, ...(errors?.length ? { errors } : {}) };
    this.headers = headers;
  }
}

export function problemOf(kind: ProblemKind, detail?: string): ProblemDetails {
  return new ProblemError(kind, detail).problem;
}
