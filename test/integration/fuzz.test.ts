/**
 * Property-based fuzz of every route in the route table against the running local mode: arbitrary
 * query strings (odd names such as `__proto__`, malformed percent-encoding), path parameter values
 * and bodies (arbitrary JSON, wrong types, raw strings, large strings within a bound), sent with a
 * valid credential for the route. For every request: the status is below 500, the answer comes
 * within 5 s, a 4xx is problem+json, and after a 4xx nothing changed (the queues' depths with
 * every consumer paused, and every table's item count).
 *
 * What is compared after each 4xx is what that request could have changed: every table and queue
 * that a function it sets running is granted (the catalog's entries: the function the gateway
 * routes it to, the authorizer, and the stream consumers the local mode runs beside them; the
 * queue consumers are paused and no schedule runs). Everything else is compared once per route,
 * before and after its runs, and must not have moved at all. The full snapshot after every
 * request (31 calls to the emulators) was most of this file's time (ADR 0037).
 */
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createOpsKey } from '../../src/access/use-cases/create-supplier';
import { API_CATCH_ALL_FUNCTION, apiFunctionOfRoute } from '../../src/catalog/api-functions';
import { functionDefinition, streamConsumersIn, type FunctionId } from '../../src/catalog/functions';
import { QUEUES, type QueueId } from '../../src/catalog/queues';
import { ROUTES, matchRoute, queryParameterNames, type RouteDefinition } from '../../src/catalog/routes';
import { TABLES, type TableId } from '../../src/catalog/tables';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { startTestStack, type TestStack } from './support/stack';

jest.setTimeout(180_000);

const RUNS_PER_ROUTE = 30;
const ANSWER_WITHIN_MS = 5000;

let stack: TestStack;
let supplierKey: string;
let opsKey: string;
let endpointId: string;
let reviewId: string;

beforeAll(async () => {
  stack = await startTestStack();
  supplierKey = (await stack.newSupplier('Fuzz Supplier')).apiKey;
  opsKey = (await createOpsKey(new DynamoTenantStore(stack.doc, stack.tableName('Tenants')), 'fuzz ops'))
    .apiKey;
  const accepted = await stack.call('POST', '/v1/reviews', {
    key: supplierKey,
    body: {
      rating: 5,
      title: 't',
      body: 'b',
      reviewerName: 'n',
      platform: 'google',
      externalId: 'fuzz-seed',
    },
  });
  reviewId = String(accepted.json.reviewId);
  // With every consumer paused, a queue's depth changes only by what the API sends.
  await stack.workers.pause();
});
afterAll(async () => {
  await stack?.workers.resume().catch(() => undefined);
  await stack?.cleanup();
});

type Resources = { readonly tables: ReadonlySet<TableId>; readonly queues: ReadonlySet<QueueId> };
const EVERYTHING: Resources = {
  tables: new Set(TABLES.map((t) => t.id)),
  queues: new Set(QUEUES.map((q) => q.id)),
};

/**
 * Each queue's depth and each table's item count, of `resources` (by default everything a request
 * could change).
 */
async function snapshot(resources: Resources = EVERYTHING): Promise<Record<string, number>> {
  const entries = await Promise.all([
    ...QUEUES.filter((q) => resources.queues.has(q.id)).map(
      async (q) => [`queue:${q.id}`, await stack.queueDepth(q.id)] as const,
    ),
    ...TABLES.filter((t) => resources.tables.has(t.id)).map(
      async (t) => [`table:${t.id}`, await itemCount(t.id)] as const,
    ),
  ]);
  return Object.fromEntries(entries);
}

/**
 * Functions that may run while the queue consumers are paused, whatever the request: the authorizer,
 * and the real-time socket and stream consumers of a region's stack (local/realtime.ts; a test
 * stack leaves those out, so this allowance is wider than what runs here).
 */
const ALWAYS_RUNNING: readonly FunctionId[] = [
  'Authorizer',
  'RealtimeSocket',
  ...streamConsumersIn(true, false).map((f) => f.id),
];

