/** The `limit` query parameter of the list routes (zod). */
import * as z from './zod';

/**
 * A page size given as a query string: one to three digits, read as a whole number from 1 to
 * `max`. Each route adds `.optional()` and its own description (which names its default).
 */
export const pageSizeParameter = (max: number) =>
  z.pipe(
    z.pipe(z.string().check(z.regex(/^\d{1,3}$/, 'a whole number')), z.transform(Number)),
    z.number().check(z.int(), z.gte(1), z.lte(max)),
  );
