/** REQUEST authorizer: API key -> supplier id (context for the handlers), or a review-token marker. */
import middy from '@middy/core';
import { withLogging } from '../../src/shared/logging';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { logger } from '../../src/shared/powertools';
import { apiKeyStore, once, tenantStore } from '../../src/wiring';
import { authorize, CachedKeyLookup, noteKeyUse } from '../../src/access/use-cases/authorize';
import { LastUseThrottle } from '../../src/access/domain/key-lifecycle';

const keys = once(() => new CachedKeyLookup(tenantStore()));
/** Per container: a key's last use is written at most once per interval from here. */
const lastUse = once(() => new LastUseThrottle());

/** Allow every method of the stage: API Gateway caches one decision per credential. */
function stageWildcard(methodArn: string): string {
  // arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path...>
  const [apiArn, stage] = methodArn.split('/');
  return `${apiArn}/${stage}/*/*`;
}

export async function handleAuthorization(
  event: APIGatewayRequestAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> {
  const authorization = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1];
  const now = new Date();
  const decision = await authorize(authorization, keys(), now);
  await noteKeyUse(decision, {
    throttle: lastUse(),
    recorder: apiKeyStore(),
    now,
    onError: (error) => logger.warn('last use of an API key not recorded', { error: error as Error }),
  });
  if (decision.effect === 'unauthorized') throw new Error('Unauthorized'); // API Gateway's contract for 401
  const principalId =
    decision.effect === 'allow' ? (decision.context.supplierId ?? 'review-token') : 'denied';
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'execute-api:Invoke',
          Effect: decision.effect === 'allow' ? 'Allow' : 'Deny',
          Resource: stageWildcard(event.methodArn),
        },
      ],
    },
    // The usage plans' key for this caller (ADR 0036); API Gateway meters it, nothing logs it.
    ...(decision.effect === 'allow'
      ? { context: decision.context, usageIdentifierKey: decision.usageIdentifierKey }
      : {}),
  };
}

export const handler = middy(handleAuthorization).use(withLogging(logger));
