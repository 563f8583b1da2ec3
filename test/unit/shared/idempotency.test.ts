/**
 * Idempotency-Key semantics (draft-ietf-httpapi-idempotency-key-header) of the API path: the real
 * Powertools idempotency utility and our adapter, over an in-memory persistence layer that keeps
 * DynamoDB's conditional-put rules (the same semantics run against DynamoDB Local in
 * test/integration/idempotency.test.ts).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { idempotencyScope, runIdempotently } from '../../../functions/api/idempotency';
import { matchRoute, type RouteDefinition } from '../../../src/catalog/routes';
import { PowertoolsIdempotencyStore } from '../../../src/shared/idempotency-store';
import { jsonResponse } from '../../../src/shared/http';
import { ProblemError, problemType } from '../../../src/shared/problem';
import type { Principal } from '../../../src/access/domain/principal';

/** Stores records in a Map with the conditions of Powertools' DynamoDB put. */
class MemoryPersistenceLayer extends BasePersistenceLayer {
  readonly records = new Map<string, IdempotencyRecord>();
  failing: 'never' | 'always' | 'on-update' = 'never';
  calls = 0;

  private touch(operation: 'put' | 'get' | 'update' | 'delete'): void {
    this.calls += 1;
    if (this.failing === 'always' || (this.failing === 'on-update' && operation === 'update')) {
      throw new Error('connect ECONNREFUSED 127.0.0.1:8000');
    }
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    this.touch('put');
    const existing = this.records.get(record.idempotencyKey);
    const now = Date.now();
    const free =
      !existing ||
      (existing.expiryTimestamp !== undefined && existing.expiryTimestamp < now / 1000) ||
      (existing.getStatus() === 'INPROGRESS' &&
        existing.inProgressExpiryTimestamp !== undefined &&
        existing.inProgressExpiryTimestamp < now);
    if (!free) throw new IdempotencyItemAlreadyExistsError('exists', existing);
    this.records.set(record.idempotencyKey, record);
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    this.touch('get');
    const record = this.records.get(idempotencyKey);
    if (!record) throw new IdempotencyItemNotFoundError();
    return record;
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.touch('update');
    this.records.set(record.idempotencyKey, record);
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.touch('delete');
    this.records.delete(record.idempotencyKey);
  }
}

const route = (operation: 'submitReview' | 'createReviewRequest'): RouteDefinition => {
  const found = matchRoute('POST', operation === 'submitReview' ? '/v1/reviews' : '/v1/review-requests');
  if (found.kind !== 'match') throw new Error('route missing');
  return found.match.route;
};

const eventWith = (headers: Record<string, string>): APIGatewayProxyEvent =>
  ({ headers, httpMethod: 'POST', path: '/v1/reviews' }) as unknown as APIGatewayProxyEvent;

const supplier = (supplierId: string): Principal => ({ kind: 'supplier', supplierId, keyId: 'k1' });

function setup(options: { inFlightWaitMs?: number; leaseMs?: number } = {}) {
  const persistence = new MemoryPersistenceLayer();
  const store = new PowertoolsIdempotencyStore(persistence, {
    leaseMs: options.leaseMs ?? 10_000,
    inFlightWaitMs: options.inFlightWaitMs ?? 0,
  });
  let runs = 0;
  const call = (
    principal: Principal,
    body: unknown,
    headers: Record<string, string> = { 'Idempotency-Key': 'key-1' },
    operation: 'submitReview' | 'createReviewRequest' = 'submitReview',
    execute?: () => Promise<APIGatewayProxyResult>,
  ) =>
    runIdempotently(route(operation), eventWith(headers), principal, body, store, async () => {
      runs += 1;
      return execute
        ? execute()
        : jsonResponse(
            202,
            { reviewId: `rev_${runs}`, status: 'accepted' },
            { location: `/v1/reviews/rev_${runs}` },
          );
    });
  return { persistence, store, call, runs: () => runs };
}

const problemOfError = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
};

const body = { rating: 5, title: 'Lovely', body: 'Great flowers.', reviewerName: 'Jo' };

