/**
 * The endpoint cap: configuration (default 20, WEBHOOK_MAX_ENDPOINTS_PER_SUPPLIER, refused when
 * not a whole number above 0) and the 409 problem registration answers when the store says the
 * cap is reached. Race-safety (the counter in one transaction with the put) is shown against
 * DynamoDB Local in test/integration/webhooks/replay-jobs.test.ts.
 */
import { webhookConfigFromEnv } from '../../../src/webhooks/config';
import { registerEndpoint, type WebhookApiDeps } from '../../../src/webhooks/use-cases/webhook-endpoints';
import type { WebhookEndpoint } from '../../../src/webhooks/domain/webhook';
import type { EndpointRepository } from '../../../src/webhooks/ports';
import { ProblemError } from '../../../src/shared/problem';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

it('defaults to 20 endpoints per supplier and 10 replays an hour, both configurable', () => {
  delete process.env.WEBHOOK_MAX_ENDPOINTS_PER_SUPPLIER;
  expect(webhookConfigFromEnv()).toMatchObject({ maxEndpointsPerSupplier: 20, replay: { perHour: 10 } });
  process.env.WEBHOOK_MAX_ENDPOINTS_PER_SUPPLIER = '3';
  process.env.WEBHOOK_REPLAYS_PER_HOUR = '2';
  expect(webhookConfigFromEnv()).toMatchObject({ maxEndpointsPerSupplier: 3, replay: { perHour: 2 } });
  process.env.WEBHOOK_MAX_ENDPOINTS_PER_SUPPLIER = '0';
  expect(() => webhookConfigFromEnv()).toThrow('WEBHOOK_MAX_ENDPOINTS_PER_SUPPLIER');
  process.env.WEBHOOK_MAX_ENDPOINTS_PER_SUPPLIER = '2.5';
  expect(() => webhookConfigFromEnv()).toThrow('WEBHOOK_MAX_ENDPOINTS_PER_SUPPLIER');
});

it('answers 409 with the cap in the detail when the supplier has reached it, and counts it', async () => {
  process.env.WEBHOOKS_ALLOW_LOOPBACK = 'true';
  process.env.WEBHOOK_MAX_ENDPOINTS_PER_SUPPLIER = '2';
  const stored: WebhookEndpoint[] = [];
  const endpoints: Pick<EndpointRepository, 'create'> = {
    create: async (endpoint, max) => {
      if (stored.length >= max) return 'limit-reached';
      stored.push(endpoint);
      return 'created';
    },
  };
  const counted: string[] = [];
  const deps = {
    endpoints,
    webhookConfig: webhookConfigFromEnv(),
    clock: { now: () => new Date('2026-06-01T12:00:00.000Z') },
    resolver: async () => [{ address: '127.0.0.1', family: 4 }],
    onMetric: (name: string) => counted.push(name),
  } as unknown as WebhookApiDeps;
  const body = { url: 'http://127.0.0.1:9/hook', eventTypes: ['review.received'] };
  await registerEndpoint('sup_a', body, deps);
  await registerEndpoint('sup_a', body, deps);
  const refused = await registerEndpoint('sup_a', body, deps).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ProblemError);
  expect((refused as ProblemError).problem).toMatchObject({
    status: 409,
    detail: expect.stringContaining('at most 2 webhook endpoints'),
  });
  expect(stored).toHaveLength(2);
  expect(counted).toEqual(['WebhookEndpointLimitReached']);
});
