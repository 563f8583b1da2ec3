/** createTables' bounded concurrency (local/resources.ts `mapBounded`): order kept, bound held, errors passed on. */
import { mapBounded } from '../../../local/resources';

const tick = () => new Promise((resolve) => setImmediate(resolve));

it('returns the results in the order of the items, whatever order they finish in', async () => {
  const results = await mapBounded([5, 1, 3, 0, 2], 2, async (n) => {
    for (let i = 0; i < n; i++) await tick();
    return n * 10;
  });
  expect(results).toEqual([50, 10, 30, 0, 20]);
});

it('never has more than `limit` calls in flight, and uses all of them', async () => {
  let inFlight = 0;
  let most = 0;
  await mapBounded([...Array(12).keys()], 4, async () => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await tick();
    await tick();
    inFlight -= 1;
  });
  expect(most).toBe(4);
});

it('rejects with the first error', async () => {
  await expect(
    mapBounded([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('table 2 failed');
      return n;
    }),
  ).rejects.toThrow('table 2 failed');
});

it('handles no items', async () => {
  await expect(mapBounded([], 4, async () => 1)).resolves.toEqual([]);
});
