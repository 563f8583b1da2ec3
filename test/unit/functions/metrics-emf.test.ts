/**
 * Observability hygiene: the event fan-out's handler, given a batch of 100 messages, prints one
 * EMF line in which every count metric is a single aggregated value (not an array of a hundred
 * 1s). The handler runs over in-memory ports; Powertools writes to a captured stdout.
 */
import type { SQSEvent } from 'aws-lambda';
import { OUTBOUND_EXAMPLES } from '../../../src/events/examples';
import type { FanOutDeps } from '../../../src/webhooks/use-cases/fan-out';
import type { LoggedEvent, WebhookEndpoint } from '../../../src/webhooks/domain/webhook';

type FanOutModule = typeof import('../../../functions/event-fanout/handler');

const saved = { ...process.env };
let fanOut: FanOutModule;
beforeAll(() => {
  // Metrics on and not in dev mode (test/setup-env.ts turns them off), before the singletons exist.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  delete process.env.POWERTOOLS_DEV;
  jest.isolateModules(() => {
    fanOut = jest.requireActual<FanOutModule>('../../../functions/event-fanout/handler');
  });
});
afterAll(() => {
  process.env = { ...saved };
});

const endpoint: WebhookEndpoint = {
  endpointId: 'whe_00000000000000000000000001',
  supplierId: 'sup_example01',
  url: 'https://hooks.example.com/wedsync',
  eventTypes: ['review.received'],
  enabled: true,
  secrets: { current: 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function inMemoryDeps(): FanOutDeps & { sent: number } {
  const logged = new Map<string, LoggedEvent>();
  const deps = {
    sent: 0,
    endpoints: { list: async () => [endpoint] },
    eventLog: {
      logEvent: async (event: LoggedEvent) => {
        if (logged.has(event.eventId)) return false;
        logged.set(event.eventId, event);
        return true;
      },
      getEvent: async (_tenant: string, eventId: string) => logged.get(eventId),
    },
    queue: {
      send: async (messages: readonly unknown[]) => {
        deps.sent += messages.length;
      },
    },
    clock: { now: () => new Date('2026-06-01T12:00:00.000Z') },
  };
  return deps;
}

const batchOf = (count: number, offset = 0): SQSEvent =>
  ({
    Records: Array.from({ length: count }, (_, i) => ({
      messageId: `m${offset + i}`,
      body: JSON.stringify({
        ...OUTBOUND_EXAMPLES['review.received'],
        id: `evt_${String(offset + i).padStart(26, '0')}`,
        supplierid: endpoint.supplierId,
      }),
    })),
  }) as unknown as SQSEvent;

function emfLines(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return run()
    .finally(() => spy.mockRestore())
    .then(() =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.includes('"_aws"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
}

it('a batch of 100 messages gives one EMF line with one value per count metric', async () => {
  const deps = inMemoryDeps();
  const handle = fanOut.batchHandler(() => deps);
  const lines = await emfLines(() => handle(batchOf(100)));
  expect(deps.sent).toBe(100);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ EventsFannedOut: 100, DeliveriesEnqueued: 100 });
  const declared = (
    lines[0]!._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }
  ).CloudWatchMetrics[0]!.Metrics.map((m) => m.Name);
  for (const name of declared) expect(typeof lines[0]![name]).toBe('number');
});

it('counts duplicates in the next invocation on its own line', async () => {
  const deps = inMemoryDeps();
  const handle = fanOut.batchHandler(() => deps);
  await emfLines(() => handle(batchOf(10)));
  const lines = await emfLines(() => handle(batchOf(10)));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ DuplicateEvents: 10, DeliveriesEnqueued: 10 });
  expect(lines[0]).not.toHaveProperty('EventsFannedOut');
});
