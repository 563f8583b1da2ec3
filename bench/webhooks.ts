/**
 * Webhook delivery bench (called by bench/run.ts with a started local stack): N events put on the
 * Events queue for one endpoint whose receiver is a plain HTTP server on 127.0.0.1, measured until
 * every event arrived (fan-out -> Deliveries queue -> delivery worker -> signed POST). Baseline in
 * the same run: plain HTTP POSTs of the same body to the same receiver at the same concurrency.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoTenantStore } from '../src/reviews/adapters/dynamo-records';
import { SqsEventPublisher } from '../src/events/adapters/sqs-event-publisher';
import { tableDefinition } from '../src/catalog/tables';
import type { DomainEvent } from '../src/events';
import { createSupplierWithKey } from '../src/access/use-cases/create-supplier';
import type { LocalStack } from '../local/stack';
import { percentile, runPool } from './support';
import { compareCpu, cpuBetween, cpuSnapshot } from './process-cpu';

const N = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 1000);
const RAW_CLIENTS = 16;

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function eventFor(supplierId: string, i: number, kind: 'bench' | 'warm' = 'bench'): DomainEvent {
  const reviewId = `rev_${String(i).padStart(26, '0')}`;
  return {
    id: `evt_${kind}_${supplierId}_${i}`,
    type: 'review.received',
    time: new Date().toISOString(),
    supplierId,
    subject: reviewId,
    data: {
      reviewId,
      supplierId,
      platform: 'google',
      rating: 5,
      title: `Bench ${i}`,
      verified: false,
      reviewedAt: '2026-01-01T00:00:00.000Z',
    },
  };
}

export async function benchWebhooks(stack: LocalStack): Promise<Record<string, unknown>> {
  const arrivals = new Map<string, number>();
  let warmUpArrivals = 0;
  let rawCount = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      if (typeof id === 'string') {
        if (id.startsWith('evt_warm_')) warmUpArrivals += 1;
        else if (!arrivals.has(id)) arrivals.set(id, performance.now());
      } else rawCount += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  try {
    // Baseline: plain POSTs of an event body (a fresh connection each, like the worker).
    const sample = JSON.stringify(eventFor('sup_bench', 0));
    const rawCpuBefore = cpuSnapshot();
    const rawStart = performance.now();
    await runPool(N, RAW_CLIENTS, async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: sample,
      });
      await response.arrayBuffer();
    });
    const rawRate = N / ((performance.now() - rawStart) / 1000);
    const rawCpuAfter = cpuSnapshot();

    const doc = DynamoDBDocumentClient.from(stack.dynamoClient);
    const supplier = await createSupplierWithKey(
      new DynamoTenantStore(doc, stack.env[tableDefinition('Tenants').envVar]!),
      { name: 'Webhook bench' },
    );
    const created = await fetch(`${stack.apiUrl}/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supplier.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url, eventTypes: ['review.received'] }),
    });
    if (created.status !== 201) throw new Error(`endpoint registration failed: ${created.status}`);

    const publisher = new SqsEventPublisher(stack.sqsClient, stack.queues.Events.url, 'bench/webhooks');
    const publishAll = (count: number, kind: 'bench' | 'warm', sentAt?: Map<string, number>) =>
      runPool(Math.ceil(count / 10), 4, async (chunk) => {
        const events = Array.from({ length: Math.min(10, count - chunk * 10) }, (_, k) =>
          eventFor(supplier.supplierId, chunk * 10 + k, kind),
        );
        const at = performance.now();
        for (const event of events) sentAt?.set(event.id, at);
        await publisher.publish(events);
      });
    // A warm-up of half as many events, not measured, as the pipeline phase has (DynamoDB Local
    // compiles the event log's and the deliveries' write paths in their first thousands of calls).
    const warmUp = Math.ceil(N / 2);
    await publishAll(warmUp, 'warm');
    const warmUpDeadline = Date.now() + 120_000;
    while (warmUpArrivals < warmUp && Date.now() < warmUpDeadline)
      await new Promise((r) => setTimeout(r, 20));
    const sentAt = new Map<string, number>();
    const cpuBefore = cpuSnapshot();
    const start = performance.now();
    await publishAll(N, 'bench', sentAt);
    const deadline = Date.now() + 300_000;
    while (arrivals.size < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - start) / 1000;
    const cpuAfter = cpuSnapshot();
    const latencies = [...arrivals.entries()].map(([id, at]) => at - (sentAt.get(id) ?? at));
    return {
      events: N,
      delivered: arrivals.size,
      deliveredPerSecond: round(arrivals.size / seconds),
      rawPostsPerSecond: round(rawRate),
      rawClients: RAW_CLIENTS,
      deliveryToRawRatio: round(arrivals.size / seconds / rawRate, 3),
      endToEndLatencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) },
      rawBaselineRequests: rawCount,
      warmUpEvents: warmUp,
      // Until the last arrival: the outcome writes after it are not in the window.
      ...(rawCpuBefore && rawCpuAfter && cpuBefore && cpuAfter
        ? {
            cpu: compareCpu(
              { spent: cpuBetween(rawCpuBefore, rawCpuAfter), items: N, perSecond: rawRate },
              { spent: cpuBetween(cpuBefore, cpuAfter), items: arrivals.size },
              availableParallelism(),
            ),
          }
        : {}),
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
