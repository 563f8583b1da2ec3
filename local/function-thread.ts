/**
 * Runs one catalogued function's handler module in its own worker thread whose process.env is
 * exactly the environment given (worker_threads' `env` option), as Lambda gives each function only
 * its own configuration. Invocations are messages; one thread serves concurrent invocations (the
 * handlers are async), and an invocation that outlives its timeout is answered with a
 * `FunctionTimeoutError` (its late result is dropped), like Lambda's timeout.
 *
 * At most `concurrency` invocations run in the thread at once, like that many Lambda execution
 * environments (each runs one invocation at a time, with its own sockets and SDK retry quota);
 * the rest wait, first come first served, and the wait counts against their timeout, as a cold
 * start does. Without the bound a burst put thousands of invocations into one thread: their SDK
 * attempt timers ran while they queued for one client's 50 sockets, the timeouts drained the one
 * shared retry quota, and accepted requests became 503s that Lambda never gives at that rate.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { FunctionDefinition } from '../src/catalog/functions';
import { BUNDLE_CACHE_DIR, functionBundle } from './function-bundles';
import { REPO_ROOT } from './processes';
import type { ClockSegment } from './warp-clock.cjs';

/**
 * The local mode's scaled clock (local/warp-clock.cjs, ADR 0022): with WEDSYNC_LOCAL_CLOCK_WARP=1
 * in this process's environment (set by `startLocalStack({ clockWarp: true })`, inherited by the
 * queue consumers' process), every function thread started here runs on it, and
 * `warpFunctionThreads` hands each of them the clock's next segment.
 */
const warpedThreads = new Set<Worker>();
const clockSegments: ClockSegment[] = [];

export function warpFunctionThreads(segment: ClockSegment): void {
  clockSegments.push(segment);
  for (const worker of warpedThreads) worker.postMessage({ clockSegment: segment });
}

/** Where the function threads keep V8's compile cache (beside the bundles, under `.cache/`). */
export const NODE_COMPILE_CACHE_DIR = join(BUNDLE_CACHE_DIR, '..', 'node-compile-cache');

export class FunctionTimeoutError extends Error {
  constructor(functionId: string, timeoutMs: number) {
    super(`${functionId} timed out after ${timeoutMs} ms`);
    this.name = 'FunctionTimeoutError';
  }
}

/** No environment became free within `maxWaitMs`: the invocation did not run. */
export class FunctionBusyError extends Error {
  constructor(functionId: string, waitedMs: number) {
    super(`${functionId} had no free environment for ${waitedMs} ms`);
    this.name = 'FunctionBusyError';
  }
}

export interface FunctionThread {
  readonly functionId: string;
  /** The functions the handler module exports. */
  readonly exports: readonly string[];
  /** Calls `exportName(event)` in the thread; rejects with the handler's error or on timeout. */
  invoke<E, R>(exportName: string, event: E, timeoutMs?: number): Promise<R>;
  stop(): Promise<void>;
}

interface Reply {
  readonly id?: number;
  readonly ready?: boolean;
  readonly profiled?: boolean;
  readonly exports?: readonly string[];
  readonly ok?: boolean;
  readonly value?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
}

/**
 * Invocations one function runs at once locally. Enough for the deployed stage rate (100 requests/s
 * at tens of ms each needs a few environments), and below the SDK's 50 sockets per client, so an
 * invocation's one queue send never waits for a socket inside its attempt timeout.
 */
export const LOCAL_FUNCTION_CONCURRENCY = 16;

