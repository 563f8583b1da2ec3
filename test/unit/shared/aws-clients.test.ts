import { FUNCTIONS } from '../../../src/catalog/functions';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  dynamo,
  dynamoClient,
  MAX_RETRY_BACKOFF_MS,
  s3,
  sdkClientConfig,
  sdkTimeouts,
  sesv2,
  sqs,
  withoutSdkLogging,
} from '../../../src/shared/aws-clients';
import { FUNCTION_TIMEOUT_ENV } from '../../../src/shared/env';

describe('AWS SDK timeouts', () => {
  it.each(FUNCTIONS.map((f) => [f.id, f.timeoutSeconds] as const))(
    '%s (%i s): every attempt and the back-off between them end within three quarters of the deadline',
    (_id, timeoutSeconds) => {
      const { connectionTimeout, requestTimeout, maxAttempts } = sdkTimeouts(timeoutSeconds);
      expect(connectionTimeout).toBeGreaterThan(0);
      expect(connectionTimeout).toBeLessThanOrEqual(requestTimeout);
      expect(maxAttempts * requestTimeout + MAX_RETRY_BACKOFF_MS).toBeLessThanOrEqual(
        (timeoutSeconds * 1000 * 3) / 4,
      );
    },
  );

  it('gives the API a two-second attempt and never less than half a second', () => {
    expect(sdkTimeouts(10).requestTimeout).toBe(2000);
    expect(sdkTimeouts(1).requestTimeout).toBe(500);
    expect(sdkTimeouts(900).requestTimeout).toBe(3000);
  });

  it('reads the function timeout from the environment the construct sets', () => {
    const before = process.env[FUNCTION_TIMEOUT_ENV];
    try {
      process.env[FUNCTION_TIMEOUT_ENV] = '5';
      expect(sdkClientConfig()).toEqual({
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 1000, requestTimeout: 1000, throwOnRequestTimeout: true },
      });
    } finally {
      if (before === undefined) delete process.env[FUNCTION_TIMEOUT_ENV];
      else process.env[FUNCTION_TIMEOUT_ENV] = before;
    }
  });
});

describe('SDK logger middleware', () => {
  const hasLogger = (client: { middlewareStack: { identify(): string[] } }) =>
    client.middlewareStack.identify().some((entry) => entry.startsWith('loggerMiddleware'));

  it('is taken out of a client (it filtered every output only to hand it to a no-op logger)', () => {
    const client = new DynamoDBClient({ region: 'eu-west-1' });
    expect(hasLogger(client)).toBe(true);
    expect(hasLogger(withoutSdkLogging(client))).toBe(false);
  });

  it('is absent from every shared client', () => {
    process.env.AWS_REGION ??= 'eu-west-1';
    for (const client of [dynamoClient(), dynamo(), sqs(), sesv2(), s3()]) {
      expect(hasLogger(client)).toBe(false);
    }
  });
});

describe('DynamoDB clients', () => {
  it('cache the low-level client’s middleware stack; the DocumentClient has a client of its own', () => {
    process.env.AWS_REGION ??= 'eu-west-1';
    expect(dynamoClient().config.cacheMiddleware).toBe(true);
    // lib-dynamodb throws on a client with the cache; its stack is not the low-level client's.
    expect(dynamo().config.cacheMiddleware).toBeFalsy();
    expect(dynamo().middlewareStack).not.toBe(dynamoClient().middlewareStack);
  });
});
