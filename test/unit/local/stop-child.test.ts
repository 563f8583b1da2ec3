/**
 * stopChild (local/processes.ts) on a guarded child (local/guard.mjs) whose command ignores SIGTERM
 * and outlasts the stop's timeout: the kill takes the guard's whole process group, so the command
 * does not outlive its guard (keeping the pipes it inherited, and with them a test run, open).
 */
import { createInterface } from 'node:readline';
import { spawnGuarded, stopChild } from '../../../local/processes';
import { isRunning, waitForExit } from '../../support/processes';

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
  // Killed with its group (a loaded machine may take a moment to end it): without the group kill
  // it would run on for its 60 s sleep, the guard that would have killed it at 3 s being gone.
  expect(await waitForExit(shellPid, 2000)).toBeDefined();
  // The guard's stdout ends: nothing of the group holds the pipe any more.
  expect((await lines.next()).done).toBe(true);
});
