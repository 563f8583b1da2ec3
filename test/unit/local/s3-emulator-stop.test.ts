/**
 * The S3 emulator's process (local/s3rver-child.mjs) ends by itself within 5 s of being asked to
 * stop, even when its server's close cannot finish: an HTTP server's close waits for every
 * connection with a request in progress (Node closes only idle keep-alive connections), and here
 * a client holds one open, having sent the start of a request and no more. Started as the local
 * stack starts it (startS3Emulator) and asked to stop with SIGTERM alone, as when its parent has
 * gone: `stop()` would also kill it at 5 s (local/processes.ts stopChild), which would hide a
 * missing bound. It must be gone within the bound, and not at once (a quick exit would mean
 * nothing held it and the test proved nothing).
 *
 * The SQS emulator (local/fauxqs-child.mjs) has the same bound and no such test: nothing from
 * outside holds its stop. fauxqs (1.9.2) builds its fastify server with `forceCloseConnections:
 * true`, whose close destroys every connection, idle or not, and ends its long polls first (its
 * `preClose` hook); with the same held request it exits within about 100 ms, bound or no bound.
 */
import { connect, type Socket } from 'node:net';
import { startS3Emulator } from '../../../local/s3-emulator';
import { LOCAL_CREDENTIALS } from '../../../local/stack';
import { childPids, waitForExit } from '../../support/processes';

/** The child's own stop bound (its `setTimeout(() => process.exit(0), 5000)`). */
const STOP_DEADLINE_MS = 5000;

jest.setTimeout(60_000);

/** A connection to `endpoint` with a request begun (its first header lines) and never finished. */
async function holdRequest(endpoint: string): Promise<Socket> {
  const { hostname, port } = new URL(endpoint);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  await new Promise<void>((resolve, reject) =>
    socket.write(`PUT /wedsync-stop-test/held HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  // Let the server read it: its connection is then active, not idle.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return socket;
}

it('exits by itself within 5 s of SIGTERM while a request holds its server open', async () => {
  const script = 's3rver-child.mjs';
  const before = new Set(childPids(process.pid, script));
  const emulator = await startS3Emulator(['wedsync-stop-test'], LOCAL_CREDENTIALS);
  let socket: Socket | undefined;
  try {
    const [pid] = childPids(process.pid, script).filter((p) => !before.has(p));
    expect(pid).toBeDefined();
    socket = await holdRequest(emulator.endpoint);

    const from = Date.now();
    process.kill(pid!, 'SIGTERM');
    const gone = await waitForExit(pid!, STOP_DEADLINE_MS + 10_000);

    expect(gone).toBeDefined();
    const took = gone! - from;
    // Held by the open request until the bound...
    expect(took).toBeGreaterThanOrEqual(STOP_DEADLINE_MS - 500);
    // ...and gone by itself then.
    expect(took).toBeLessThan(STOP_DEADLINE_MS + 1500);
  } finally {
    socket?.destroy();
    // Ends the child if it still runs (its whole group, after 5 s), and removes its files.
    await emulator.stop();
  }
});
