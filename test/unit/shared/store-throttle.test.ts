/**
 * A throttled DynamoDB request after the SDK's retries (ADR 0035's provisioned tables) answers 503
 * with Retry-After and a detail that says so, through the API's one error mapping; every other
 * unexpected error keeps its generic 503. The errors are the SDK's own exception classes.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { handleApiEvent, type ApiDeps } from '../../../functions/api/app';
import {
  isStoreThrottle,
  STORE_THROTTLE_RETRY_AFTER_SECONDS,
  StoreThrottledError,
  unexpectedErrorAnswer,
} from '../../../src/shared/store-throttle';

const $metadata = { httpStatusCode: 400, requestId: 'sdk-request-id', attempts: 3 };

const provisioned = () =>
  new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded.',
    $metadata,
  });
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata,
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('isStoreThrottle', () => {
  it.each([
    ['ProvisionedThroughputExceededException', provisioned()],
    ['ThrottlingException', new ThrottlingException({ message: 'Rate exceeded', $metadata })],
    [
      'RequestLimitExceeded',
      new RequestLimitExceeded({ message: 'Throughput exceeds the account limit', $metadata }),
    ],
    ['a transaction cancelled by ThrottlingError', cancelled(['None', 'ThrottlingError'])],
    [
      'a transaction cancelled by ProvisionedThroughputExceeded',
      cancelled(['ProvisionedThroughputExceeded']),
    ],
    ['a throttle wrapped as a cause', new Error('list failed', { cause: provisioned() })],
    ['a batch left unprocessed (our adapter)', new StoreThrottledError('BatchGetItem left keys unprocessed')],
  ])('recognises %s', (_what, error) => {
    expect(isStoreThrottle(error)).toBe(true);
  });

  it.each([
    ['a transaction cancelled by a condition', cancelled(['None', 'ConditionalCheckFailed'])],
    ['a transaction without reasons', cancelled([])],
    ['an internal server error', new InternalServerError({ message: 'Internal error', $metadata })],
    [
      'a validation error',
      new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', $metadata }),
    ],
    ['a plain error', new Error('ProvisionedThroughputExceededException')],
    ['a string', 'ThrottlingException'],
    ['undefined', undefined],
  ])('does not take %s for a throttle', (_what, error) => {
    expect(isStoreThrottle(error)).toBe(false);
  });

  it('ends on a cyclic cause chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(isStoreThrottle(a)).toBe(false);
  });
});

describe('unexpectedErrorAnswer', () => {
  it('answers a throttle 503 with the longer Retry-After and no internals', () => {
    const answer = unexpectedErrorAnswer(provisioned(), 'req-1');
    expect(answer.throttled).toBe(true);
    expect(answer.headers).toEqual({ 'retry-after': String(STORE_THROTTLE_RETRY_AFTER_SECONDS) });
    expect(answer.problem).toEqual({
      type: 'urn:wedsync:problem:service-unavailable',
      title: 'Service unavailable',
      status: 503,
      detail:
        'the service is over its storage capacity right now; retry after the number of seconds in Retry-After; reference req-1',
    });
  });

  it('keeps the generic 503 for anything else', () => {
    const answer = unexpectedErrorAnswer(new Error('boom'), undefined);
    expect(answer).toEqual({
      problem: expect.objectContaining({ status: 503, detail: 'please retry; reference n/a' }),
      headers: { 'retry-after': '1' },
      throttled: false,
    });
  });
});

describe('through the API handler', () => {
  const event = {
    httpMethod: 'GET',
    path: '/v1/reviews/summary',
    headers: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: 'gw-request-7',
      authorizer: { principalType: 'supplier', supplierId: 'sup_1', keyId: 'key_1' },
    },
  } as unknown as APIGatewayProxyEvent;

  const depsFailingWith = (error: unknown) => {
    const onUnexpectedError = jest.fn();
    const deps = {
      reviews: { summary: () => Promise.reject(error) },
      onUnexpectedError,
    } as unknown as ApiDeps;
    return { deps, onUnexpectedError };
  };

  it('answers a throttled read 503 + Retry-After and still reports it as unexpected', async () => {
    const error = provisioned();
    const { deps, onUnexpectedError } = depsFailingWith(error);
    const response = await handleApiEvent(event, deps);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(response.headers?.['retry-after']).toBe(String(STORE_THROTTLE_RETRY_AFTER_SECONDS));
    const body = JSON.parse(response.body) as Record<string, unknown>;
    expect(body.detail).toContain('over its storage capacity');
    expect(body.detail).toContain('gw-request-7');
    expect(response.body).not.toMatch(/Provisioned|throughput|table|sdk-request-id/i);
    expect(onUnexpectedError).toHaveBeenCalledWith(error, event);
  });

  it('answers a throttled transaction the same way', async () => {
    const { deps } = depsFailingWith(cancelled(['ThrottlingError', 'None']));
    const response = await handleApiEvent(event, deps);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe(String(STORE_THROTTLE_RETRY_AFTER_SECONDS));
  });

  it('answers any other failure with the generic 503 and Retry-After 1', async () => {
    const { deps, onUnexpectedError } = depsFailingWith(new InternalServerError({ message: 'x', $metadata }));
    const response = await handleApiEvent(event, deps);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
    expect(JSON.parse(response.body)).toMatchObject({ detail: 'please retry; reference gw-request-7' });
    expect(onUnexpectedError).toHaveBeenCalledTimes(1);
  });
});
