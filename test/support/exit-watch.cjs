/**
 * A jest reporter that keeps a finished run from hanging. Jest waits for the process to have
 * nothing left to do; a handle that a test left open (a child process whose pipe never ends, a
 * server, an interval) keeps it waiting for good, and CI then ends at its time limit with no word
 * of why (it did once, ADR 0037). Once the run has completed (and a grace for globalTeardown has
 * passed), this names every handle still open, ends the child processes among them (each in its
 * own process group, as local/processes.ts starts them), and exits with the run's own result.
 * Plain CommonJS: jest loads reporters without a transform.
 */
'use strict';

const DEFAULT_GRACE_MS = 60_000;

/** One line for an open handle: what it is and what it is connected to. */
function describeHandle(handle) {
  const kind = handle?.constructor?.name ?? typeof handle;
  if (Array.isArray(handle?.spawnargs)) return `child process ${handle.pid}: ${handle.spawnargs.join(' ')}`;
  if (typeof handle?.address === 'function' && typeof handle?.listen === 'function') {
    const address = handle.address();
    return `${kind} listening on ${typeof address === 'object' && address ? address.port : address}`;
  }
  if (kind === 'Socket' || kind === 'Pipe') {
    if (handle.remotePort !== undefined) return `socket to ${handle.remoteAddress}:${handle.remotePort}`;
    return `pipe${handle._handle?.fd !== undefined ? ` fd ${handle._handle.fd}` : ''}`;
  }
  return kind;
}

/** The open handles of this process (Node's own list: undocumented, but what jest reads too). */
function openHandles() {
  return typeof process._getActiveHandles === 'function' ? process._getActiveHandles() : [];
}

/**
 * After `graceMs`, if the process is still alive (the timer does not itself keep it alive), writes
 * what holds it, kills the child processes that do, and exits: with 1 if `failed`, else with
 * whatever exit code the runner set.
 */
function watchExit({ graceMs, failed, write = (text) => process.stderr.write(text) }) {
  const timer = setTimeout(() => {
    const handles = openHandles();
    const resources =
      typeof process.getActiveResourcesInfo === 'function' ? process.getActiveResourcesInfo() : [];
    write(
      `\nThe test run completed ${Math.round(graceMs / 1000)} s ago and the process is still held open` +
        ` (a test did not clean up what it started). Open handles:\n` +
        handles.map((h) => `  - ${describeHandle(h)}\n`).join('') +
        `  resources: ${resources.join(', ') || 'none'}\n` +
        `Ending those child processes and exiting with the run's result (${failed ? 'failed' : 'passed'}).\n`,
    );
    for (const handle of handles) {
      if (!Array.isArray(handle?.spawnargs) || handle.pid === undefined) continue;
      try {
        process.kill(-handle.pid, 'SIGKILL');
      } catch {
        try {
          handle.kill('SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    if (failed) process.exitCode = 1;
    process.exit();
  }, graceMs);
  timer.unref();
  return timer;
}

class ExitWatchReporter {
  constructor(globalConfig, options = {}) {
    this.graceMs = Number(process.env.WEDSYNC_TEST_EXIT_GRACE_MS ?? options.graceMs ?? DEFAULT_GRACE_MS);
    // A watch run stays alive on purpose between runs.
    this.watching = Boolean(globalConfig?.watch || globalConfig?.watchAll);
  }

  onRunComplete(_contexts, results) {
    if (this.watching) return;
    const failed =
      results.success === false ||
      results.numFailedTestSuites > 0 ||
      results.numFailedTests > 0 ||
      results.numRuntimeErrorTestSuites > 0;
    watchExit({ graceMs: this.graceMs, failed });
  }
}

module.exports = ExitWatchReporter;
module.exports.watchExit = watchExit;
module.exports.describeHandle = describeHandle;
