/**
 * The S3 emulator (npm `s3rver`, pure JS) in a child process that ends with ours: the catalog's
 * buckets, path-style addressing, files in a temporary folder removed when it stops. Pre-signed
 * PUT URLs from @aws-sdk/s3-request-presigner work against it as against S3.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT, stopChild } from './processes';

export interface S3Emulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startS3Emulator(
  buckets: readonly string[],
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string },
): Promise<S3Emulator> {
  const dir = mkdtempSync(join(tmpdir(), 'wedsync-s3-'));
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'local', 's3rver-child.mjs')], {
    // Own process group: Ctrl-C reaches only us, and we stop the children in order (stdin closes).
    detached: true,
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      S3RVER_DIR: dir,
      S3RVER_BUCKETS: JSON.stringify(buckets),
      S3RVER_ACCESS_KEY: credentials.accessKeyId,
      S3RVER_SECRET_KEY: credentials.secretAccessKey,
    },
  });
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const lines = createInterface({ input: child.stdout! });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('s3rver did not start within 15 s')), 15_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited with code ${code}`));
      });
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      });
    });
    return { endpoint: `http://127.0.0.1:${port}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
