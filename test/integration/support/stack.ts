/** Starts the local mode for a test file: emulators on free ports, cleaned up in afterAll. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { countStoredReviews, queueDepth } from '../../../local/inspect';
import { DynamoTenantStore } from '../../../src/reviews/adapters/dynamo-records';
import { tableDefinition, type TableId } from '../../../src/catalog/tables';
import { createSupplierWithKey } from '../../../src/access/use-cases/create-supplier';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../../local/stack';
import type { QueueId } from '../../../src/catalog/queues';
import { SHARED_DYNAMODB_ENV } from './shared-store';

export interface TestStack extends LocalStack {
  readonly doc: DynamoDBDocumentClient;
  tableName(id: TableId): string;
  newSupplier(name?: string): Promise<{ supplierId: string; apiKey: string }>;
  scanAll(id: TableId): Promise<Record<string, unknown>[]>;
  queueDepth(id: QueueId, which?: 'queue' | 'dlq'): Promise<number>;
  call(
    method: string,
    path: string,
    init?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }>;
  cleanup(): Promise<void>;
}

export async function startTestStack(
  options: Partial<LocalStackOptions> & {
    persistent?: boolean;
    /**
     * A DynamoDB Local of this stack's own, for tests that stop, restart or freeze the store, and
     * for the heavy writers of webhook deliveries (sync pipeline, delivery, partial failure, the
     * zero-loss pipeline): when the event log lived in the Deliveries table with a stream, the
     * shared DynamoDB Local served later files' deliveries several times slower after thousands
     * of its stream records. The event log has its own table now (ADR 0017), but none of the four
     * has passed a run on the shared store yet (measured at a load average of 21-35: every one of
     * them, and replay-jobs after them, timed out there), so they keep their own until measured
     * on a quieter machine.
     */
    ownStore?: boolean;
  } = {},
): Promise<TestStack> {
  const { persistent, ownStore, ...stackOptions } = options;
  const dir = persistent ? mkdtempSync(join(tmpdir(), 'wedsync-ddb-')) : undefined;
  // A caller's endpoint (a fault-injecting proxy in front of the shared store) wins over the shared one.
  const shared =
    ownStore || dir ? undefined : (stackOptions.dynamoDbEndpoint ?? process.env[SHARED_DYNAMODB_ENV]);
  // Stage throttling off unless a test asks for it: the load-style tests measure the pipeline, not
  // the stage limit (validation-parity and burst tests run with `throttling: 'deployed'`).
  const stack = await startLocalStack({
    visibilityTimeoutSeconds: 2,
    // A test sends a few messages and waits for each: invoked with what arrived, not after the
    // catalog's window (the bench and `npm start` keep Lambda's windows).
    batchingWindowSeconds: 0,
    throttling: 'off',
    // Each function's thread on its first request or its queue's first message (a cold start, as
    // in Lambda): a file uses two or three of the seven API functions and of the ten consumers (ADR 0037).
    functionStart: 'on-first-use',
    // The real-time part only where a test reads it (the WebSocket API, the channel log): it costs a
    // start about 0.6 s and a second of CPU (ADR 0037).
    realtime: false,
    ...stackOptions,
    dbPath: dir,
    dynamoDbEndpoint: shared,
  });
  // The CLI (scripts/cli.ts) runs in the test process as in an operator's shell: with every
  // resource name in its environment. The handlers never see this: each runs in its own thread
  // with only the variables its catalog entry grants.
  Object.assign(process.env, stack.env);
  const doc = DynamoDBDocumentClient.from(stack.dynamoClient);
  const tableName = (id: TableId) => stack.env[tableDefinition(id).envVar]!;
  const extras: Omit<TestStack, keyof LocalStack> = {
    doc,
    tableName,
    async newSupplier(name = 'Test Supplier') {
      return createSupplierWithKey(new DynamoTenantStore(doc, tableName('Tenants')), { name });
    },
    async scanAll(id) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(new ScanCommand({ TableName: tableName(id), ExclusiveStartKey: start }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async queueDepth(id, which = 'queue') {
      const queue = stack.queues[id];
      return queueDepth(stack.sqsClient, which === 'queue' ? queue.url : queue.dlqUrl);
    },
    async call(method, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.key) headers.authorization = `Bearer ${init.key}`;
      let body: string | undefined = init.raw;
      if (init.body !== undefined) {
        body = JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${stack.apiUrl}${path}`, { method, headers, body });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
    },
    async cleanup() {
      await stack.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  // The stack's accessors stay accessors (a spread would read them: an apiOnly stack's `workers`
  // and `realtimeUrl` throw when read, by design).
  return Object.defineProperties(
    Object.defineProperties({}, Object.getOwnPropertyDescriptors(stack)),
    Object.getOwnPropertyDescriptors(extras),
  ) as TestStack;
}

/** Polls until `check` returns true; fails with `what` after the timeout. */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function countReviews(stack: TestStack, supplierId: string): Promise<number> {
  return countStoredReviews(stack.doc, stack.tableName('Reviews'), supplierId);
}
