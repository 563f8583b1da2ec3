/**
 * Opaque list cursors. A cursor carries DynamoDB's LastEvaluatedKey; decoding checks that it
 * belongs to the same query (same index partition), so a forged or foreign cursor is a 400,
 * never a store error and never a peek into another supplier's partition.
 */
import { ProblemError } from './problem';

export type StoreKey = Record<string, string>;

export function encodeCursor(key: StoreKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, mustMatch: StoreKey): StoreKey {
  const invalid = () =>
    new ProblemError('invalid-query', 'cursor is not valid for this query', [
      { path: 'cursor', message: 'not a cursor from this list' },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0 || entries.length > 6 || entries.some(([, v]) => typeof v !== 'string')) {
    throw invalid();
  }
  const key = Object.fromEntries(entries) as StoreKey;
  for (const [name, value] of Object.entries(mustMatch)) {
    if (key[name] !== value) throw invalid();
  }
  return key;
}
