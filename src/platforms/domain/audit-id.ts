/** Audit entry ids: time-ordered (sortable by creation) and unique, so no two entries collide. */
import { randomBytes } from 'node:crypto';

/** `aud_` + the epoch milliseconds (12 hex digits, sortable until the year 10889) + 64 random bits. */
export const newAuditId = (nowMs: number): string =>
  `aud_${Math.floor(nowMs).toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
