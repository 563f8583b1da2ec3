/**
 * A function whose thread starts on its first invocation, as Lambda starts an execution
 * environment for the first request (a cold start), instead of with the stack. The tests' stacks
 * start the API functions so: a test file calls two or three of the seven, and the others' start
 * only took CPU from everything else (ADR 0037). `npm start` and the bench keep them warm.
 *
 * The start counts against the invocation's timeout, as a cold start counts against Lambda's and
 * the gateway's; concurrent first calls share one start; a start that fails is tried again by the
 * next call (Lambda retries a failed init on the next request).
 */
import { FunctionTimeoutError, type FunctionThread } from './function-thread';

export type FunctionInvoker = Pick<FunctionThread, 'invoke'>;

/**
 * When a stack's function threads start: 'at-start' (`npm start` and the bench, whose figures are
 * warm functions), or 'on-first-use': an API function on its first request, a queue consumer on its
 * queue's first message, as Lambda starts a cold environment (the tests' stacks: a test file uses a
 * few of the functions, and starting the rest took CPU from everything else; ADR 0037).
 */
export type FunctionStart = 'at-start' | 'on-first-use';

export interface FunctionStartedOnFirstCall extends FunctionInvoker {
  /** Starts the thread now if no call has (the worker host, on a queue's first message). */
  start(): Promise<void>;
}

export function startedOnFirstCall(
  functionId: string,
  start: () => Promise<FunctionThread>,
  now: () => number = Date.now,
): FunctionStartedOnFirstCall {
  let starting: Promise<FunctionThread> | undefined;
  const started = () =>
    (starting ??= start().catch((error: unknown) => {
      starting = undefined;
      throw error;
    }));
  return {
    async start(): Promise<void> {
      await started();
    },
    async invoke<E, R>(exportName: string, event: E, timeoutMs?: number): Promise<R> {
      const from = now();
      const thread = await started();
      if (timeoutMs === undefined) return thread.invoke<E, R>(exportName, event);
      const left = timeoutMs - (now() - from);
      if (left <= 0) throw new FunctionTimeoutError(functionId, timeoutMs);
      return thread.invoke<E, R>(exportName, event, left);
    },
  };
}
