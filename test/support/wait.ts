/**
 * Polling waits for integration tests: the things they wait for (a frame on a socket, a stream
 * record, a row written by another thread) arrive on their own, with no event to await.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `find` every `pollMs` until it gives a value and returns it; fails naming `what` after `timeoutMs`. */
export async function found<T>(
  find: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
  pollMs = 25,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await find();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

/** Polls `check` every `pollMs` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
  pollMs = 25,
): Promise<void> {
  await found(async () => ((await check()) ? true : undefined), what, timeoutMs, pollMs);
}
