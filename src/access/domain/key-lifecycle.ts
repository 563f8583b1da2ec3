/**
 * The API-key lifecycle rules (issue 9), pure: how many keys an owner may hold, when a key has
 * expired, which key may be revoked, and how often the authorizer records a key's last use.
 *
 * Rotation without downtime is: create a second key, switch the caller to it, revoke the first.
 * Hence two active keys at most (one in use, one being rolled in), and never zero: revoking the
 * last active key of a supplier would lock it out of the API for good (only ops could help), so
 * it is refused; create the replacement first.
 */

/** At most this many usable keys per owner at once: enough to rotate without downtime. */
export const MAX_ACTIVE_KEYS = 2;

/** `expiresInDays` bounds: at least a day, at most a year. Without it a key does not expire. */
export const MIN_EXPIRES_IN_DAYS = 1;
export const MAX_EXPIRES_IN_DAYS = 365;

/** The authorizer records a key's last use at most once per key per this many seconds. */
export const LAST_USE_INTERVAL_SECONDS = 300;

const DAY_MS = 86_400_000;

/** A key as the owner's key list holds it (never its hash, never the key itself). */
export interface StoredKey {
  readonly keyId: string;
  readonly label?: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
  /** What was set on the key; `expired` is derived from `expiresAt` and the time. */
  readonly status: 'active' | 'revoked';
}

export type KeyStatus = 'active' | 'expired' | 'revoked';

export interface KeyView extends Omit<StoredKey, 'status'> {
  readonly status: KeyStatus;
}

export function isExpired(expiresAt: string | undefined, now: Date): boolean {
  return expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();
}

export function keyStatus(key: StoredKey, now: Date): KeyStatus {
  if (key.status === 'revoked') return 'revoked';
  return isExpired(key.expiresAt, now) ? 'expired' : 'active';
}

/** Usable now: not revoked, not expired. */
export const isUsable = (key: StoredKey, now: Date): boolean => keyStatus(key, now) === 'active';

export function keyView(key: StoredKey, now: Date): KeyView {
  return { ...key, status: keyStatus(key, now) };
}

/** The expiry of a key created at `createdAt` that lives `expiresInDays` days (none without it). */
export function expiryOf(createdAt: Date, expiresInDays: number | undefined): string | undefined {
  if (expiresInDays === undefined) return undefined;
  if (
    !Number.isInteger(expiresInDays) ||
    expiresInDays < MIN_EXPIRES_IN_DAYS ||
    expiresInDays > MAX_EXPIRES_IN_DAYS
  ) {
    throw new RangeError(`expiresInDays must be ${MIN_EXPIRES_IN_DAYS}-${MAX_EXPIRES_IN_DAYS}`);
  }
  return new Date(createdAt.getTime() + expiresInDays * DAY_MS).toISOString();
}

export type CreateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'too-many-active-keys'; readonly active: readonly string[] };

/** A new key is allowed while fewer than MAX_ACTIVE_KEYS are usable (expired and revoked do not count). */
export function canCreateKey(keys: readonly StoredKey[], now: Date): CreateDecision {
  const active = keys.filter((key) => isUsable(key, now)).map((key) => key.keyId);
  return active.length < MAX_ACTIVE_KEYS
    ? { allowed: true }
    : { allowed: false, reason: 'too-many-active-keys', active };
}

export type RevokeDecision =
  | { readonly allowed: true; readonly key: StoredKey }
  | { readonly allowed: false; readonly reason: 'not-found' }
  | { readonly allowed: false; readonly reason: 'already-revoked'; readonly key: StoredKey }
  | { readonly allowed: false; readonly reason: 'last-active-key'; readonly key: StoredKey };

/**
 * Whether `keyId` may be revoked. An expired key may always be revoked (it is unusable anyway);
 * a usable key only when another usable key remains, unless `allowLast` (operators' keys: the CLI
 * can always issue a new one, and a departed operator's key must never be kept alive).
 */
export function canRevokeKey(
  keys: readonly StoredKey[],
  keyId: string,
  now: Date,
  options: { allowLast?: boolean } = {},
): RevokeDecision {
  const key = keys.find((candidate) => candidate.keyId === keyId);
  if (!key) return { allowed: false, reason: 'not-found' };
  if (key.status === 'revoked') return { allowed: false, reason: 'already-revoked', key };
  if (!isUsable(key, now) || options.allowLast) return { allowed: true, key };
  const othersUsable = keys.some((other) => other.keyId !== keyId && isUsable(other, now));
  return othersUsable ? { allowed: true, key } : { allowed: false, reason: 'last-active-key', key };
}

/** The store may skip recording a use when the last one recorded is younger than this instant. */
export const lastUseThreshold = (now: Date): string =>
  new Date(now.getTime() - LAST_USE_INTERVAL_SECONDS * 1000).toISOString();

/**
 * The authorizer container's side of last-use throttling: a key whose use this container recorded
 * less than LAST_USE_INTERVAL_SECONDS ago is not written again (no table call at all); the store's
 * conditional update covers the other containers. Bounded: the oldest entries go first.
 */
export class LastUseThrottle {
  private readonly recorded = new Map<string, number>();

  constructor(
    private readonly intervalMs = LAST_USE_INTERVAL_SECONDS * 1000,
    private readonly maxEntries = 10_000,
  ) {}

  /** True when a use of `keyId` at `nowMs` should be written (and remembers that it was). */
  shouldRecord(keyId: string, nowMs: number): boolean {
    const last = this.recorded.get(keyId);
    if (last !== undefined && nowMs - last < this.intervalMs) return false;
    this.recorded.delete(keyId);
    if (this.recorded.size >= this.maxEntries) {
      this.recorded.delete(this.recorded.keys().next().value as string);
    }
    this.recorded.set(keyId, nowMs);
    return true;
  }
}
