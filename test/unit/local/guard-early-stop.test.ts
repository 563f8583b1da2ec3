/**
 * local/guard.mjs asked to stop the moment its command has started (the parent read the
 * command's first line and stops at once, as a test tearing down a fresh emulator does): the
 * guard must already hold its SIGTERM handler, pass the stop on and end with its command. With
 * SIGTERM's default action the guard died alone and the command ran on, orphaned.
 */
import { createInterface } from 'node:readline';
import { spawnGuarded } from '../../../local/processes';
import { isRunning, waitForExit } from '../../support/processes';

const ATTEMPTS = 5; // the old guard lost 98 of 100 such races on an idle machine

it('ends the command when stopped as soon as the command has printed', async () => {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const guard = spawnGuarded('sh', ['-c', 'echo $$; exec sleep 60']);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      guard.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const lines = createInterface({ input: guard.stdout! })[Symbol.asyncIterator]();
    const commandPid = Number((await lines.next()).value);
    guard.kill('SIGTERM');
    try {
      // The guard handled the signal (no death by SIGTERM) and exited because its command did.
      expect(await exited).toEqual({ code: 1, signal: null });
      expect(await waitForExit(commandPid, 2000)).toBeDefined();
    } finally {
      if (isRunning(commandPid)) process.kill(commandPid, 'SIGKILL');
      guard.stdin?.destroy();
    }
  }
});