export async function startFunctionThread(
  definition: FunctionDefinition,
  env: Readonly<Record<string, string>>,
  options: {
    /** Invocations run at once (default LOCAL_FUNCTION_CONCURRENCY). */
    readonly concurrency?: number;
    /** Longest wait for a free environment before failing with FunctionBusyError (default: none). */
    readonly maxWaitMs?: number;
    /** Sees each line the handler prints to stdout (still printed), e.g. its EMF metric lines. */
    readonly onOutputLine?: (line: string) => void;
  } = {},
): Promise<FunctionThread> {
  const { concurrency = LOCAL_FUNCTION_CONCURRENCY, maxWaitMs, onOutputLine } = options;
  const worker = new Worker(join(REPO_ROOT, 'local', 'lambda-thread.mjs'), {
    env: { ...env },
    // Plain Node, as Lambda runs the bundle: a thread inherits its process's flags otherwise, and
    // under `tsx` (npm start, the worker host, the bench) every module the bundle required (the AWS
    // SDK is external, as in Lambda) went through tsx's loader hooks: about a third of a thread's
    // start (ADR 0037). The bundle is plain JavaScript and the thread's script plain ESM.
    execArgv: [],
    // The function's esbuild bundle, as Lambda runs it (built once, then reused: function-bundles.ts).
    workerData: {
      bundle: await functionBundle(definition),
      // V8's compiled code for the modules the thread loads, kept on disk across threads and runs
      // (Node 22's module.enableCompileCache; Node 20 has none and compiles as before): every one
      // of a stack's twenty-odd threads compiled the same AWS SDK modules again (ADR 0037).
      compileCacheDir: NODE_COMPILE_CACHE_DIR,
      // Where the thread writes its CPU profile at stop, when asked (ADR 0022).
      profileDir: process.env.WEDSYNC_CPU_PROFILE_DIR,
      name: definition.id,
      ...(process.env.WEDSYNC_LOCAL_CLOCK_WARP === '1' ? { clockSegments: [...clockSegments] } : {}),
    },
    // Handlers log through Powertools to stdout/stderr; let them through as Lambda's logs would
    // (read line by line first when someone collects them).
    stdout: onOutputLine !== undefined,
    stderr: false,
  });
  // Segments announced while it starts are queued for it (it reads them once its bundle loaded).
  if (process.env.WEDSYNC_LOCAL_CLOCK_WARP === '1') warpedThreads.add(worker);
  if (onOutputLine) {
    createInterface({ input: worker.stdout, crlfDelay: Infinity }).on('line', (line) => {
      process.stdout.write(`${line}\n`);
      onOutputLine(line);
    });
  }
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  let running = 0;
  /** Invocations waiting for a free environment, oldest first. */
  const waiting: (() => void)[] = [];
  /** Starts waiting invocations while an environment is free (a stale one gives its turn away). */
  const wake = () => {
    while (running < concurrency && waiting.length > 0) waiting.shift()!();
  };
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };

  const exported = await new Promise<readonly string[]>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${definition.id} thread exited with code ${code}`)));
    worker.once('message', (message: Reply) =>
      message.ready
        ? resolve(message.exports ?? [])
        : reject(new Error(`${definition.id} thread did not start`)),
    );
  });
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`${definition.id} thread exited with code ${code}`)));
  worker.on('message', (message: Reply) => {
    if (message.id === undefined) return;
    const waiter = pending.get(message.id);
    if (!waiter) return; // answered after its timeout: dropped
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else {
      const error = new Error(message.error?.message ?? 'handler failed');
      error.name = message.error?.name ?? 'Error';
      waiter.reject(error);
    }
  });

  return {
    functionId: definition.id,
    exports: exported,
    invoke<E, R>(exportName: string, event: E, timeoutMs = definition.timeoutSeconds * 1000): Promise<R> {
      if (failure) return Promise.reject(failure);
      const id = (nextId += 1);
      return new Promise<R>((resolve, reject) => {
        let state: 'waiting' | 'running' | 'done' = 'waiting';
        const queuedAt = Date.now();
        const deadline = queuedAt + timeoutMs;
        let busyTimer: NodeJS.Timeout | undefined;
        const start = () => {
          if (state !== 'waiting') return;
          clearTimeout(busyTimer);
          if (maxWaitMs !== undefined && Date.now() - queuedAt >= maxWaitMs) {
            return finish(() => reject(new FunctionBusyError(definition.id, maxWaitMs)));
          }
          // Its caller has given up already (the timer is late on a busy loop): never run it.
          if (Date.now() >= deadline) {
            pending.delete(id);
            return finish(() => reject(new FunctionTimeoutError(definition.id, timeoutMs)));
          }
          if (failure) {
            // The thread is gone: fail this one (the next waiter fails the same way).
            state = 'done';
            clearTimeout(timer);
            reject(failure);
            return;
          }
          state = 'running';
          running += 1;
          pending.set(id, {
            resolve: (value) => finish(() => resolve(value as R)),
            reject: (error) => finish(() => reject(error)),
          });
          worker.postMessage({ id, exportName, event });
        };
        const finish = (settle: () => void) => {
          if (state === 'done') return;
          const wasRunning = state === 'running';
          if (!wasRunning && waiting.includes(start)) waiting.splice(waiting.indexOf(start), 1);
          state = 'done';
          clearTimeout(timer);
          clearTimeout(busyTimer);
          settle();
          if (wasRunning) {
            running -= 1;
            wake();
          }
        };
        // Like Lambda's timeout, the environment is free again when it fires (a late result is dropped).
        const timer = setTimeout(() => {
          pending.delete(id);
          finish(() => reject(new FunctionTimeoutError(definition.id, timeoutMs)));
        }, timeoutMs);
        waiting.push(start);
        wake();
        if (maxWaitMs !== undefined && state === 'waiting') {
          busyTimer = setTimeout(() => {
            if (state === 'waiting') finish(() => reject(new FunctionBusyError(definition.id, maxWaitMs)));
          }, maxWaitMs);
        }
      });
    },
    async stop() {
      warpedThreads.delete(worker);
      worker.removeAllListeners('exit');
      if (process.env.WEDSYNC_CPU_PROFILE_DIR) {
        // The thread writes its profile first (bounded: a stuck thread is terminated anyway).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 10_000);
          worker.on('message', (message: Reply) => {
            if (!message.profiled) return;
            clearTimeout(timer);
            resolve();
          });
          worker.postMessage({ profileStop: true });
        });
      }
      await worker.terminate();
    },
  };
}
