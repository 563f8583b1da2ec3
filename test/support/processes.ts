/** Process checks for tests that start processes and must see them end. */
import { readdirSync, readFileSync } from 'node:fs';

/** Whether `pid` runs: not gone, and not a zombie (a killed process whose parent has gone lingers so until init reaps it). */
export function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The running children of `parentPid` whose command line contains `commandPart`: the pid of a
 * process the local mode starts and does not expose (its emulators, its worker host).
 */
export function childPids(parentPid: number, commandPart: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, the last `)` ends it.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
        return ppid === parentPid && command.includes(commandPart) && isRunning(pid);
      } catch {
        return false; // gone meanwhile
      }
    });
}

/** Resolves with the time (ms since the epoch) `pid` is seen gone, or `undefined` after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return isRunning(pid) ? undefined : Date.now();
}
