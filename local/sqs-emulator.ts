/** The SQS emulator (fauxqs) in a child process that ends with ours. */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { REPO_ROOT, stopChild } from './processes';
import type { ClockSegment } from './warp-clock.cjs';
import { spawn } from 'node:child_process';

export interface SqsEmulator {
  readonly endpoint: string;
  /** The scaled clock's next segment (only when started with `clockWarp`: local/warp-clock.cjs). */
  clock?(segment: ClockSegment): Promise<void>;
  stop(): Promise<void>;
}

export async function startSqsEmulator(
  port = 0,
  options: { clockWarp?: boolean } = {},
): Promise<SqsEmulator> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'local', 'fauxqs-child.mjs')], {
    // Own process group: Ctrl-C reaches only us, and we stop the children in order (stdin closes).
    detached: true,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      FAUXQS_PORT: String(port),
      ...(options.clockWarp ? { FAUXQS_CLOCK_WARP: '1' } : {}),
    },
  });
  const lines = createInterface({ input: child.stdout! });
  const actualPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fauxqs did not start within 15 s')), 15_000);
    child.once('exit', (code) => reject(new Error(`fauxqs exited with code ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    ...(options.clockWarp
      ? {
          clock: (segment: ClockSegment) =>
            new Promise<void>((resolve) => {
              lines.once('line', () => resolve());
              child.stdin!.write(`clock ${JSON.stringify(segment)}\n`);
            }),
        }
      : {}),
    stop: () => stopChild(child),
  };
}
