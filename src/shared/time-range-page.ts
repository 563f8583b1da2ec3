/**
 * The query parameters of a time-ordered trail read a page at a time (the platform audit trail,
 * the admin audit trail): inclusive `from`/`to` instants, a page size and a cursor, with the check
 * that `from` is not after `to`. Each trail adds its own filters beside them. The parameters are
 * built on first use: the review listing imports this module for its check alone (ADR 0022, twelfth
 * round).
 */
import * as z from './zod';
import { lazy } from './lazy';
import { pageSizeParameter } from './page-size';

const isoTime = /* @__PURE__ */ lazy(() => z.iso.datetime({ offset: true }));

/**
 * An instant with any offset, as the UTC ISO string entries are stored under (so bounds compare
 * as instants). An offset that pushes it outside years 0000-9999 is clamped: every entry lies inside.
 */
const instant = /* @__PURE__ */ lazy(() =>
  z.pipe(
    isoTime(),
    z.transform((value) => {
      const utc = new Date(value).toISOString();
      if (/^\d{4}-/.test(utc)) return utc;
      return utc.startsWith('-') ? '0000-01-01T00:00:00.000Z' : '9999-12-31T23:59:59.999Z';
    }),
  ),
);

export const timeRangePageParameters = /* @__PURE__ */ lazy(() => ({
  from: z.optional(instant()).check(z.describe('At or after this instant (ISO date-time with offset).')),
  to: z.optional(instant()).check(z.describe('At or before this instant (ISO date-time with offset).')),
  limit: z
    .optional(pageSizeParameter(100))
    .check(
      z.describe(
        'Page size, 1-100 (default 25). A page may hold fewer when filters skip entries: follow nextCursor.',
      ),
    ),
  cursor: z
    .optional(z.string().check(z.maxLength(2048)))
    .check(z.describe('The nextCursor of the previous page.')),
}));

/** The query's check: `from` not after `to` (both named in the 400). */
export function fromNotAfterTo(ctx: {
  value: { from?: string; to?: string };
  issues: z.core.$ZodRawIssue[];
}): void {
  const { from, to } = ctx.value;
  if (from !== undefined && to !== undefined && from > to) {
    ctx.issues.push(
      { code: 'custom', path: ['from'], message: 'must not be after to', input: from },
      { code: 'custom', path: ['to'], message: 'must not be before from', input: to },
    );
  }
}
