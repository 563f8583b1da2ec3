/**
 * A burst of 10,000 concurrent requests against the local mode, at the deployed stage throttling:
 * every request gets an answer (202, or 429 with Retry-After, as the deployed gateway response),
 * no connection is reset, and every review answered 202 ends up in the table. The requests come
 * from a separate process, one connection each, as 10,000 clients would.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { countReviews, eventually, startTestStack, type TestStack } from './support/stack';

import { usagePlan } from '../../src/catalog/usage-plans';

jest.setTimeout(240_000);

const REQUESTS = 10_000;

interface BurstSummary {
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly errorSamples: string[];
  readonly missingRetryAfter: number;
  readonly accepted: number;
  readonly durationMs: number;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ throttling: 'deployed' });
}, 240_000);
afterAll(async () => {
  await stack?.cleanup();
});

function burst(apiKey: string): Promise<BurstSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(__dirname, 'support', 'burst-client.mjs'), stack.apiUrl, apiKey, String(REQUESTS), 'burst'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output) as BurstSummary)
        : reject(new Error(`burst client exited ${code}`)),
    );
  });
}

it('answers all 10,000 concurrent requests with 202 or 429 + Retry-After, and stores every 202', async () => {
  const supplier = await stack.newSupplier('Burst Florist');
  // The queue consumers wait while the burst lasts, as the bench's latency phase does: in AWS they
  // are other Lambdas with their own CPUs, here they and DynamoDB Local would take the API's share
  // of this machine. Every 202 is still checked in the table once they run again.
  await stack.workers.pause();
  const summary = await burst(supplier.apiKey).finally(() => stack.workers.resume());
  process.stdout.write(`burst: ${JSON.stringify(summary)}\n`);

  expect(summary.errors).toBe(0); // no resets, no refused connections
  expect(Object.keys(summary.statuses).sort()).toEqual(
    Object.keys(summary.statuses)
      .filter((s) => s === '202' || s === '429')
      .sort(),
  );
  const accepted = summary.statuses['202'] ?? 0;
  const throttled = summary.statuses['429'] ?? 0;
  expect(accepted + throttled).toBe(REQUESTS);
  expect(summary.accepted).toBe(accepted); // every 202 carried its review id
  expect(summary.missingRetryAfter).toBe(0);
  // At least the smaller burst gets through (one supplier: its usage plan's per-key bucket, ADR 0036,
  // or the stage's); the rest is throttled at the deployed rates.
  expect(accepted).toBeGreaterThanOrEqual(
    Math.min(stack.config.api.throttlingBurstLimit, usagePlan('suppliers').throttle.burstLimit),
  );

  await eventually(
    async () => (await countReviews(stack, supplier.supplierId)) >= accepted,
    `${accepted} accepted reviews stored`,
    120_000,
  );
  expect(await countReviews(stack, supplier.supplierId)).toBe(accepted);
});
