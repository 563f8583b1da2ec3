// One Lambda function of the local mode, in its own worker thread: loads the function's bundle
// (workerData.bundle: CommonJS built by esbuild as for Lambda, see function-bundles.ts) with the
// private process.env its parent gave this thread (only the variables the catalog grants the
// function), then answers invocations:
// { id, exportName, event } -> { id, ok: true, value } | { id, ok: false, error: { name, message } }.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { installClockWarp } from './warp-clock.cjs';

const { bundle, profileDir, name, clockSegments, compileCacheDir } = workerData;
// V8's code cache on disk (Node 22.1+; absent on Node 20): a thread that loads a module another
// thread or run compiled already skips compiling it. The code that runs is the same.
if (compileCacheDir) module.enableCompileCache?.(compileCacheDir);
// The local mode's scaled clock (warp-clock.cjs), when the stack runs on one: installed before the
// bundle loads, so the function reads it wherever it reads the time.
const addClockSegment = clockSegments ? installClockWarp(clockSegments) : undefined;
// `node --cpu-prof` does not reach worker threads: with WEDSYNC_CPU_PROFILE_DIR set, the thread
// profiles itself from before its bundle loads and writes <dir>/<function>-<thread>.cpuprofile
// when asked at stop (ADR 0022).
const profiler = profileDir ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
// No source-map flag, as in Lambda: the bundle maps its own stack traces, at the first one
// (src/shared/lazy-source-maps.ts, injected first into every bundle).
const loaded = createRequire(import.meta.url)(bundle);

parentPort.on('message', async ({ id, exportName, event, profileStop, clockSegment }) => {
  if (clockSegment) {
    addClockSegment?.(clockSegment);
    return;
  }
  if (profileStop) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(join(profileDir, `${name}-${threadId}.cpuprofile`), JSON.stringify(profile));
    parentPort.postMessage({ profiled: true });
    return;
  }
  try {
    const fn = loaded[exportName];
    if (typeof fn !== 'function') throw new Error(`${bundle} exports no function ${exportName}`);
    parentPort.postMessage({ id, ok: true, value: await fn(event) });
  } catch (error) {
    const { name = 'Error', message = String(error) } = error instanceof Error ? error : {};
    parentPort.postMessage({ id, ok: false, error: { name, message } });
  }
});
parentPort.postMessage({
  ready: true,
  exports: Object.keys(loaded).filter((n) => typeof loaded[n] === 'function'),
});
