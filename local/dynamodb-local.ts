/** DynamoDB Local (the official jar, fetched at install) run with Java, stoppable and restartable. */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort, REPO_ROOT, spawnGuarded, stopChild, waitFor } from './processes';

const EMULATOR_DIR = join(REPO_ROOT, '.local', 'dynamodb-local');

/** Set to `1` (the test runs do) to start DynamoDB Local on the JVM's C1 compiler only. */
export const QUICK_JIT_ENV = 'WEDSYNC_DYNAMODB_LOCAL_QUICK_JIT';

export class DynamoDbLocal {
  private child: ChildProcess | undefined;
  private output = '';

  /** `dbPath`: keep data in files there (survives a restart); without it, data lives in memory. */
  private constructor(
    readonly port: number,
    private readonly dbPath: string | undefined,
    /** Started by another owner (a test run's shared instance): reachable, but not ours to stop. */
    private readonly attached = false,
  ) {}

  /** The instance another owner runs at `endpoint` (http://127.0.0.1:port); stop/restart/pid refuse. */
  static attach(endpoint: string): DynamoDbLocal {
    return new DynamoDbLocal(Number(new URL(endpoint).port), undefined, true);
  }

  private assertOwned(what: string): void {
    if (this.attached) {
      throw new Error(
        `${what}: this DynamoDB Local is shared with other stacks (start the stack with its own store)`,
      );
    }
  }

  static async start(options: { port?: number; dbPath?: string } = {}): Promise<DynamoDbLocal> {
    if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
    const instance = new DynamoDbLocal(options.port ?? (await freePort()), options.dbPath);
    await instance.startProcess();
    return instance;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async startProcess(): Promise<void> {
    const jar = join(EMULATOR_DIR, 'DynamoDBLocal.jar');
    if (!existsSync(jar)) {
      throw new Error(`DynamoDB Local is missing at ${jar}: run \`npm install\` (it fetches it once).`);
    }
    this.output = '';
    const child = spawnGuarded(
      'java',
      [
        `-Djava.library.path=${join(EMULATOR_DIR, 'DynamoDBLocal_lib')}`,
        '-Xmx512m',
        // Test runs ask for the JVM's first-tier (C1) compiler only (ADR 0037, "DynamoDB Local on
        // C1"): their instances live seconds to minutes, and on a 2-core machine C1 alone took about
        // 40 % less CPU than the default (C2's compile threads) and answered no slower. `npm start`,
        // the drills and the bench keep the default, so the bench's baselines stay comparable.
        ...(process.env[QUICK_JIT_ENV] === '1' ? ['-XX:TieredStopAtLevel=1'] : []),
        '-jar',
        jar,
        ...(this.dbPath ? ['-dbPath', this.dbPath] : ['-inMemory']),
        '-sharedDb',
        '-disableTelemetry',
        '-port',
        String(this.port),
      ],
      { cwd: this.dbPath ?? tmpdir() },
    ); // it writes a metadata file into its working directory
    child.stdout?.on(
      'data',
      (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000)),
    );
    child.stderr?.on(
      'data',
      (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000)),
    );
    this.child = child;
    const probe = new DynamoDBClient({
      endpoint: this.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`DynamoDB Local exited: ${this.output}`);
          await probe.send(new ListTablesCommand({}));
          return true;
          // The JVM takes seconds to start, many more on a loaded machine.
        },
        'DynamoDB Local',
        90_000,
      );
    } finally {
      probe.destroy();
    }
  }

  /**
   * The id of the Java process itself (under its guard, local/guard.mjs), for fault tests that
   * freeze it with SIGSTOP and thaw it with SIGCONT; undefined when it is not running.
   */
  get pid(): number | undefined {
    this.assertOwned('pid');
    const guard = this.child?.pid;
    if (guard === undefined || this.child?.exitCode !== null) return undefined;
    let children: string;
    try {
      children = readFileSync(`/proc/${guard}/task/${guard}/children`, 'utf8');
    } catch {
      children = execFileSync('pgrep', ['-P', String(guard)], { encoding: 'utf8' });
    }
    const pid = Number(children.trim().split(/\s+/)[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** Stops the process (in-memory data is gone; data under dbPath stays). */
  async stop(): Promise<void> {
    this.assertOwned('stop');
    if (this.child) await stopChild(this.child);
    this.child = undefined;
  }

  /** Starts again on the same port (for fault tests); with a dbPath the data is still there. */
  async restart(): Promise<void> {
    this.assertOwned('restart');
    await this.stop();
    await this.startProcess();
  }
}
