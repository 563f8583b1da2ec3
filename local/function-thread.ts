/**
 * Runs one catalogued function's handler module in its own worker thread whose process.env is
 * exactly the environment given (worker_threads' `env` option), as Lambda gives each function only
 * its own configuration. Invocations are messages; one thread serves concurrent invocations (the
 * handlers are async), and an invocation that outlives its timeout is answered with a
 * `FunctionTimeoutError` (its late result is dropped), like Lambda's timeout.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FunctionDefinition } from '../src/catalog/functions';
import { REPO_ROOT } from './processes';

export class FunctionTimeoutError extends Error {
  constructor(functionId: string, timeoutMs: number) {
    super(`${functionId} timed out after ${timeoutMs} ms`);
    this.name = 'FunctionTimeoutError';
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
  readonly exports?: readonly string[];
  readonly ok?: boolean;
  readonly value?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
}

export async function startFunctionThread(
  definition: FunctionDefinition,
  env: Readonly<Record<string, string>>,
): Promise<FunctionThread> {
  const worker = new Worker(join(REPO_ROOT, 'local', 'lambda-thread.mjs'), {
    env: { ...env },
    workerData: { entry: join(REPO_ROOT, definition.entry) },
    // Handlers log through Powertools to stdout/stderr; let them through as Lambda's logs would.
    stdout: false,
    stderr: false,
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
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
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new FunctionTimeoutError(definition.id, timeoutMs));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => (clearTimeout(timer), resolve(value as R)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        worker.postMessage({ id, exportName, event });
      });
    },
    async stop() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
