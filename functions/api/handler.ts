/** Lambda entry of the HTTP API: wires adapters from the environment to `handleApiEvent`. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { modelCard } from '../../src/models/inference/model-cards';
import { systemClock } from '../../src/shared/clock';
import { logger } from '../../src/shared/powertools';
import {
  breakerStore,
  deliveryQueue,
  deliveryStore,
  endpointRepository,
  idempotencyStore,
  modelEngine,
  modelStatsStore,
  once,
  queueSender,
  reviewRepository,
  reviewRequestRepository,
  reviewTokenKeys,
  webhookConfig,
} from '../../src/wiring';
import { handleApiEvent, type ApiDeps } from './app';

const deps = once((): ApiDeps => ({
  idempotency: idempotencyStore(),
  endpoints: endpointRepository(),
  deliveries: deliveryStore(),
  deliveryQueue: deliveryQueue(),
  breakers: breakerStore(),
  webhookConfig: webhookConfig(),
  reviews: reviewRepository(),
  requests: reviewRequestRepository(),
  queue: queueSender('Ingest'),
  keys: reviewTokenKeys(),
  clock: systemClock,
  models: modelEngine(),
  modelStats: modelStatsStore(),
  modelCard: (task, version) => modelCard(task, version),
  onStatsError: (error) => logger.warn('model statistics not saved', { error: error as Error }),
  onUnexpectedError: (error, event) =>
    logger.error('unexpected error', { error: error as Error, path: event.path, method: event.httpMethod }),
}));

export const handleRequest = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  handleApiEvent(event, deps());

export const handler = middy(handleRequest).use(injectLambdaContext(logger));
