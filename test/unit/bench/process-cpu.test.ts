import { spawn } from 'node:child_process';
import {
  compareCpu,
  cpuBetween,
  cpuPerItem,
  cpuSnapshot,
  parseProcStat,
  PROCESS_ROLES,
  roleOf,
  type ProcessRole,
} from '../../../bench/process-cpu';

const spent = (values: Partial<Record<ProcessRole, number>>): Record<ProcessRole, number> => ({
  ...(Object.fromEntries(PROCESS_ROLES.map((role) => [role, 0])) as Record<ProcessRole, number>),
  ...values,
});

describe('process CPU for the bench', () => {
  it('reads pid, parent and user + system ticks from a stat line whose name holds spaces and parentheses', () => {
    const line = '4242 (node (worker) x) S 4200 4242 4242 0 -1 4194560 100 0 0 0 250 50 3 1 20 0 11 0';
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      parent: 4200,
      cpuSeconds: 3,
      endedChildrenCpuSeconds: 0.04,
    });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('names the local stack processes from their command lines', () => {
    expect(roleOf('java -Djava.library.path=x -jar DynamoDBLocal.jar -inMemory', false)).toBe(
      'DynamoDB Local',
    );
    expect(roleOf('/usr/bin/node /repo/local/fauxqs-child.mjs', false)).toBe('SQS emulator');
    expect(roleOf('node --import tsx /repo/local/worker-host.ts', false)).toBe('queue consumers');
    expect(roleOf('node /repo/local/s3rver-child.mjs', false)).toBe('other');
    expect(roleOf('node --import tsx local/worker-host.ts', true)).toBe('bench process');
  });

  it('counts what each role spent between two snapshots, a new process from zero', () => {
    const before = new Map([
      [1, { role: 'bench process' as const, cpuSeconds: 10 }],
      [2, { role: 'DynamoDB Local' as const, cpuSeconds: 5 }],
    ]);
    const after = new Map([
      [1, { role: 'bench process' as const, cpuSeconds: 12.5 }],
      [2, { role: 'DynamoDB Local' as const, cpuSeconds: 9 }],
      [3, { role: 'DynamoDB Local' as const, cpuSeconds: 1 }],
    ]);
    expect(cpuBetween(before, after)).toEqual(spent({ 'bench process': 2.5, 'DynamoDB Local': 5 }));
  });

  it('gives CPU per item and the rate the cores allow at that cost, against the baseline', () => {
    const pipeline = spent({ 'DynamoDB Local': 3, 'queue consumers': 2, 'bench process': 3 });
    expect(cpuPerItem(pipeline, 2000, 2)).toEqual({
      msPerItem: spent({ 'DynamoDB Local': 1.5, 'queue consumers': 1, 'bench process': 1.5 }),
      totalMs: 4,
      ceilingPerSecond: 500,
    });
    const raw = spent({ 'DynamoDB Local': 1.6, 'bench process': 1.2 });
    const comparison = compareCpu(
      { spent: raw, items: 2000, perSecond: 1250 },
      { spent: pipeline, items: 2000 },
      2,
    );
    expect(comparison.baseline.ceilingPerSecond).toBe(1429);
    expect(comparison.ceilingToBaselineRate).toBe(0.4);
  });

  it('sees this process and the CPU a child spends (Linux /proc)', async () => {
    const before = cpuSnapshot()!;
    expect([...before.values()].some((p) => p.role === 'bench process')).toBe(true);
    // Busy for 2 s once it says so; read while it runs (an ended child is no longer a descendant).
    const child = spawn(
      process.execPath,
      ['-e', "process.stdout.write('busy\\n'); const end = Date.now() + 2000; while (Date.now() < end);"],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => child.stdout.once('data', resolve));
    let during = cpuSnapshot()!;
    while (cpuBetween(before, during).other < 0.05 && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      during = cpuSnapshot()!;
    }
    await exited;
    expect(during.get(child.pid!)?.role).toBe('other');
    expect(cpuBetween(before, during).other).toBeGreaterThanOrEqual(0.05);
    // Ended and waited for, its CPU is counted as the ended children's (all of it, from the start).
    const after = cpuSnapshot()!;
    expect(after.has(child.pid!)).toBe(false);
    expect(cpuBetween(before, after)['ended child processes']).toBeGreaterThanOrEqual(
      cpuBetween(before, during).other,
    );
  });
});
