/**
 * Lambda event filtering, locally: a record reaches the function only when every field the
 * pattern names equals one of the pattern's values (the equality subset of Lambda's filter
 * syntax, which is all the catalog uses: src/catalog/functions.ts `streamFilterPattern`).
 * Lambda drops the other records without invoking the function; so does the local poller.
 */
import type { StreamFilterPattern } from '../src/catalog/functions';

export function matchesFilter(pattern: StreamFilterPattern, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = fields[field];
    if (Array.isArray(expected)) return typeof actual === 'string' && expected.includes(actual);
    return matchesFilter(expected as StreamFilterPattern, actual);
  });
}
