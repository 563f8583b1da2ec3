/**
 * startedOnFirstCall (local/function-on-first-call.ts): the thread starts on the first call, once
 * for concurrent first calls, again after a failed start, and its start counts against the
 * call's timeout. The thread here is a stand-in that records its calls (the real thread's start
 * and invocations are tested in test/integration/function-thread.test.ts).
 */
import type { FunctionThread } from '../../../local/function-thread';
import { startedOnFirstCall } from '../../../local/function-on-first-call';

function standIn(calls: { exportName: string; event: unknown; timeoutMs?: number }[]): FunctionThread {
  return {
    functionId: 'ApiReviews',
    exports: ['handleRequest'],
    async invoke<E, R>(exportName: string, event: E, timeoutMs?: number): Promise<R> {
      calls.push({ exportName, event, timeoutMs });
      return { answered: event } as R;
    },
    async stop() {},
  };
}

it('starts nothing until the first call, then once for concurrent first calls', async () => {
  const calls: { exportName: string; event: unknown; timeoutMs?: number }[] = [];
  let starts = 0;
  const invoker = startedOnFirstCall('ApiReviews', async () => {
    starts += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return standIn(calls);
  });
  expect(starts).toBe(0);
  const answers = await Promise.all([1, 2, 3].map((n) => invoker.invoke('handleRequest', n)));
  expect(starts).toBe(1);
  expect(answers).toEqual([{ answered: 1 }, { answered: 2 }, { answered: 3 }]);
  await invoker.invoke('handleRequest', 4);
  expect(starts).toBe(1);
  expect(calls.map((c) => c.event)).toEqual([1, 2, 3, 4]);
});

it('tries the start again on the next call after a failed one', async () => {
  const calls: { exportName: string; event: unknown; timeoutMs?: number }[] = [];
  let starts = 0;
  const invoker = startedOnFirstCall('ApiReviews', async () => {
    starts += 1;
    if (starts === 1) throw new Error('bundle failed to load');
    return standIn(calls);
  });
  await expect(invoker.invoke('handleRequest', 1)).rejects.toThrow('bundle failed to load');
  await expect(invoker.invoke('handleRequest', 2)).resolves.toEqual({ answered: 2 });
  expect(starts).toBe(2);
});

it('counts the start against the timeout: the invocation gets what is left, or times out', async () => {
  const calls: { exportName: string; event: unknown; timeoutMs?: number }[] = [];
  let clock = 0;
  const invoker = startedOnFirstCall(
    'ApiReviews',
    async () => {
      clock += 700; // the cold start
      return standIn(calls);
    },
    () => clock,
  );
  await invoker.invoke('handleRequest', 1, 1000);
  expect(calls[0]!.timeoutMs).toBe(300);
  // Warm: the whole timeout.
  await invoker.invoke('handleRequest', 2, 1000);
  expect(calls[1]!.timeoutMs).toBe(1000);

  const slow = startedOnFirstCall(
    'ApiReviews',
    async () => {
      clock += 1500;
      return standIn(calls);
    },
    () => clock,
  );
  await expect(slow.invoke('handleRequest', 3, 1000)).rejects.toMatchObject({
    name: 'FunctionTimeoutError',
  });
  expect(calls).toHaveLength(2);
});

it('starts on start() without a call (a queue first holds a message); calls then find it started', async () => {
  const calls: { exportName: string; event: unknown; timeoutMs?: number }[] = [];
  let starts = 0;
  let clock = 0;
  const invoker = startedOnFirstCall(
    'IngestWorker',
    async () => {
      starts += 1;
      clock += 700;
      return standIn(calls);
    },
    () => clock,
  );
  await Promise.all([invoker.start(), invoker.start()]);
  expect([starts, calls]).toEqual([1, []]);
  // The start was paid before the call: the invocation gets its whole timeout.
  await invoker.invoke('handleBatch', 1, 1000);
  expect(calls).toEqual([{ exportName: 'handleBatch', event: 1, timeoutMs: 1000 }]);
  expect(starts).toBe(1);
});

it('a failed start() leaves the start to the next call', async () => {
  const calls: { exportName: string; event: unknown; timeoutMs?: number }[] = [];
  let starts = 0;
  const invoker = startedOnFirstCall('IngestWorker', async () => {
    starts += 1;
    if (starts === 1) throw new Error('bundle failed to load');
    return standIn(calls);
  });
  await expect(invoker.start()).rejects.toThrow('bundle failed to load');
  await expect(invoker.invoke('handleBatch', 1)).resolves.toEqual({ answered: 1 });
  expect(starts).toBe(2);
});
