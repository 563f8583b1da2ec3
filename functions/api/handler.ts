/** Lambda entry of the HTTP API: wires adapters from the environment to `handleApiEvent`. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamo } from '../../src/shared/aws-clients';
import { DynamoReviewRequestRepository } from '../../src/reviews/adapters/dynamo-records';
import { keyRingFor } from '../../src/access/adapters/key-ring';
import { secretDefinition } from '../../src/catalog/secrets';
import { modelCard } from '../../src/models/inference/model-cards';
import { systemClock } from '../../src/reviews/ports';
import { requireEnv } from '../../src/shared/env';
import { logger } from '../../src/shared/powertools';
import {
  modelEngine,
  modelStatsStore,
  queueSender,
  reviewRepository,
  tableName,
} from '../../src/wiring';
import { webhookApiDeps } from '../../src/webhooks/wiring';
import { handleApiEvent, type ApiDeps } from './app';

let deps: ApiDeps | undefined;

function depsFromEnv(): ApiDeps {
  deps ??= {
    ...webhookApiDeps(),
    reviews: reviewRepository(),
    requests: new DynamoReviewRequestRepository(dynamo(), tableName('ReviewRequests')),
    queue: queueSender('Ingest'),
    keys: keyRingFor(requireEnv(secretDefinition('ReviewTokenKey').envVar)),
    clock: systemClock,
    models: modelEngine(),
    modelStats: modelStatsStore(),
    modelCard: (task, version) => modelCard(task, version),
    onStatsError: (error) => logger.warn('model statistics not saved', { error: error as Error }),
    onUnexpectedError: (error, event) =>
      logger.error('unexpected error', { error: error as Error, path: event.path, method: event.httpMethod }),
  };
  return deps;
}

export const handleRequest = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  handleApiEvent(event, depsFromEnv());

export const handler = middy(handleRequest).use(injectLambdaContext(logger));
