/** Process checks for tests that start processes and must see them end. */
import { readFileSync } from 'node:fs';

/** Whether `pid` runs: not gone, and not a zombie (a killed process whose parent has gone lingers so until init reaps it). */
export function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
