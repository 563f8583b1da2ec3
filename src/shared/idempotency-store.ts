/**
 * IdempotencyStore on Powertools for AWS Lambda's idempotency utility (`makeIdempotent` with a
 * persistence layer: DynamoDB in Lambda and in the local mode). What Powertools does for us:
 * the conditional claim of a key (`INPROGRESS`), the stored answer (`COMPLETED`), the payload
 * hash compared on every reuse (`payloadValidationJmesPath`), deleting the claim when the
 * operation throws, the expiry (`expiresAfterSeconds`, the table's TTL attribute), and the
 * in-progress lease after which a crashed request's claim can be taken over.
 * What this adapter adds (docs/decisions/0009-idempotency-and-edits.md):
 * - the key hashed from [scope, key] only, the request hash from [operation, body];
 * - a short wait for an in-flight twin, then 409 with Retry-After;
 * - the answer of an operation that ran is returned even if recording it failed;
 * - Powertools' errors mapped to problem details (422, 409, 503 for an unreachable store).
 */
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyItemNotFoundError,
  IdempotencyUnknownError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import {
  IDEMPOTENCY_RETENTION_SECONDS,
  type IdempotencyStore,
  type IdempotentRequest,
  type IdempotentResult,
  type StoredResponse,
} from './idempotency';
import { ProblemError } from './problem';

export interface PowertoolsIdempotencyOptions {
  /** How long a claim protects a request in progress (the API function's timeout). */
  readonly leaseMs: number;
  /** How long a request waits for an in-flight twin's answer before answering 409. */
  readonly inFlightWaitMs: number;
  readonly retentionSeconds?: number;
  /** Told when the key store failed (the answer is 503, or the operation's own answer). */
  readonly onStoreError?: (error: unknown, stage: 'claim' | 'record') => void;
}

/**
 * The store on a DynamoDB table. Built here rather than in src/wiring.ts: a function that never
 * builds the store then drops this module, and with it Powertools' idempotency and JMESPath
 * (about 40 KB of every other bundle; the package does not declare itself free of side effects).
 */
export function dynamoIdempotencyStore(
  tableName: string,
  client: DynamoDBClient,
  options: PowertoolsIdempotencyOptions,
): PowertoolsIdempotencyStore {
  return new PowertoolsIdempotencyStore(
    new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
    options,
  );
}

/** What the idempotent function hashes: the key from [scope, key], the request from [operation, body]. */
interface Payload {
  readonly scope: string;
  readonly key: string;
  readonly operation: string;
  readonly body: JSONValue;
}

/** One call: what to run, and what happened (per request, never shared). */
interface Call {
  readonly execute: () => Promise<StoredResponse>;
  result?: StoredResponse;
}

export class PowertoolsIdempotencyStore implements IdempotencyStore {
  private readonly idempotent: (payload: Payload, call: Call) => Promise<JSONValue>;

  constructor(
    persistenceStore: BasePersistenceLayer,
    private readonly options: PowertoolsIdempotencyOptions,
  ) {
    const config = new IdempotencyConfig({
      eventKeyJmesPath: '[scope, key]',
      payloadValidationJmesPath: '[operation, body]',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: options.retentionSeconds ?? IDEMPOTENCY_RETENTION_SECONDS,
      hashFunction: 'sha256',
    });
    // Powertools sets a claim's lease from the Lambda context's remaining time. One API request
    // runs per invocation and cannot outlive the function timeout, so a constant lease of that
    // length is the same bound, and it is never shared state between concurrent requests.
    config.registerLambdaContext(leaseContext(options.leaseMs));
    this.idempotent = makeIdempotent(
      async (_payload: Payload, call: Call): Promise<JSONValue> => {
        const result = await call.execute();
        call.result = result;
        return { statusCode: result.statusCode, headers: { ...result.headers }, body: result.body };
      },
      { persistenceStore, config, keyPrefix: 'api', dataIndexArgument: 0 },
    );
  }

  async run(request: IdempotentRequest, execute: () => Promise<StoredResponse>): Promise<IdempotentResult> {
    const payload: Payload = {
      scope: request.scope,
      key: request.key,
      operation: request.operation,
      body: toJson(request.body),
    };
    const deadline = Date.now() + this.options.inFlightWaitMs;
    for (let attempt = 1; ; attempt += 1) {
      const call: Call = { execute };
      try {
        const stored = await this.idempotent(payload, call);
        if (call.result) return { response: call.result, replayed: false };
        return { response: fromJson(stored), replayed: true };
      } catch (error) {
        if (error instanceof IdempotencyValidationError) {
          throw new ProblemError(
            'idempotency-key-reuse',
            'this Idempotency-Key was used with a different request; use a new key for a new request',
          );
        }
        // In flight (or its claim vanished between our write and our read): wait for its answer.
        const twinPending =
          error instanceof IdempotencyAlreadyInProgressError || error instanceof IdempotencyItemNotFoundError;
        if (twinPending && Date.now() < deadline) {
          await sleep(Math.min(25 * attempt, 200, Math.max(1, deadline - Date.now())));
          continue;
        }
        if (twinPending) {
          throw new ProblemError(
            'idempotency-key-in-flight',
            'a request with this Idempotency-Key is still being processed; retry shortly for its answer',
            undefined,
            { 'retry-after': '1' },
          );
        }
        if (!(error instanceof IdempotencyUnknownError)) throw error; // the operation's own error
        if (call.result) {
          // The operation ran and its effect is done; only recording the answer failed. Answer
          // it: a retry within the lease sees 409, after it the operation runs again.
          this.options.onStoreError?.(error, 'record');
          return { response: call.result, replayed: false };
        }
        this.options.onStoreError?.(error, 'claim');
        throw new ProblemError(
          'service-unavailable',
          'requests with an Idempotency-Key cannot be processed right now; retry later (or without the key)',
          undefined,
          { 'retry-after': '5' },
        );
      }
    }
  }
}

function toJson(value: unknown): JSONValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JSONValue);
}

function fromJson(value: JSONValue): StoredResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('stored idempotent response is not an object');
  }
  const { statusCode, headers, body } = value;
  if (typeof statusCode !== 'number' || typeof body !== 'string') {
    throw new Error('stored idempotent response lacks statusCode or body');
  }
  const copied: Record<string, string> = {};
  if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
    for (const [name, v] of Object.entries(headers)) if (typeof v === 'string') copied[name] = v;
  }
  return { statusCode, headers: copied, body };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The only thing Powertools reads from the context is the remaining time: the lease. */
function leaseContext(leaseMs: number): Context {
  const unused = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:api',
    memoryLimitInMB: '0',
    awsRequestId: 'idempotency-lease',
    logGroupName: 'none',
    logStreamName: 'none',
    getRemainingTimeInMillis: () => leaseMs,
    done: unused,
    fail: unused,
    succeed: unused,
  };
}