/** The function the gateway hands a request to (local/gateway.ts routes the same way). */
function servingFunction(method: string, path: string): FunctionId {
  const found = matchRoute(method, path);
  return found.kind === 'match' ? apiFunctionOfRoute(found.match.route) : API_CATCH_ALL_FUNCTION;
}

/** What a request served by `served` can change: the tables and queues its functions are granted. */
function reachableBy(served: Iterable<FunctionId>): Resources {
  const functions = [...new Set([...served, ...ALWAYS_RUNNING])].map(functionDefinition);
  return {
    tables: new Set(functions.flatMap((f) => Object.keys(f.tables) as TableId[])),
    queues: new Set(functions.flatMap((f) => Object.keys(f.queues) as QueueId[])),
  };
}

/** The part of a snapshot outside `resources`. */
function outside(state: Record<string, number>, resources: Resources): Record<string, number> {
  return Object.fromEntries(
    Object.entries(state).filter(([key]) => {
      const [kind, id] = key.split(':') as ['queue' | 'table', string];
      return kind === 'queue' ? !resources.queues.has(id as QueueId) : !resources.tables.has(id as TableId);
    }),
  );
}

/** A table's item count: a scan that returns only the count (the snapshot runs after every 4xx). */
async function itemCount(id: TableId): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.doc.send(
      new ScanCommand({ TableName: stack.tableName(id), Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

const oddText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\uffff', '😍', 'e\u0301', '%', '+', '&', '=', '..', '/'),
);

/** A query or path piece: percent-encoded text, or a raw fragment with malformed escapes. */
const encodedPiece = fc.oneof(
  oddText.map((text) => {
    try {
      return encodeURIComponent(text);
    } catch {
      return '%ED%A0%80'; // a lone surrogate, as the bytes a client would send
    }
  }),
  fc.constantFrom('%ZZ', '%E0%A4%A', '%', '%C3%28', '%FF', '%00', '%2F', '+', '%2B05:00'),
);

function queryArbitrary(route: RouteDefinition): fc.Arbitrary<string> {
  const known = queryParameterNames(route);
  const name = fc.oneof(
    ...(known.length > 0 ? [fc.constantFrom(...known)] : []),
    fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString', 'prototype', 'limit'),
    encodedPiece,
  );
  const value = fc.oneof(
    fc.constantFrom('1', '5', '100', '0', '-1', 'google', '2026-01-01', '2026-01-01T10:00:00%2B05:00', 'abc'),
    encodedPiece,
  );
  return fc
    .array(fc.tuple(name, value, fc.boolean()), { maxLength: 4 })
    .map((pairs) => pairs.map(([n, v, withValue]) => (withValue ? `${n}=${v}` : n)).join('&'));
}

const pathValue = fc.oneof(
  fc.constant('VALID'),
  fc.constantFrom('rev_x', 'whe_0000000000000000000000', 'a'.repeat(300)),
  encodedPiece.filter(
    (piece) => piece.length > 0 && !piece.includes('%2F') && piece !== '..' && piece !== '.',
  ),
);

function pathArbitrary(route: RouteDefinition): fc.Arbitrary<string> {
  if (!route.path.includes('{')) return fc.constant(route.path);
  return pathValue.map((value) => {
    const valid = route.path.startsWith('/v1/reviews/') ? reviewId : endpointId;
    return route.path.replace(/\{\w+\}/, value === 'VALID' ? valid : value);
  });
}

/** Bodies: valid-looking objects with one field replaced, arbitrary JSON, raw text, large strings. */
const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  oddText,
  fc.integer(),
  fc.constant(null),
  fc.array(oddText, { maxLength: 3 }),
  fc.nat({ max: 80_000 }).map((n) => 'x'.repeat(n)),
);
const templateBody: Record<string, unknown> = {
  rating: 5,
  title: 'Fine',
  body: 'Fine day',
  reviewerName: 'N',
  platform: 'google',
  externalId: 'fuzz',
  coupleName: 'A & B',
  email: 'a@example.com',
  weddingDate: '2026-06-20',
  url: 'http://127.0.0.1:9/hook',
  eventTypes: ['review.received'],
  description: 'd',
  enabled: true,
  since: '2026-01-01T00:00:00Z',
  task: 'sentiment',
  texts: ['fine'],
};
const bodyArbitrary: fc.Arbitrary<{ text: string; contentType?: string } | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.subarray(Object.keys(templateBody)), fc.constantFrom(...Object.keys(templateBody)), jsonish)
      .map(([keys, replaced, value]) => ({
        text: JSON.stringify({
          ...Object.fromEntries(keys.map((k) => [k, templateBody[k]])),
          [replaced]: value,
        }),
      })),
  },
  {
    weight: 2,
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ text: JSON.stringify(value) ?? 'null' })),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/json; charset=latin1',
          'application/x-www-form-urlencoded',
        ),
        oddText,
      )
      .map(([contentType, text]) => ({ text: JSON.stringify({ title: text }), contentType })),
  },
);

