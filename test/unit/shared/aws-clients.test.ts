import { FUNCTIONS } from '../../../src/catalog/functions';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  dynamo,
  dynamoClient,
  MAX_RETRY_BACKOFF_MS,
  sdkClientConfig,
  sdkTimeouts,
  sqs,
  withoutSdkLogging,
  withSignerOnce,
} from '../../../src/shared/aws-clients';
import { s3 } from '../../../src/shared/s3-client';
import { sesv2 } from '../../../src/shared/ses-client';
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

describe('request signer built once per client', () => {
  /** The request as sent (signed), answered in process with an empty JSON body. */
  type Sent = { method: string; headers: Record<string, string>; body?: unknown };
  const capturing = (client: DynamoDBClient, sent: Sent[]) => {
    client.middlewareStack.add(
      () => async (args) => {
        sent.push(args.request as Sent);
        return {
          response: { statusCode: 200, headers: {}, body: new Uint8Array(Buffer.from('{}')) },
          output: {},
        } as never;
      },
      { step: 'deserialize', priority: 'low', name: 'capture' },
    );
    return client;
  };
  const getItem = () => new GetItemCommand({ TableName: 'T', Key: { pk: { S: 'a' } } });

  it('asks the SDK for its signer once, however many calls follow', async () => {
    const client = new DynamoDBClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    });
    const perCall = jest.spyOn(client.config, 'signer');
    withSignerOnce(capturing(client, []));
    for (let i = 0; i < 5; i += 1) await client.send(getItem());
    expect(perCall).toHaveBeenCalledTimes(1);
  });

  it('signs each request as a fresh SigV4 signer would, with the credentials of the moment', async () => {
    let current = { accessKeyId: 'AKIDFIRST', secretAccessKey: 'first-secret' };
    const sent: Sent[] = [];
    const client = withSignerOnce(
      capturing(
        new DynamoDBClient({
          region: 'eu-west-1',
          // Expiring within the SDK's refresh window: the provider is asked again on every call.
          credentials: async () => ({ ...current, expiration: new Date(Date.now() + 60_000) }),
        }),
        sent,
      ),
    );
    await client.send(getItem());
    current = { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second-secret' };
    await client.send(getItem());

    const keys = [
      { accessKeyId: 'AKIDFIRST', secretAccessKey: 'first-secret' },
      { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second-secret' },
    ];
    for (const [i, request] of sent.entries()) {
      const { authorization, ...unsigned } = request.headers;
      expect(authorization).toContain(`Credential=${keys[i]!.accessKeyId}/`);
      expect(authorization).toContain('/eu-west-1/dynamodb/aws4_request');
      const date = unsigned['x-amz-date']!;
      // The request as sent, signed again from scratch (the overload for requests returns one).
      const fresh = (await new SignatureV4({
        credentials: keys[i]!,
        region: 'eu-west-1',
        service: 'dynamodb',
        sha256: client.config.sha256,
      }).sign({ ...request, headers: unsigned } as never, {
        signingDate: new Date(
          `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13)}`,
        ),
      })) as unknown as Sent;
      expect(fresh.headers.authorization).toBe(authorization);
    }
  });

  it('builds again after a failed build instead of keeping the failure', async () => {
    const signer = { sign: jest.fn() };
    const factory = jest.fn().mockRejectedValueOnce(new Error('no region yet')).mockResolvedValue(signer);
    const client = withSignerOnce({ config: { signer: factory } } as unknown as DynamoDBClient);
    await expect(client.config.signer()).rejects.toThrow('no region yet');
    await expect(client.config.signer()).resolves.toBe(signer);
    await expect(client.config.signer()).resolves.toBe(signer);
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('is on the API’s hot-path clients (both DynamoDB clients and SQS)', async () => {
    process.env.AWS_REGION ??= 'eu-west-1';
    for (const config of [dynamoClient().config, dynamo().config, sqs().config]) {
      const first = await config.signer();
      expect(await config.signer()).toBe(first);
    }
  });
});
