/**
 * The bench's placeholder environment covers every catalog function: a function whose catalog
 * entry needs a new kind of resource fails here, not halfway through `npm run bench`.
 */
import { placeholderEnvironment, placeholderQueueUrl } from '../../../bench/placeholder-env';
import { FUNCTIONS } from '../../../src/catalog/functions';

it.each(FUNCTIONS.map((fn) => [fn.id, fn] as const))('%s gets every variable it names', (_id, fn) => {
  const env = placeholderEnvironment(fn, placeholderQueueUrl('eu-west-1'));
  expect(Object.values(env).every((value) => typeof value === 'string' && value !== '')).toBe(true);
});
