/**
 * The test run's exit watch (test/support/exit-watch.cjs), in a child Node process of its own: a
 * process held open after its run names what holds it, ends its child processes and exits with the
 * run's result; a process that ends by itself ends as it would have, unheld by the watch.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isRunning } from '../../support/processes';

const WATCH = join(__dirname, '..', '..', 'support', 'exit-watch.cjs');

/** Runs `body` in a fresh Node after loading the watch as `watchExit`; its exit, output and time. */
function run(body: string): Promise<{ code: number | null; stderr: string; stdout: string; ms: number }> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['-e', `const { watchExit } = require(${JSON.stringify(WATCH)});\n${body}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stderr, stdout, ms: Date.now() - started })),
  );
}

it('names what holds a finished run open, ends its child processes and exits with the run passed', async () => {
  const result = await run(`
    require('node:http').createServer().listen(0, '127.0.0.1');
    const sleeper = require('node:child_process').spawn('sleep', ['60'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    console.log(sleeper.pid);
    watchExit({ graceMs: 500, failed: false });
  `);
  const sleeperPid = Number(result.stdout.trim());
  expect(result.code).toBe(0);
  expect(result.stderr).toContain('still held open');
  expect(result.stderr).toContain(`child process ${sleeperPid}: sleep 60`);
  expect(result.stderr).toMatch(/Server listening on \d+/);
  expect(result.stderr).toContain("exiting with the run's result (passed)");
  // Killed with its process group, not left behind when its parent went.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(isRunning(sleeperPid)).toBe(false);
});

it('exits with 1 when the run failed', async () => {
  const result = await run(`setInterval(() => undefined, 1000); watchExit({ graceMs: 300, failed: true });`);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("exiting with the run's result (failed)");
  expect(result.stderr).toContain('resources: ');
});

it('does not itself hold a process that ends by itself', async () => {
  const result = await run(
    `watchExit({ graceMs: 30000, failed: false }); setTimeout(() => process.exitCode = 3, 100);`,
  );
  expect(result.code).toBe(3);
  expect(result.stderr).toBe('');
  expect(result.ms).toBeLessThan(20_000);
});

it('as a reporter: ends a completed run that is held open with its result, but never a watch run', async () => {
  const held = `setInterval(() => undefined, 1000); setTimeout(() => { console.log('still alive'); process.exit(5); }, 2500);`;
  const Reporter = `require(${JSON.stringify(WATCH)})`;
  const failed = await run(
    `new (${Reporter})({}, { graceMs: 300 }).onRunComplete([], { success: false, numFailedTests: 1 }); ${held}`,
  );
  expect(failed.code).toBe(1);
  expect(failed.stdout).toBe('');
  const watching = await run(
    `new (${Reporter})({ watch: true }, { graceMs: 300 }).onRunComplete([], { success: true }); ${held}`,
  );
  expect(watching.code).toBe(5);
  expect(watching.stdout).toContain('still alive');
});

it('is among the reporters of every jest run', () => {
  const { stdout } = spawnSync(
    process.execPath,
    [
      '-e',
      `console.log(JSON.stringify(require(${JSON.stringify(join(__dirname, '..', '..', '..', 'jest.config.js'))}).reporters))`,
    ],
    { encoding: 'utf8' },
  );
  expect(JSON.parse(stdout)).toEqual(['default', '<rootDir>/test/support/exit-watch.cjs']);
});