describe('Idempotency-Key on the API', () => {
  it('replays the first answer for the same key and body, without running the operation again', async () => {
    const { call, runs } = setup();
    const first = await call(supplier('sup_a'), body);
    const second = await call(supplier('sup_a'), { ...body }, { 'idempotency-key': 'key-1' });

    expect(runs()).toBe(1);
    expect(first.statusCode).toBe(202);
    expect(first.headers?.['idempotent-replayed']).toBeUndefined();
    expect(second.statusCode).toBe(202);
    expect(second.body).toBe(first.body);
    expect(second.headers).toMatchObject({
      location: first.headers?.location,
      'idempotent-replayed': 'true',
    });
  });

  it('treats the same key with a different body as reuse: 422 idempotency-key-reuse, nothing runs', async () => {
    const { call, runs } = setup();
    await call(supplier('sup_a'), body);
    const error = await problemOfError(call(supplier('sup_a'), { ...body, rating: 1 }));

    expect(error.problem).toMatchObject({ status: 422, type: problemType('idempotency-key-reuse') });
    expect(runs()).toBe(1);
  });

  it('treats the same key on another operation as reuse', async () => {
    const { call } = setup();
    await call(supplier('sup_a'), body);
    const error = await problemOfError(call(supplier('sup_a'), body, undefined, 'createReviewRequest'));
    expect(error.problem.status).toBe(422);
  });

  it('answers 409 idempotency-key-in-flight with Retry-After while the first request is running', async () => {
    const { call, runs } = setup({ inFlightWaitMs: 50 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = call(supplier('sup_a'), body, undefined, 'submitReview', async () => {
      await gate;
      return jsonResponse(202, { reviewId: 'rev_slow', status: 'accepted' });
    });
    const error = await problemOfError(call(supplier('sup_a'), body));
    expect(error.problem).toMatchObject({ status: 409, type: problemType('idempotency-key-in-flight') });
    expect(error.headers['retry-after']).toBe('1');

    // A different body is a reuse even while the first is in flight.
    expect((await problemOfError(call(supplier('sup_a'), { ...body, title: 'Other' }))).problem.status).toBe(
      422,
    );

    release();
    expect(JSON.parse((await first).body)).toEqual({ reviewId: 'rev_slow', status: 'accepted' });
    const replay = await call(supplier('sup_a'), body);
    expect(JSON.parse(replay.body)).toEqual({ reviewId: 'rev_slow', status: 'accepted' });
    expect(runs()).toBe(1);
  });

  it('gives an in-flight twin the same answer when the first finishes within the wait', async () => {
    const { call, runs } = setup({ inFlightWaitMs: 2000 });
    const first = call(supplier('sup_a'), body, undefined, 'submitReview', async () => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      return jsonResponse(202, { reviewId: 'rev_wait', status: 'accepted' });
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await call(supplier('sup_a'), body);
    expect(second.body).toBe((await first).body);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect(runs()).toBe(1);
  });

  it('scopes keys per supplier: two suppliers may use the same key for different requests', async () => {
    const { call, runs } = setup();
    const a = await call(supplier('sup_a'), body);
    const b = await call(supplier('sup_b'), { ...body, rating: 2 });
    expect(runs()).toBe(2);
    expect(a.body).not.toBe(b.body);
    expect(b.headers?.['idempotent-replayed']).toBeUndefined();
  });

  it('scopes a couple by their review link, never by anything in the body', () => {
    expect(idempotencyScope({ kind: 'review-token', token: 'wrt_a' })).not.toBe(
      idempotencyScope({ kind: 'review-token', token: 'wrt_b' }),
    );
    expect(idempotencyScope(supplier('sup_a'))).toBe('supplier:sup_a');
  });

  it('keeps requests without a key off the store, even when the store is down', async () => {
    const { call, persistence, runs } = setup();
    persistence.failing = 'always';
    const response = await call(supplier('sup_a'), body, {});
    expect(response.statusCode).toBe(202);
    expect(runs()).toBe(1);
    expect(persistence.calls).toBe(0);
  });

  it('answers 503 with Retry-After, running nothing, when the key store is unreachable', async () => {
    const { call, persistence, runs } = setup();
    persistence.failing = 'always';
    const error = await problemOfError(call(supplier('sup_a'), body));
    expect(error.problem.status).toBe(503);
    expect(error.headers['retry-after']).toBe('5');
    expect(runs()).toBe(0);
  });

  it("returns the operation's answer when only recording it failed", async () => {
    const { call, persistence, runs } = setup();
    persistence.failing = 'on-update';
    const response = await call(supplier('sup_a'), body);
    expect(response.statusCode).toBe(202);
    expect(runs()).toBe(1);
  });

  it('does not store errors: a failed operation runs again on retry', async () => {
    const { call, runs } = setup();
    const failing = call(supplier('sup_a'), body, undefined, 'submitReview', async () => {
      throw new ProblemError('unauthorized', 'the review link has expired');
    });
    expect((await problemOfError(failing)).problem.status).toBe(401);
    const retried = await call(supplier('sup_a'), body);
    expect(retried.statusCode).toBe(202);
    expect(runs()).toBe(2);
  });

  it('lets a retry take over the claim of a request that died after its lease', async () => {
    const { call, persistence, runs } = setup({ leaseMs: 1 });
    // A claim left behind by a crashed request (no answer ever recorded).
    persistence.failing = 'on-update';
    await call(supplier('sup_a'), body);
    persistence.failing = 'never';
    await new Promise((resolve) => setTimeout(resolve, 10));
    const response = await call(supplier('sup_a'), body);
    expect(response.headers?.['idempotent-replayed']).toBeUndefined();
    expect(runs()).toBe(2);
  });

  it('rejects a malformed key with 400 before touching the store', async () => {
    const { call, persistence } = setup();
    for (const key of ['', 'x'.repeat(201), 'has space', 'naïve']) {
      const error = await problemOfError(call(supplier('sup_a'), body, { 'idempotency-key': key }));
      expect(error.problem.status).toBe(400);
    }
    expect(persistence.calls).toBe(0);
  });
});
