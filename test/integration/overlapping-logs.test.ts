/**
 * Local parity (issue 7): the local mode runs up to 16 invocations of a function at once in one
 * worker thread, with one shared Powertools logger; Lambda runs one per environment. Two
 * overlapping invocations through the local function runner each log their own correlation id on
 * every line (src/shared/logging.ts keeps the keys per invocation).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { FunctionDefinition } from '../../src/catalog/functions';
import { startFunctionThread, type FunctionThread } from '../../local/function-thread';
import { found } from '../support/wait';

const fixture = {
  id: 'OverlappingLogs',
  entry: 'test/fixtures/overlapping-logs/handler.ts',
  memoryMb: 128,
  timeoutSeconds: 10,
  tables: {},
  queues: {},
  secrets: [],
} as unknown as FunctionDefinition;

const request = (correlationId: string, waitFor: number) =>
  ({
    httpMethod: 'GET',
    resource: '/test',
    path: '/test',
    headers: { 'x-correlation-id': correlationId },
    queryStringParameters: { waitFor: String(waitFor) },
    requestContext: { requestId: `req-${correlationId}` },
  }) as unknown as APIGatewayProxyEvent;

let thread: FunctionThread | undefined;
afterAll(async () => {
  await thread?.stop();
});

it('gives each of two overlapping invocations its own correlation id on every line', async () => {
  const lines: Record<string, unknown>[] = [];
  thread = await startFunctionThread(
    fixture,
    { POWERTOOLS_SERVICE_NAME: 'overlap-test', POWERTOOLS_LOG_LEVEL: 'INFO' },
    {
      onOutputLine: (line) => {
        if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  // The first waits until the second has started: started A, started B, finished B, finished A.
  const answers = await Promise.all([
    thread.invoke('handleRequest', request('corr-first', 2)),
    thread.invoke('handleRequest', request('corr-second', 2)),
  ]);
  expect(answers).toHaveLength(2);
  const logged = await found(() => (lines.length >= 4 ? lines : undefined), 'the log lines', 5000, 10);
  expect(logged.map((l) => l.message)).toEqual(['started', 'started', 'finished', 'finished']);
  // The second finishes first (it releases the first): a shared logger would put its id on the
  // first's last line, or drop the first's id once the second removed its keys.
  expect(logged.map((l) => l.correlation_id)).toEqual([
    'corr-first',
    'corr-second',
    'corr-second',
    'corr-first',
  ]);
});
