/**
 * The bundles phase times a `require` in a fresh process in CPU time (what its init target
 * judges) and in wall time (for reference): a module that waits without working shows in the
 * wall time only, one that works shows in both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireMs } from '../../../bench/bundles';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wedsync-require-time-'));
  // Blocks its thread for 300 ms without using the CPU.
  writeFileSync(
    join(dir, 'waits.js'),
    'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);\n',
  );
  // Works until it has used 200 ms of CPU (however long a busy machine makes that take).
  writeFileSync(
    join(dir, 'works.js'),
    'const from = process.cpuUsage(); let x = 0;\n' +
      'while (((u) => u.user + u.system)(process.cpuUsage(from)) < 200_000) x += Math.sqrt(x + 1);\n' +
      'module.exports = x;\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('counts a wait in the wall time and not in the CPU time', async () => {
  const { cpuMs, wallMs } = await requireMs([join(dir, 'waits.js')], {});
  expect(wallMs).toBeGreaterThanOrEqual(290);
  expect(cpuMs).toBeLessThan(150);
});

it('counts work in both', async () => {
  const { cpuMs, wallMs } = await requireMs([join(dir, 'works.js')], {});
  expect(cpuMs).toBeGreaterThanOrEqual(195);
  expect(wallMs).toBeGreaterThanOrEqual(cpuMs - 20);
});