// A fresh endpoint for each route: an earlier route's fuzz may have deleted the last one (a 204).
beforeEach(async () => {
  const endpoint = await stack.call('POST', '/v1/webhook-endpoints', {
    key: supplierKey,
    body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['review.received'] },
  });
  endpointId = String(endpoint.json.id);
});

const routeCases = ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const);

it.each(routeCases)(
  '%s: no 5xx, no hang, problem+json on 4xx, nothing changed on 4xx',
  async (_name, route) => {
    const before = await snapshot();
    // Every function a request of this case was handed to (normally the route's own).
    const served = new Set<FunctionId>([apiFunctionOfRoute(route)]);
    let reachable = reachableBy(served);
    let state = await snapshot(reachable);
    await fc.assert(
      fc.asyncProperty(
        pathArbitrary(route),
        queryArbitrary(route),
        bodyArbitrary,
        async (path, query, body) => {
          const url = `${stack.apiUrl}${path}${query ? `?${query}` : ''}`;
          const servedBy = servingFunction(route.method, new URL(url).pathname);
          if (!served.has(servedBy)) {
            // Handed to another function: what it reaches joins the comparison, unmoved until now.
            served.add(servedBy);
            const wider = reachableBy(served);
            const now = await snapshot(wider);
            const joined = Object.keys(now).filter((key) => !(key in state));
            expect(Object.fromEntries(joined.map((key) => [key, now[key]]))).toEqual(
              Object.fromEntries(joined.map((key) => [key, before[key]])),
            );
            [reachable, state] = [wider, now];
          }
          const headers: Record<string, string> = {
            authorization: `Bearer ${route.auth === 'ops' ? opsKey : supplierKey}`,
          };
          if (body) headers['content-type'] = body.contentType ?? 'application/json';
          const started = Date.now();
          const response = await fetch(url, {
            method: route.method,
            headers,
            body: body && route.method !== 'GET' ? body.text : undefined,
            signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
          });
          const text = await response.text();
          const context = `${route.method} ${path}${query ? `?${query}` : ''} -> ${response.status} ${text.slice(0, 200)}`;
          expect({ context, elapsedOk: Date.now() - started < ANSWER_WITHIN_MS }).toEqual({
            context,
            elapsedOk: true,
          });
          expect({ context, below500: response.status < 500 }).toEqual({ context, below500: true });
          if (response.status >= 400) {
            expect({ context, type: response.headers.get('content-type') }).toEqual({
              context,
              type: 'application/problem+json',
            });
            expect(JSON.parse(text)).toMatchObject({ status: response.status });
            expect({ context, state: await snapshot(reachable) }).toEqual({ context, state });
          } else {
            // A success may change things: compare later 4xx with the new state.
            state = await snapshot(reachable);
          }
        },
      ),
      { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
    );
    // Nothing that no request of this case could reach has moved, 2xx or 4xx.
    const after = await snapshot();
    expect({ served: [...served], moved: outside(after, reachable) }).toEqual({
      served: [...served],
      moved: outside(before, reachable),
    });
  },
);
