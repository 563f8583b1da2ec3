/** Data subject requests (issue 9), ops only: export, erasure, erasure status. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  erasureStatus,
  exportSubject,
  requestErasure,
  type ErasureBody,
  type ExportSubjectDeps,
  type OpsRequestContext,
  type RequestErasureDeps,
  type SubjectExportBody,
} from '../../../src/privacy';
import { correlationIdOfRequest } from '../../../src/shared/correlation';
import { jsonResponse } from '../../../src/shared/http';
import { ProblemError } from '../../../src/shared/problem';
import type { Principal } from '../../../src/access/domain/principal';
import type { Operations } from '../operation';

export interface PrivacyDeps {
  readonly privacy: ExportSubjectDeps & RequestErasureDeps;
}

const ERASURE_ID = /^era_[0-9a-f]{26}$/;

/** The ops caller and where the request came from, for the audit trail (never the address). */
function opsContext(principal: Principal | undefined, event: APIGatewayProxyEvent): OpsRequestContext {
  if (principal?.kind !== 'ops') throw new ProblemError('forbidden', 'this route needs an ops key');
  const sourceIp = event.requestContext?.identity?.sourceIp;
  const requestId = event.requestContext?.requestId;
  const correlationId = correlationIdOfRequest(event);
  return {
    actor: { type: 'ops', keyId: principal.keyId },
    ...(sourceIp ? { sourceIp } : {}),
    ...(requestId ? { requestId } : {}),
    ...(correlationId ? { correlationId } : {}),
  };
}

const erasureLocation = (erasureId: string) => ({ location: `/v1/ops/privacy/erasures/${erasureId}` });

export const privacyOperations: Operations<
  'exportSubjectData' | 'requestSubjectErasure' | 'getSubjectErasure',
  PrivacyDeps
> = {
  async exportSubjectData({ principal, event, body }, deps) {
    const request = body as SubjectExportBody;
    const document = await exportSubject(request, opsContext(principal, event), deps.privacy);
    // The document is personal data: never cached on the way.
    return jsonResponse(200, document, { 'cache-control': 'no-store' });
  },
  async requestSubjectErasure({ principal, event, body }, deps) {
    const request = body as ErasureBody;
    const answer = await requestErasure(request, opsContext(principal, event), deps.privacy);
    return jsonResponse(
      answer.kind === 'done' ? 200 : 202,
      answer.erasure,
      erasureLocation(answer.erasure.erasureId),
    );
  },
  async getSubjectErasure({ principal, event, pathParameters }, deps) {
    opsContext(principal, event);
    const erasureId = pathParameters.erasureId ?? '';
    const erasure = ERASURE_ID.test(erasureId) ? await erasureStatus(erasureId, deps.privacy) : undefined;
    if (!erasure) throw new ProblemError('not-found', 'no such erasure');
    return jsonResponse(200, erasure);
  },
};
