/**
 * The local gateway answers what the deployed REST API answers (ADR 0011):
 * - auth order: every method, the `ANY /` and `/{proxy+}` catch-alls included, has the authorizer,
 *   so an unknown path or a wrong method gets 401 without (or with bad) credentials, 403 on Deny,
 *   and 404/405 only with valid credentials;
 * - limits from the deployed configuration (cdk.json via lib/settings.ts): stage throttling (429 with
 *   the deployed Retry-After), the integration timeout capped by the Api function's timeout (504,
 *   never a hang);
 * - each function sees only the environment its catalog entry grants: an Api entry missing a table
 *   fails locally (503), the full entry works.
 */
import { API_FUNCTIONS } from '../../src/catalog/api-functions';
import { API_TIMEOUT_SECONDS } from '../../src/catalog/api-limits';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import { functionDefinition, type FunctionDefinition } from '../../src/catalog/functions';
import { TABLES } from '../../src/catalog/tables';
import { readProjectConfig } from '../../lib/settings';
import { gatewayAnswer } from '../../lib/gateway-responses';
import { createGateway, listen, type GatewayHandlers, type GatewayLimits } from '../../local/gateway';
import { startFunctionThread, type FunctionThread } from '../../local/function-thread';
import { gatewayLimits } from '../../local/stack';
import { planOfUsageKey, sharedUsageKey } from '../../src/catalog/usage-plans';
import { startTestStack, type TestStack } from './support/stack';

jest.setTimeout(60_000);

const config = readProjectConfig();
const DEPLOYED = gatewayLimits(config, 'deployed');

async function serve(
  handlers: GatewayHandlers,
  limits: GatewayLimits,
): Promise<{ url: string; server: Server }> {
  const server = createGateway({ handlers, limits });
  await listen(server, 0);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const policy = (effect: 'Allow' | 'Deny'): APIGatewayAuthorizerResult => ({
  principalId: 'p',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: 'arn:aws:execute-api:*' }],
  },
  context: { principalType: 'supplier', supplierId: 'sup_x', keyId: 'k' },
  // A key of the stage's own limits (the shared plan's), so the stage's bucket is what these tests
  // meet; the supplier plans' own buckets are test/integration/usage-plans.test.ts's (ADR 0036).
  usageIdentifierKey: sharedUsageKey('review-links').value,
});

