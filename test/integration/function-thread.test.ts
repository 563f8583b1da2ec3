/**
 * A local function thread runs at most `concurrency` invocations at once, like that many Lambda
 * execution environments; the rest wait in arrival order, and one still waiting when its timeout
 * passes fails with FunctionTimeoutError and never runs (the gateway has answered 504 by then);
 * one that waits longer than `maxWaitMs` fails with FunctionBusyError and never runs (a 429).
 */
import type { FunctionDefinition } from '../../src/catalog/functions';
import {
  FunctionBusyError,
  FunctionTimeoutError,
  startFunctionThread,
  type FunctionThread,
} from '../../local/function-thread';

jest.setTimeout(60_000);

type Result = { maxRunning: number; started: string[] };
let thread: FunctionThread;

beforeAll(async () => {
  // Only the fields startFunctionThread reads: a test module in place of a catalogued handler.
  const definition = {
    id: 'Api',
    entry: 'test/integration/support/fixtures/sleepy-handler.ts',
    timeoutSeconds: 10,
  } as FunctionDefinition;
  thread = await startFunctionThread(definition, {}, { concurrency: 2, maxWaitMs: 1000 });
}, 60_000);
afterAll(async () => {
  await thread?.stop();
});

const call = (tag: string, ms: number, timeoutMs = 10_000) =>
  thread.invoke<{ ms: number; tag: string }, Result>('handle', { ms, tag }, timeoutMs);

it('runs at most two invocations at once and starts the others in arrival order', async () => {
  const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((tag) => call(tag, 200)));
  expect(Math.max(...results.map((r) => r.maxRunning))).toBe(2);
  expect(results.at(-1)!.started.slice(-5)).toEqual(['a', 'b', 'c', 'd', 'e']);
});

it('drops an invocation whose timeout passes while it waits, and frees the environment for the next', async () => {
  const busy = [call('busy-1', 1500), call('busy-2', 1500)];
  const late = call('late', 10, 300);
  await expect(late).rejects.toBeInstanceOf(FunctionTimeoutError);
  await Promise.all(busy);
  const after = await call('after', 10);
  expect(after.started).not.toContain('late');
  expect(after.started.slice(-3)).toEqual(['busy-1', 'busy-2', 'after']);
});

it('refuses an invocation that waits longer than maxWaitMs for an environment, without running it', async () => {
  const busy = [call('slow-1', 2500), call('slow-2', 2500)];
  const refused = call('refused', 10);
  await expect(refused).rejects.toBeInstanceOf(FunctionBusyError);
  await Promise.all(busy);
  const after = await call('after-busy', 10);
  expect(after.started).not.toContain('refused');
  expect(after.started.slice(-3)).toEqual(['slow-1', 'slow-2', 'after-busy']);
});
