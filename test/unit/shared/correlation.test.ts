import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  correlationAttributes,
  correlationIdOfRecord,
  correlationIdOfRequest,
  isCorrelationId,
} from '../../../src/shared/correlation';
import { correlated, InvocationLogFormatter, withLogging } from '../../../src/shared/logging';

const apiEvent = (headers: Record<string, string>, requestId = 'req-abc-123') =>
  ({
    httpMethod: 'POST',
    resource: '/v1/reviews',
    path: '/v1/reviews',
    headers,
    requestContext: { requestId },
  }) as unknown as APIGatewayProxyEvent;

const record = (fields: Partial<SQSRecord>): SQSRecord =>
  ({ messageId: 'm1', body: '{}', messageAttributes: {}, eventSource: 'aws:sqs', ...fields }) as SQSRecord;

describe('correlation ids', () => {
  it('accepts 1..128 letters, digits and . _ : - (starting alphanumeric) and nothing else', () => {
    expect(isCorrelationId('abc-123_x.y:z')).toBe(true);
    expect(isCorrelationId('a'.repeat(128))).toBe(true);
    expect(isCorrelationId('a'.repeat(129))).toBe(false);
    expect(isCorrelationId('')).toBe(false);
    expect(isCorrelationId('-leading')).toBe(false);
    expect(isCorrelationId('has space')).toBe(false);
    expect(isCorrelationId('line\nbreak')).toBe(false);
    expect(isCorrelationId('{"json":1}')).toBe(false);
    expect(isCorrelationId(42)).toBe(false);
  });

  it("takes a valid X-Correlation-Id (any case), else API Gateway's request id", () => {
    expect(correlationIdOfRequest(apiEvent({ 'X-Correlation-Id': 'client-1' }))).toBe('client-1');
    expect(correlationIdOfRequest(apiEvent({ 'x-correlation-id': 'client-2' }))).toBe('client-2');
    expect(correlationIdOfRequest(apiEvent({ 'x-correlation-id': 'bad id <script>' }))).toBe('req-abc-123');
    expect(correlationIdOfRequest(apiEvent({ 'x-correlation-id': 'x'.repeat(500) }))).toBe('req-abc-123');
    expect(correlationIdOfRequest(apiEvent({}))).toBe('req-abc-123');
  });

  it('gives message attributes only for a valid id', () => {
    expect(correlationAttributes('abc')).toEqual({ correlationId: 'abc' });
    expect(correlationAttributes(undefined)).toEqual({});
    expect(correlationAttributes('no spaces please')).toEqual({});
  });

  it("reads a record's id from its attribute, else the body's field or CloudEvents extension", () => {
    const attribute = { correlationId: { stringValue: 'from-attr', dataType: 'String' } } as never;
    expect(
      correlationIdOfRecord(record({ messageAttributes: attribute, body: '{"correlationId":"b"}' })),
    ).toBe('from-attr');
    expect(correlationIdOfRecord(record({ body: '{"correlationId":"from-body"}' }))).toBe('from-body');
    expect(correlationIdOfRecord(record({ body: '{"specversion":"1.0","correlationid":"ext-1"}' }))).toBe(
      'ext-1',
    );
    expect(correlationIdOfRecord(record({ body: 'not json' }))).toBeUndefined();
    expect(correlationIdOfRecord(record({ body: '{"correlationId":"bad id"}' }))).toBeUndefined();
  });
});

