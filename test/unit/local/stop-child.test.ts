/**
 * stopChild (local/processes.ts) on a guarded child (local/guard.mjs) whose command ignores SIGTERM
 * and outlasts the stop's timeout: the kill takes the guard's whole process group, so the command
 * does not outlive its guard (keeping the pipes it inherited, and with them a test run, open).
 */
import { createInterface } from 'node:readline';
import { spawnGuarded, stopChild } from '../../../local/processes';
import { isRunning } from '../../support/processes';

it('kills a guarded command that ignores SIGTERM together with its guard', async () => {
  // The shell ignores SIGTERM (so does its sleep), prints its pid and waits: the guard's own
  // SIGKILL comes 3 s after it is asked to stop, later than this stop's 300 ms.
  const guard = spawnGuarded('sh', ['-c', 'trap "" TERM; echo $$; sleep 60 & wait']);
  const lines = createInterface({ input: guard.stdout! })[Symbol.asyncIterator]();
  const shellPid = Number((await lines.next()).value);
  expect(isRunning(shellPid)).toBe(true);
  const started = Date.now();
  await stopChild(guard, 300);
  expect(Date.now() - started).toBeLessThan(2500);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(isRunning(shellPid)).toBe(false);
  // The guard's stdout ends: nothing of the group holds the pipe any more.
  expect((await lines.next()).done).toBe(true);
});
