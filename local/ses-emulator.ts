/**
 * The SES v2 emulator (npm `aws-ses-v2-local`) in a guarded child process that ends with ours
 * (local/guard.mjs), on a free port chosen by the OS. It accepts SDK-signed SendEmail calls and
 * keeps what was sent: a web inbox at `/`, JSON at `/store`.
 */
import { createInterface } from 'node:readline';
import { REPO_ROOT, spawnGuarded, stopChild } from './processes';

export interface SesEmulator {
  /** Both the SDK endpoint (AWS_ENDPOINT_URL_SESV2) and the inbox's web page. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** One e-mail as the emulator lists it at `/store`. */
export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: string[]; readonly cc: string[]; readonly bcc: string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  /** Epoch seconds. */
  readonly at: number;
}

export async function startSesEmulator(): Promise<SesEmulator> {
  const cli = require.resolve('aws-ses-v2-local/dist/cli.js', { paths: [REPO_ROOT] });
  // Port 0: the OS picks a free port, and the emulator prints the address it listens on.
  const child = spawnGuarded(process.execPath, [cli, '--host', '127.0.0.1', '--port', '0'], {
    cwd: REPO_ROOT,
  });
  const lines = createInterface({ input: child.stdout! });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the SES emulator did not start within 15 s')), 15_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the SES emulator exited with code ${code}: ${stderr.trim()}`));
      });
      lines.on('line', (line) => {
        const match = /server running at https?:\/\/[^:]+:(\d+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** What the emulator has "sent" so far (GET /store). */
export async function sentEmails(endpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  if (!response.ok) throw new Error(`SES emulator /store answered ${response.status}`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}
