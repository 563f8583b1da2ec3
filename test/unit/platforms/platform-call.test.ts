import { apiRoot, callPlatform, pageSizeWithin } from '../../../src/platforms/adapters/platform-call';
import { PlatformCallError } from '../../../src/platforms/domain/platform';
import type {
  CallContext,
  PlatformHttp,
  PlatformHttpRequest,
  PlatformHttpResponse,
} from '../../../src/platforms/ports';

const context: CallContext = {
  platform: 'trustpilot',
  operation: 'get',
  supplierId: 'sup_1',
  correlationId: 'corr-1',
};

/** An HTTP port that answers from a list and records what it was asked. */
function answering(...answers: PlatformHttpResponse[]): PlatformHttp & { requests: PlatformHttpRequest[] } {
  const requests: PlatformHttpRequest[] = [];
  return {
    requests,
    request: (request) => {
      requests.push(request);
      const answer = answers.shift();
      if (!answer) throw new Error('no more answers');
      return Promise.resolve(answer);
    },
  };
}

const answer = (status: number, body = '{}'): PlatformHttpResponse => ({
  status,
  headers: {},
  body,
  latencyMs: 1,
});

describe('the connectors’ shared call', () => {
  it('trims trailing slashes from the API root and falls back to production', () => {
    expect(apiRoot('http://127.0.0.1:4000//', 'https://api.example.com')).toBe('http://127.0.0.1:4000');
    expect(apiRoot(undefined, 'https://api.example.com')).toBe('https://api.example.com');
  });

  it('keeps page sizes whole and within 1..max', () => {
    expect(pageSizeWithin(undefined, 50)).toBe(50);
    expect(pageSizeWithin(500, 50)).toBe(50);
    expect(pageSizeWithin(0, 50)).toBe(1);
    expect(pageSizeWithin(-3, 50)).toBe(1);
    expect(pageSizeWithin(7.9, 50)).toBe(7);
  });

  it('sends the token as a Bearer header with the body and returns a 2xx answer', async () => {
    const http = answering(answer(201, '{"id":"r1"}'));
    const response = await callPlatform(http, {
      platform: 'trustpilot',
      operation: 'reply',
      credentials: { accessToken: 'tok', settings: {} },
      method: 'POST',
      url: 'http://127.0.0.1:1/reply',
      body: { text: '{"message":"thanks"}', contentType: 'application/json' },
      context,
      classify: () => ({ kind: 'permanent', reason: 'unused' }),
    });
    expect(response.status).toBe(201);
    expect(http.requests[0]).toMatchObject({
      method: 'POST',
      url: 'http://127.0.0.1:1/reply',
      body: '{"message":"thanks"}',
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    });
  });

  it('throws the classified failure for any other answer, unless the caller reads it itself', async () => {
    const base = {
      platform: 'trustpilot' as const,
      operation: 'get' as const,
      credentials: { accessToken: 'tok', settings: {} },
      method: 'GET' as const,
      url: 'http://127.0.0.1:1/review',
      context,
      classify: (response: PlatformHttpResponse) => ({
        kind: 'retry-later' as const,
        reason: `status ${response.status}`,
      }),
    };
    const failed = callPlatform(answering(answer(503)), base);
    await expect(failed).rejects.toBeInstanceOf(PlatformCallError);
    await expect(failed).rejects.toMatchObject({
      status: 503,
      failure: { kind: 'retry-later', reason: 'status 503' },
    });

    const seen: number[] = [];
    const kept = await callPlatform(answering(answer(404)), {
      ...base,
      answers: (response) => response.status === 404,
      onAnswer: (response) => seen.push(response.status),
    });
    expect(kept.status).toBe(404);
    expect(seen).toEqual([404]);
  });

  it('treats an answer the platform marks as failed inside a 2xx as a failure', async () => {
    const failed = callPlatform(answering(answer(200, '{"error":{"code":190}}')), {
      platform: 'facebook',
      operation: 'list',
      credentials: { accessToken: 'tok', settings: {} },
      method: 'GET',
      url: 'http://127.0.0.1:1/ratings',
      context: { ...context, platform: 'facebook', operation: 'list' },
      succeeded: (response) => !response.body.includes('"error"'),
      classify: () => ({ kind: 'auth-expired', reason: 'token expired' }),
    });
    await expect(failed).rejects.toMatchObject({ status: 200, failure: { kind: 'auth-expired' } });
  });
});
