/** Whole numbers in a query string (zod): the `limit` of the list routes, and the like. */
import * as z from './zod';

/**
 * A whole number from 1 to `max` given as a query string of one to three digits; anything else is
 * answered with `message`. Each route wraps it in `z.optional` with its own description (which
 * names its default).
 */
export const wholeNumberParameter = (max: number, message = 'a whole number') =>
  z.pipe(
    z.pipe(z.string().check(z.regex(/^\d{1,3}$/, message)), z.transform(Number)),
    z.number().check(z.int(), z.gte(1), z.lte(max)),
  );

/** A list route's page size, 1 to `max`. */
export const pageSizeParameter = (max: number) => wholeNumberParameter(max);
