/**
 * A data subject (the person a request is about) is named by an e-mail address, and stored only as
 * a salted SHA-256 of the normalised address: the lookup key on review requests, the tombstone's
 * key and (a prefix of it) the target of audit entries. The e-mail address itself never goes into
 * the audit trail, a queue message or a log line.
 */
import { createHash } from 'node:crypto';

/**
 * Domain separation for the hash, so that it matches no other SHA-256 of e-mail addresses (a
 * marketing list's, say). It is not a secret: see docs/privacy.md for why that is enough here and
 * what a keyed hash would add.
 */
const SUBJECT_SALT = 'wedsync/privacy-subject/v1';

/** Longest address we accept (RFC 5321's path limit), as the review-request schema does. */
export const MAX_EMAIL_LENGTH = 254;

/**
 * The one form an address is compared in: trimmed, Unicode NFC, lower case. Lower-casing the local
 * part is what every mail provider we meet does in practice; provider rules beyond that (Gmail's
 * dots, `+tags`) are not applied, since they would merge different people on other providers.
 * Returns undefined when the text is not an address (one `@`, something either side, no spaces).
 */
export function normaliseEmail(raw: string): string | undefined {
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return undefined;
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@') || at === email.length - 1) return undefined;
  if (/\s/.test(email)) return undefined;
  return email;
}

/** The subject hash (64 hex digits) of an address; throws on text that is not an address. */
export function subjectHash(email: string): string {
  const normalised = normaliseEmail(email);
  if (normalised === undefined) throw new Error('not an e-mail address');
  return createHash('sha256').update(`${SUBJECT_SALT}\u0000${normalised}`).digest('hex');
}

/** What audit entries and logs name a subject by: a prefix of its hash, never the address. */
export const subjectRef = (hash: string): string => `subject:${hash.slice(0, 16)}`;

/** The erasure of a subject has one id, derived from its hash (erasing twice is the same erasure). */
export const erasureIdFor = (hash: string): string => `era_${hash.slice(0, 26)}`;

export const SUBJECT_HASH_PATTERN = /^[0-9a-f]{64}$/;
