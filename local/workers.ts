/** Starts local/worker-host.ts in a child process and waits until it polls. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT, stopChild } from './processes';
import type { QueueId } from '../src/catalog/queues';
import type { WorkerHostConfig } from './worker-host';
import { FUNCTION_ERROR_LINE, WORKER_HOST_KILL_AFTER_MS } from './worker-protocol';
import type { ClockSegment } from './warp-clock.cjs';

export interface WorkerHost {
  /** Stops polling every queue, or one (batches in flight finish first); messages wait in the queue. */
  pause(queueId?: QueueId): Promise<void>;
  resume(queueId?: QueueId): Promise<void>;
  /** The scaled clock's next segment for every consumer thread (local/warp-clock.cjs). */
  clock(segment: ClockSegment): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `runtimeEnv` is what the pollers (Lambda's event source mappings) need: region, credentials, the
 * SQS endpoint. The consumer functions get only their own environment, from `config.functionEnv`.
 */
export interface WorkerHostObserver {
  /** Each line the consumer functions print (still printed): their logs and EMF metric lines. */
  readonly onOutputLine?: (line: string) => void;
  /** A consumer function's invocation threw or timed out. */
  readonly onFunctionError?: (functionId: string) => void;
}

export async function startWorkerHost(
  runtimeEnv: Record<string, string>,
  config: WorkerHostConfig,
  observer: WorkerHostObserver = {},
): Promise<WorkerHost> {
  // With WEDSYNC_CPU_PROFILE_DIR the host's own thread (the pollers) is profiled too, beside the
  // function threads (local/lambda-thread.mjs): `--cpu-prof` reaches only a process's main thread.
  const profileDir = process.env.WEDSYNC_CPU_PROFILE_DIR;
  const profile = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-name=worker-host.cpuprofile']
    : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', join(REPO_ROOT, 'local', 'worker-host.ts')],
    {
      cwd: REPO_ROOT,
      // Own process group: Ctrl-C reaches only us, and we stop the children in order (stdin closes).
      detached: true,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...runtimeEnv, WEDSYNC_WORKER_HOST: JSON.stringify(config) },
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const waiters = new Map<string, () => void>();
  const expect = (word: string) => new Promise<void>((resolve) => waiters.set(word, resolve));
  lines.on('line', (line) => {
    const waiter = waiters.get(line);
    if (waiter) {
      waiters.delete(line);
      waiter();
    } else if (line.startsWith(FUNCTION_ERROR_LINE)) {
      observer.onFunctionError?.(line.slice(FUNCTION_ERROR_LINE.length));
    } else {
      process.stdout.write(`${line}\n`);
      observer.onOutputLine?.(line);
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker host did not start within 120 s')), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker host exited with code ${code}`));
    });
    void expect('ready').then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  const command = (word: 'pause' | 'resume', queueId: QueueId | undefined) => {
    const suffix = queueId ? ` ${queueId}` : '';
    const answered = expect(`${word}d${suffix}`);
    child.stdin!.write(`${word}${suffix}\n`);
    return answered;
  };
  return {
    pause: (queueId) => command('pause', queueId),
    resume: (queueId) => command('resume', queueId),
    clock: (segment) => {
      const answered = expect('clocked');
      child.stdin!.write(`clock ${JSON.stringify(segment)}\n`);
      return answered;
    },
    stop: () => stopChild(child, WORKER_HOST_KILL_AFTER_MS),
  };
}
