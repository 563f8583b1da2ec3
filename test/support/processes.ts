/** Process checks for tests that start processes and must see them end. */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The fields of a /proc stat line after the command name (`pid (comm) state ppid ...`): the name may
 * hold spaces and parentheses, so the last `)` ends it. [0] is the state letter, [1] the parent pid.
 */
function statFields(path: string): string[] {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Whether `pid` runs: not gone, and not a zombie (a killed process whose parent has gone lingers so until init reaps it). */
export function isRunning(pid: number): boolean {
  try {
    return statFields(`/proc/${pid}/stat`)[0] !== 'Z';
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
        const ppid = Number(statFields(`/proc/${pid}/stat`)[1]);
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

/** The state letter of each thread of `pid` (`R`, `S`, `T` stopped, ...), from /proc. */
function threadStates(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) => {
    try {
      return [statFields(`/proc/${pid}/task/${task}/stat`)[0]!];
    } catch {
      return []; // a thread that ended meanwhile
    }
  });
}

/**
 * Sends SIGSTOP to `pid` and resolves once every one of its threads is stopped. The signal is
 * queued at once, but each thread stops only when the scheduler next runs it: on a loaded machine
 * a JVM's 28 threads took 5-10 ms to stop, and DynamoDB Local answered two reads sent in that time
 * (ADR 0037, "This session's CI runs (6 December, 07:36-10:36 UTC session)").
 */
export async function freeze(pid: number, timeoutMs = 5000): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  const deadline = Date.now() + timeoutMs;
  while (!threadStates(pid).every((state) => state === 'T' || state === 't')) {
    if (Date.now() > deadline) throw new Error(`process ${pid} not stopped ${timeoutMs} ms after SIGSTOP`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