describe('limits come from the deployed configuration', () => {
  it('uses the stage throttling and the integration timeout capped by the Api function timeout; no decision cache (revocation within 5 s locally)', () => {
    expect(DEPLOYED).toEqual({
      throttle: config.api,
      throttleEnabled: true,
      integrationTimeoutMs:
        Math.min(config.api.integrationTimeoutSeconds, functionDefinition('Api').timeoutSeconds) * 1000,
      authorizerTimeoutMs: functionDefinition('Authorizer').timeoutSeconds * 1000,
      authorizerCacheSeconds: 0,
      usagePlans: planOfUsageKey,
    });
    // Every API function has the one API timeout the cap reads (ADR 0022, sixth round).
    for (const fn of API_FUNCTIONS) expect(fn.timeoutSeconds).toBe(API_TIMEOUT_SECONDS);
  });

  it("holds the catalog's keys in their plans, and no other value (403 INVALID_API_KEY)", async () => {
    expect(sharedUsageKey('review-links').value).toMatch(/^.{20,128}$/);
    const calls: string[] = [];
    const { url, server } = await serve(
      {
        authorizer: async () => ({ ...policy('Allow'), usageIdentifierKey: 'not-a-key-in-any-plan-at-all' }),
        api: async (event) => (calls.push(event.path), { statusCode: 200, body: '{}' }),
      },
      DEPLOYED,
    );
    try {
      const response = await fetch(`${url}/v1/reviews`, { headers: { authorization: 'Bearer k' } });
      const expected = gatewayAnswer('INVALID_API_KEY', config.api, 'x');
      expect(response.status).toBe(403);
      expect(((await response.json()) as { type: string }).type).toBe(expected.problem.type);
      expect(calls).toEqual([]);
    } finally {
      await close(server);
    }
  });

  it('answers 504 problem+json (INTEGRATION_TIMEOUT) when the handler outlives the function timeout', async () => {
    const { url, server } = await serve(
      {
        authorizer: async () => policy('Allow'),
        api: () => new Promise<APIGatewayProxyResult>(() => undefined), // never answers
      },
      DEPLOYED,
    );
    try {
      const started = Date.now();
      const response = await fetch(`${url}/v1/reviews`, { headers: { authorization: 'Bearer k' } });
      const elapsed = Date.now() - started;
      const body = (await response.json()) as Record<string, unknown>;
      const deployed = gatewayAnswer('INTEGRATION_TIMEOUT', config.api, String(body.requestId));
      expect(response.status).toBe(504);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(body).toEqual(deployed.problem);
      expect(elapsed).toBeGreaterThanOrEqual(DEPLOYED.integrationTimeoutMs - 50);
      expect(elapsed).toBeLessThan(DEPLOYED.integrationTimeoutMs + 5_000);
    } finally {
      await close(server);
    }
  });

  it('throttles at the stage rate and burst with the deployed 429 and Retry-After', async () => {
    const { url, server } = await serve(
      {
        authorizer: async () => policy('Allow'),
        api: async () => ({ statusCode: 200, body: '{}' }),
      },
      DEPLOYED,
    );
    try {
      // Waves of 100 concurrent requests until the stage throttles (at most 50 waves).
      const { throttlingBurstLimit: burst, throttlingRateLimit: rate } = config.api;
      const started = Date.now();
      let ok = 0;
      const limited: Response[] = [];
      for (let wave = 0; wave < 50 && limited.length === 0; wave += 1) {
        const responses = await Promise.all(
          Array.from({ length: 100 }, () =>
            fetch(`${url}/v1/reviews`, { headers: { authorization: 'Bearer k' } }),
          ),
        );
        for (const response of responses) {
          if (response.status !== 200) {
            limited.push(response);
            continue;
          }
          ok += 1;
          await response.arrayBuffer();
        }
      }
      const elapsedSeconds = (Date.now() - started) / 1000;
      expect(limited.length).toBeGreaterThan(0);
      // A token bucket of `burst` refilled at `rate`/s: never fewer than the burst, never more than it allows.
      expect(ok).toBeGreaterThanOrEqual(burst);
      expect(ok).toBeLessThanOrEqual(burst + rate * elapsedSeconds + 1);
      const expected = gatewayAnswer('THROTTLED', config.api, 'x');
      for (const response of limited) {
        expect(response.status).toBe(429);
        expect(response.headers.get('retry-after')).toBe(expected.headers['Retry-After']);
        expect(((await response.json()) as { type: string }).type).toBe(expected.problem.type);
      }
    } finally {
      await close(server);
    }
  });
});

describe("a usage plan's daily quota (ADR 0036)", () => {
  it('answers QUOTA_EXCEEDED (429, the deployed body and Retry-After) past the quota, until the next UTC day', async () => {
    let clock = Date.UTC(2026, 11, 4, 23, 59, 0);
    const calls: string[] = [];
    const { url, server } = await serve(
      {
        authorizer: async () => policy('Allow'),
        api: async (event) => (calls.push(event.path), { statusCode: 200, body: '{}' }),
      },
      {
        ...DEPLOYED,
        usagePlans: () => ({ id: 'tiny', throttle: { rateLimit: 1000, burstLimit: 1000 }, quotaPerDay: 3 }),
        now: () => clock,
      },
    );
    try {
      const call = () => fetch(`${url}/v1/reviews`, { headers: { authorization: 'Bearer k' } });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await call()).status);
      const over = await call();
      expect([...statuses, over.status]).toEqual([200, 200, 200, 429]);
      const expected = gatewayAnswer('QUOTA_EXCEEDED', config.api, 'x');
      expect(over.headers.get('retry-after')).toBe(expected.headers['Retry-After']);
      expect(await over.json()).toEqual({ ...expected.problem, requestId: expect.any(String) });
      expect(calls).toHaveLength(3);
      clock += 60_000; // the next UTC day: a new quota
      expect((await call()).status).toBe(200);
    } finally {
      await close(server);
    }
  });
});

describe('a Deny from the authorizer is 403 before any route is looked at', () => {
  it.each([
    ['GET', '/nowhere'],
    ['DELETE', '/v1/reviews'],
    ['GET', '/v1/reviews'],
  ])('%s %s -> 403', async (method, path) => {
    const calls: APIGatewayProxyEvent[] = [];
    const { url, server } = await serve(
      {
        authorizer: async (_event: APIGatewayRequestAuthorizerEvent) => policy('Deny'),
        api: async (event) => (calls.push(event), { statusCode: 200, body: '{}' }),
      },
      { ...DEPLOYED, throttleEnabled: false },
    );
    try {
      const response = await fetch(`${url}${path}`, { method, headers: { authorization: 'Bearer k' } });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { type: string }).type).toBe('urn:wedsync:problem:forbidden');
      expect(calls).toHaveLength(0);
    } finally {
      await close(server);
    }
  });
});

