/**
 * Bounded concurrency: `fn` over a list (or a stream) of items with at most `limit` calls in
 * flight, for the loops that must not send everything at once (the event publisher's
 * SendMessageBatch calls, the real-time fan-out's posts and claim transactions, a restore's
 * BatchWriteItem calls).
 *
 * Items start in their order, each as soon as a call ends (`limit` lanes take the next item in
 * turn; from a list, the first `limit` calls start at once, synchronously), and the results come
 * back in the items' order. The first failure stops it: no item starts after that, the promise
 * rejects with that error at once, and the calls already in flight run on unawaited (as with
 * `Promise.all`). A caller that must run every item and fail afterwards catches inside `fn` and
 * throws once this resolves.
 *
 * `items` may be an async iterable (lines read from files): it is asked for one item at a time,
 * only when a lane is free, and closed (its `return`) when a failure stops the loop.
 */
export async function mapWithConcurrency<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T, index: number) => R | PromiseLike<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`the concurrency limit must be a positive integer, not ${limit}`);
  }
  const results: R[] = [];
  let taken = 0;
  let stopped = false;
  let take: () => IteratorResult<T> | Promise<IteratorResult<T>>;
  let close: () => Promise<unknown>;
  if (Symbol.asyncIterator in items) {
    const iterator = items[Symbol.asyncIterator]();
    // One request at a time: an async iterator is not asked for an item before the last arrived.
    let reading: Promise<unknown> = Promise.resolve();
    take = () => {
      const read = reading.then(() => iterator.next());
      reading = read.catch(() => undefined);
      return read;
    };
    close = async () => {
      await reading;
      await iterator.return?.();
    };
  } else {
    const iterator = items[Symbol.iterator]();
    take = () => iterator.next();
    close = async () => iterator.return?.();
  }
  const lane = async (): Promise<void> => {
    try {
      while (!stopped) {
        const pending = take();
        // From a list, no await before the call: the first `limit` calls start synchronously.
        const next = pending instanceof Promise ? await pending : pending;
        if (next.done === true || stopped) return;
        const index = taken++;
        results[index] = await fn(next.value, index);
      }
    } catch (error) {
      if (!stopped) {
        stopped = true;
        // The first failure is what the caller sees, not a failure to close the items.
        await close().catch(() => undefined);
      }
      throw error;
    }
  };
  const lanes: Promise<void>[] = [];
  for (let i = 0; i < limit; i += 1) lanes.push(lane());
  await Promise.all(lanes);
  return results;
}