describe('withLogging', () => {
  const context = { functionName: 'Test', awsRequestId: 'aws-1' } as Context;
  let lines: Record<string, unknown>[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    lines = [];
    // POWERTOOLS_DEV (test/setup-env.ts): Powertools writes through the global console.
    spy = jest.spyOn(console, 'info').mockImplementation((line: unknown) => {
      lines.push(JSON.parse(String(line)) as Record<string, unknown>);
    });
  });
  afterEach(() => spy.mockRestore());
  // As the shared logger (src/shared/powertools.ts): the invocation's keys come from its formatter.
  const logger = new Logger({
    serviceName: 'test',
    logLevel: 'INFO',
    logFormatter: new InvocationLogFormatter(),
  });

  it('puts the request id on every line, echoes it, and forgets it after the invocation', async () => {
    const handler = middy(async (): Promise<APIGatewayProxyResult> => {
      logger.info('inside');
      return { statusCode: 202, headers: { 'content-type': 'application/json' }, body: '{}' };
    }).use(withLogging(logger));
    const answer = await handler(apiEvent({ 'x-correlation-id': 'corr-77' }), context);
    expect(answer.headers).toEqual({ 'content-type': 'application/json', 'x-correlation-id': 'corr-77' });
    logger.info('between invocations');
    expect(lines.map((l) => [l.message, l.correlation_id])).toEqual([
      ['inside', 'corr-77'],
      ['between invocations', undefined],
    ]);
  });

  it('leaves a response without a status code (an authorizer policy) unchanged', async () => {
    const policy = { principalId: 'p', policyDocument: {} };
    const handler = middy(async () => policy).use(withLogging(logger));
    expect(await handler(apiEvent({ 'x-correlation-id': 'corr-1' }), context)).toEqual(policy);
  });

  it("puts an SQS batch's shared id on its lines, and lists several distinct ids", async () => {
    const handler = middy(async (_event: SQSEvent) => {
      logger.info('batch line');
      return { batchItemFailures: [] };
    }).use(withLogging(logger));
    const attr = (id: string) => ({ correlationId: { stringValue: id, dataType: 'String' } }) as never;
    await handler(
      { Records: [record({ messageAttributes: attr('one') }), record({ messageAttributes: attr('one') })] },
      context,
    );
    await handler(
      { Records: [record({ messageAttributes: attr('a') }), record({ body: '{"correlationId":"b"}' })] },
      context,
    );
    expect(lines.map((l) => [l.correlation_id, l.correlation_ids])).toEqual([
      ['one', undefined],
      [undefined, ['a', 'b']],
    ]);
  });

  it('does the same around a raw handler (what the local mode invokes), and removes the id after', async () => {
    const raw = correlated(logger, async (_event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      logger.info('raw inside');
      return { statusCode: 200, body: '{}' };
    });
    const answer = await raw(apiEvent({}, 'gateway-req-9'));
    expect(answer.headers).toEqual({ 'x-correlation-id': 'gateway-req-9' });
    logger.info('after raw');
    await expect(
      correlated(logger, async () => {
        logger.info('failing');
        throw new Error('boom');
      })(apiEvent({ 'x-correlation-id': 'corr-err' })),
    ).rejects.toThrow('boom');
    logger.info('after failure');
    expect(lines.map((l) => [l.message, l.correlation_id])).toEqual([
      ['raw inside', 'gateway-req-9'],
      ['after raw', undefined],
      ['failing', 'corr-err'],
      ['after failure', undefined],
    ]);
  });

  it('keeps each of two overlapping invocations on its own id, whatever the order of their awaits', async () => {
    // Each invocation logs, lets the other run, and logs again: the awaits interleave A, B, A, B.
    let release!: () => void;
    const bothStarted = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const raw = correlated(logger, async (_event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      logger.info('first');
      started += 1;
      if (started === 2) release();
      await bothStarted;
      logger.info('second');
      await new Promise((resolve) => setImmediate(resolve));
      logger.info('third');
      return { statusCode: 200, body: '{}' };
    });
    await Promise.all([
      raw(apiEvent({ 'x-correlation-id': 'corr-a' })),
      raw(apiEvent({ 'x-correlation-id': 'corr-b' })),
    ]);
    logger.info('after both');
    expect(lines.map((l) => l.correlation_id)).toEqual([
      'corr-a',
      'corr-b',
      'corr-a',
      'corr-b',
      'corr-a',
      'corr-b',
      undefined,
    ]);
  });
});
