/**
 * Admin acts of API requests (issue 9): built from API Gateway's request context (source IP,
 * request id) and the principal; a failed audit write is parked and answered 503 + Retry-After.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { actOf, recordAct } from '../../../functions/api/admin-acts';
import type { AdminAct, AdminAuditTrail } from '../../../src/audit';
import { ProblemError } from '../../../src/shared/problem';

const event = {
  headers: { 'X-Correlation-Id': 'corr-1' },
  requestContext: { requestId: 'req-1', identity: { sourceIp: '198.51.100.4' } },
} as unknown as APIGatewayProxyEvent;
const supplier = { kind: 'supplier', supplierId: 'sup_a', keyId: 'key_a' } as const;

it('names the actor, the supplier, the source IP, the request id and the correlation id', () => {
  const act = actOf({ event, principal: supplier }, { kind: 'endpoint.created', target: 'endpoint:whe_1' });
  expect(act).toMatchObject({
    kind: 'endpoint.created',
    actor: { type: 'supplier', supplierId: 'sup_a', keyId: 'key_a' },
    supplierId: 'sup_a',
    target: 'endpoint:whe_1',
    outcome: 'ok',
    sourceIp: '198.51.100.4',
    requestId: 'req-1',
    correlationId: 'corr-1',
  });
  expect(act.auditId).toMatch(/^aud_[0-9a-f]{28}$/);
  const ops = actOf(
    { event, principal: { kind: 'ops', keyId: 'key_o' } },
    { kind: 'api_key.used_for_ops', target: 'x:y' },
  );
  expect(ops.actor).toEqual({ type: 'ops', keyId: 'key_o' });
  expect(ops.supplierId).toBeUndefined();
  // The public OAuth callback: the supplier the connection belongs to.
  const callback = actOf(
    { event, principal: undefined },
    { kind: 'connection.made', target: 'connection:c', supplierId: 'sup_b' },
  );
  expect(callback.actor).toEqual({ type: 'supplier', supplierId: 'sup_b' });
});

it('parks an act the trail refused and answers 503 with Retry-After, never silently', async () => {
  const parked: AdminAct[] = [];
  const failing: AdminAuditTrail = { record: () => Promise.reject(new Error('throttled')) };
  const error = await recordAct(
    { event, principal: supplier },
    { adminAudit: failing, onActParked: (act) => parked.push(act) },
    { kind: 'api_key.created', target: 'api_key:key_1' },
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProblemError);
  expect((error as ProblemError).problem.status).toBe(503);
  expect((error as ProblemError).headers['retry-after']).toBe('1');
  expect(parked).toEqual([expect.objectContaining({ kind: 'api_key.created', target: 'api_key:key_1' })]);

  const written: AdminAct[] = [];
  await recordAct(
    { event, principal: supplier },
    { adminAudit: { record: async (act) => void written.push(act) }, onActParked: () => undefined },
    { kind: 'api_key.created', target: 'api_key:key_1' },
  );
  expect(written).toHaveLength(1);
});
