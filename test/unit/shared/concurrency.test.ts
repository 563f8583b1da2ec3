import { mapWithConcurrency } from '../../../src/shared/concurrency';

/** A call whose end the test decides. */
interface Call {
  readonly item: number;
  readonly resolve: (value: string) => void;
  readonly reject: (error: unknown) => void;
}

/** `fn` that records each call and leaves it in flight until the test ends it. */
function controlled() {
  const calls: Call[] = [];
  let inFlight = 0;
  let most = 0;
  const fn = (item: number) =>
    new Promise<string>((resolve, reject) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      const end =
        <A>(settle: (a: A) => void) =>
        (a: A) => {
          inFlight -= 1;
          settle(a);
        };
      calls.push({ item, resolve: end(resolve), reject: end(reject) });
    });
  return { calls, fn, started: () => calls.map((c) => c.item), most: () => most };
}

/** Lets every queued promise reaction run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight, starts items in order and returns the results in order', async () => {
    const { calls, fn, started, most } = controlled();
    const mapped = mapWithConcurrency([1, 2, 3, 4, 5], 2, fn);

    // The first two start at once, synchronously.
    expect(started()).toEqual([1, 2]);
    calls[1]!.resolve('two');
    await settle();
    expect(started()).toEqual([1, 2, 3]);
    calls[2]!.resolve('three');
    calls[0]!.resolve('one');
    await settle();
    expect(started()).toEqual([1, 2, 3, 4, 5]);
    calls[4]!.resolve('five');
    calls[3]!.resolve('four');

    await expect(mapped).resolves.toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(most()).toBe(2);
  });

  it('runs everything at once when the limit exceeds the items, and nothing for no items', async () => {
    const { calls, fn, started } = controlled();
    const mapped = mapWithConcurrency([1, 2, 3], 64, fn);
    expect(started()).toEqual([1, 2, 3]);
    calls.forEach((call) => call.resolve(String(call.item)));
    await expect(mapped).resolves.toEqual(['1', '2', '3']);

    await expect(mapWithConcurrency([], 4, fn)).resolves.toEqual([]);
    expect(calls).toHaveLength(3);
  });

  it('passes each item its index', async () => {
    await expect(mapWithConcurrency(['a', 'b', 'c'], 2, async (item, i) => `${item}${i}`)).resolves.toEqual([
      'a0',
      'b1',
      'c2',
    ]);
  });

  it('stops at the first failure: rejects with it at once and starts no other item', async () => {
    const { calls, fn, started } = controlled();
    const mapped = mapWithConcurrency([1, 2, 3, 4, 5], 2, fn);
    const outcome = mapped.then(
      () => 'resolved',
      (error: unknown) => error,
    );

    const first = new Error('first');
    calls[1]!.reject(first);
    await settle();
    // Rejected while item 1 is still in flight, and item 3 never started.
    await expect(Promise.race([outcome, settle().then(() => 'pending')])).resolves.toBe(first);
    // Item 1 ends well after the failure: its lane takes no other item.
    calls[0]!.resolve('one');
    await settle();
    expect(started()).toEqual([1, 2]);
    await expect(mapped).rejects.toBe(first);
  });

  it('stops at a function that throws synchronously', async () => {
    const seen: number[] = [];
    const mapped = mapWithConcurrency([1, 2, 3], 1, (item) => {
      seen.push(item);
      if (item === 2) throw new Error('sync');
      return Promise.resolve(item);
    });
    await expect(mapped).rejects.toThrow('sync');
    expect(seen).toEqual([1, 2]);
  });

  it('reads an async iterable one item at a time, only when a lane is free', async () => {
    const { calls, fn, started } = controlled();
    const asked: number[] = [];
    let reading = 0;
    let overlapping = false;
    // Not a generator (a generator queues its requests itself): an iterator that answers late.
    let item = 0;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          reading += 1;
          overlapping ||= reading > 1;
          item += 1;
          asked.push(item);
          await settle();
          reading -= 1;
          return item <= 4 ? { done: false, value: item } : { done: true, value: undefined };
        },
      }),
    };
    const mapped = mapWithConcurrency(source, 2, fn);

    await settle();
    await settle();
    await settle();
    expect(started()).toEqual([1, 2]);
    expect(asked).toEqual([1, 2]); // both lanes busy: item 3 is not read yet
    calls[0]!.resolve('a');
    await settle();
    await settle();
    expect(started()).toEqual([1, 2, 3]);
    expect(asked).toEqual([1, 2, 3]);
    calls[1]!.resolve('b');
    calls[2]!.resolve('c');
    await settle();
    await settle();
    await settle();
    calls[3]!.resolve('d');

    await expect(mapped).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(overlapping).toBe(false);
  });

  it('closes an async iterable when a failure stops the loop', async () => {
    let closed = false;
    let yielded = 0;
    async function* source() {
      try {
        for (let item = 1; item <= 100; item += 1) {
          yielded += 1;
          yield item;
        }
      } finally {
        closed = true;
      }
    }
    const mapped = mapWithConcurrency(source(), 3, async (item) => {
      if (item === 2) throw new Error('refused');
      return item;
    });

    await expect(mapped).rejects.toThrow('refused');
    expect(closed).toBe(true);
    expect(yielded).toBeLessThan(10);
  });

  it('rejects with what the async iterable throws', async () => {
    async function* source() {
      yield 1;
      throw new Error('unreadable');
    }
    await expect(mapWithConcurrency(source(), 2, async (item) => item)).rejects.toThrow('unreadable');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the limit %p', async (limit) => {
    await expect(mapWithConcurrency([1], limit, async (item) => item)).rejects.toThrow(RangeError);
  });
});