describe('against the local mode', () => {
  let stack: TestStack;
  let apiKey: string;
  beforeAll(async () => {
    // What this file checks is answered by the API functions alone: no queue consumers or
    // real-time server to start (ADR 0037).
    stack = await startTestStack({ apiOnly: true });
    apiKey = (await stack.newSupplier('Auth Order Florist')).apiKey;
  }, 240_000);
  afterAll(async () => {
    await stack?.cleanup();
  });

  describe('unknown paths and wrong methods go through the authorizer first', () => {
    const CASES: [string, string, number][] = [
      ['GET', '/', 404],
      ['GET', '/nowhere', 404],
      ['POST', '/v2/reviews', 404],
      ['GET', '/v1', 404],
      ['GET', '/v1/reviews/rev_x/audit', 404],
      ['DELETE', '/v1/reviews', 405],
      ['PUT', '/v1/reviews/summary', 405],
    ];
    it.each(CASES)('%s %s: 401 without credentials', async (method, path) => {
      const response = await stack.call(method, path);
      expect(response.status).toBe(401);
      expect(response.json.type).toBe('urn:wedsync:problem:unauthorized');
    });
    it.each(CASES)('%s %s: 401 with an unknown key', async (method, path) => {
      const response = await stack.call(method, path, { key: 'wsk_notakey' });
      expect(response.status).toBe(401);
    });
    it.each(CASES)('%s %s: %i only with valid credentials', async (method, path, status) => {
      const response = await stack.call(method, path, { key: apiKey });
      expect(response.status).toBe(status);
      if (status === 405) expect(response.headers.get('allow')).toBeTruthy();
    });
  });

  describe('each function sees only what its catalog entry grants', () => {
    const threads: FunctionThread[] = [];
    afterAll(async () => {
      await Promise.all(threads.map((t) => t.stop()));
    });

    /** A gateway in front of an API function built from `definition`, with the stack's real resources. */
    async function gatewayFor(definition: FunctionDefinition) {
      const [api, authorizer] = await Promise.all([
        startFunctionThread(definition, stack.functionEnv(definition)),
        startFunctionThread(
          functionDefinition('Authorizer'),
          stack.functionEnv(functionDefinition('Authorizer')),
        ),
      ]);
      threads.push(api, authorizer);
      const handlers: GatewayHandlers = {
        api: (event) => api.invoke('handleRequest', event),
        authorizer: (event) => authorizer.invoke('handleAuthorization', event),
      };
      return serve(handlers, stack.limits);
    }

    it('an ApiReviews entry without its Reviews table fails locally (503), the full entry works', async () => {
      const full = functionDefinition('ApiReviews');
      const { Reviews: _dropped, ...otherTables } = full.tables;
      const missing: FunctionDefinition = { ...full, tables: otherTables };
      expect(stack.functionEnv(missing).TABLE_REVIEWS).toBeUndefined();
      expect(stack.functionEnv(full).TABLE_REVIEWS).toBe(stack.tableName('Reviews'));
      // Nothing leaks from the process that runs the local mode: a table the function is not granted has
      // no variable in its environment.
      const ungranted = TABLES.filter((t) => full.tables[t.id] === undefined);
      expect(ungranted.length).toBeGreaterThan(0);
      for (const table of ungranted) expect(stack.functionEnv(full)[table.envVar]).toBeUndefined();

      const [withoutGrant, withGrant] = await Promise.all([gatewayFor(missing), gatewayFor(full)]);
      try {
        const headers = { authorization: `Bearer ${apiKey}` };
        const failed = await fetch(`${withoutGrant.url}/v1/reviews`, { headers });
        expect(failed.status).toBe(503);
        expect(((await failed.json()) as { type: string }).type).toBe(
          'urn:wedsync:problem:service-unavailable',
        );
        const worked = await fetch(`${withGrant.url}/v1/reviews`, { headers });
        expect(worked.status).toBe(200);
        expect(await worked.json()).toMatchObject({ items: [] });
      } finally {
        await Promise.all([close(withoutGrant.server), close(withGrant.server)]);
      }
    });
  });
});
