/** Lambda entry of the HTTP API: wires adapters from the environment to `handleApiEvent`. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamo, sqs } from '../../src/adapters/clients';
import { DynamoReviewRequestRepository } from '../../src/adapters/dynamo-records';
import { keyRingFor } from '../../src/adapters/key-ring';
import { DynamoReviewRepository } from '../../src/adapters/review-repository';
import { SqsIngestQueue } from '../../src/adapters/sqs-queues';
import { queueDefinition } from '../../src/catalog/queues';
import { secretDefinition } from '../../src/catalog/secrets';
import { tableDefinition } from '../../src/catalog/tables';
import { systemClock } from '../../src/ports';
import { currentRegion, requireEnv } from '../../src/runtime/env';
import { logger } from '../../src/runtime/powertools';
import { handleApiEvent, type ApiDeps } from './app';

let deps: ApiDeps | undefined;

function depsFromEnv(): ApiDeps {
  deps ??= {
    reviews: new DynamoReviewRepository(
      dynamo(),
      requireEnv(tableDefinition('Reviews').envVar),
      currentRegion(),
    ),
    requests: new DynamoReviewRequestRepository(
      dynamo(),
      requireEnv(tableDefinition('ReviewRequests').envVar),
    ),
    queue: new SqsIngestQueue(sqs(), requireEnv(queueDefinition('Ingest').envVar)),
    keys: keyRingFor(requireEnv(secretDefinition('ReviewTokenKey').envVar)),
    clock: systemClock,
    onUnexpectedError: (error, event) =>
      logger.error('unexpected error', { error: error as Error, path: event.path, method: event.httpMethod }),
  };
  return deps;
}

export const handleRequest = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  handleApiEvent(event, depsFromEnv());

export const handler = middy(handleRequest).use(injectLambdaContext(logger));
