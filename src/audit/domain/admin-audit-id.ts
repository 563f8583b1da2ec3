/**
 * Admin act ids: `aud_` + the epoch milliseconds (12 hex digits, time-ordered like the platform
 * entries' ids) + 16 hex digits, random, or derived from what the act is about when a retried
 * request must land on the same entry (a revocation retried after a lost answer records one act).
 */
import { createHash, randomBytes } from 'node:crypto';

const timePart = (atMs: number) => Math.floor(atMs).toString(16).padStart(12, '0');

export const newAdminAuditId = (atMs: number): string =>
  `aud_${timePart(atMs)}${randomBytes(8).toString('hex')}`;

/** The same parts and instant always give the same id (with `at` fixed, the same entry). */
export function deterministicAdminAuditId(atMs: number, parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:${part}|`);
  return `aud_${timePart(atMs)}${hash.digest('hex').slice(0, 16)}`;
}
