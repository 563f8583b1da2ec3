/** The `limit` query parameter of the list routes (zod). */
import * as z from 'zod';

/**
 * A page size given as a query string: one to three digits, read as a whole number from 1 to
 * `max`. Each route adds `.optional()` and its own description (which names its default).
 */
export const pageSizeParameter = (max: number) =>
  z
    .string()
    .regex(/^\d{1,3}$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));
