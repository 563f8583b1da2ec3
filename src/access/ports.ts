/** What the access use cases need from the outside world. */
import type { StoredKey } from './domain/key-lifecycle';

import type { SigningKeySet } from './domain/signing-key-set';

/** Signing keys from Secrets Manager (or the local mode's secrets). */
export interface KeyRingSource {
  /** Current key first, then the previous one (if any). */
  keyRing(options?: { forceFetch?: boolean }): Promise<readonly string[]>;
  /**
   * The secret as a signing key set (issue 9), when the source holds one: review-link tokens then
   * name their key. A forced fetch is made at most once a second, whoever asks.
   */
  keySet?(options?: { forceFetch?: boolean }): Promise<SigningKeySet>;
}

/** Whose keys: a supplier's, or the operators' (one list for all ops keys). */
export type KeyOwner = { readonly kind: 'supplier'; readonly supplierId: string } | { readonly kind: 'ops' };

/** A key to add: the hash only, never the key. */
export interface NewStoredKey {
  readonly keyId: string;
  readonly keyHash: string;
  readonly label?: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
  /** A supplier's usage identifier key (ADR 0036), copied onto every key it owns. */
  readonly usageKey?: string;
}

/**
 * An owner's API keys (Tenants table). Changes are optimistic: each names the key list's version
 * it decided on, and answers `conflict` when another change came first (the caller reads again),
 * so two concurrent creations can never make a third active key.
 */
export interface ApiKeyStore {
  /** The keys, the list's version, and the supplier's usage key (ADR 0036) when its keys carry one. */
  listKeys(owner: KeyOwner): Promise<{ keys: StoredKey[]; version: number; usageKey?: string }>;
  addKey(owner: KeyOwner, key: NewStoredKey, expectedVersion: number): Promise<'ok' | 'conflict'>;
  /** Revokes the key (the authorizer's record and the list's); `conflict` as above. */
  revokeKey(
    owner: KeyOwner,
    keyId: string,
    revokedAt: string,
    expectedVersion: number,
  ): Promise<'ok' | 'conflict'>;
}

/** The authorizer's cheap last-use write: one conditional update, skipped when recent. */
export interface KeyUseRecorder {
  /** Sets lastUsedAt = `at` unless it is already later than `threshold`; never throws for that. */
  recordUse(owner: KeyOwner, keyId: string, at: string, threshold: string): Promise<void>;
}

/**
 * Where usage identifier keys must exist before the authorizer may return them (ADR 0036): API
 * Gateway's API keys, attached to the `suppliers` usage plan in every region. `register` is
 * idempotent: a key that is already there (and attached) is left as it is.
 */
export interface UsageKeyRegistry {
  register(input: { readonly supplierId: string; readonly usageKey: string }): Promise<void>;
}

/** A supplier's usage identifier key as the backfill finds it (ADR 0036). */
export type UsageKeyReservation =
  /** On its profile already: registered by whoever put it there. */
  | { readonly state: 'assigned'; readonly usageKey: string }
  /** Reserved on its profile (by this run or an earlier one), not yet registered or assigned. */
  | { readonly state: 'reserved'; readonly usageKey: string };

/**
 * The Tenants table as the usage key backfill sees it (ADR 0036): suppliers whose profile or
 * active keys lack a usage identifier key, a key reserved on the profile before it is registered
 * (so a re-run registers the same value), and its assignment to the profile, the key list and
 * every active key's authorizer item at once.
 */
export interface UsageKeyBackfillStore {
  /** Suppliers whose profile has no usage key, or with an active key whose item has none. */
  suppliersWithoutUsageKey(): Promise<readonly string[]>;
  /** The profile's key, else its reserved one, else `candidate` reserved; undefined: no profile. */
  reserveUsageKey(supplierId: string, candidate: string): Promise<UsageKeyReservation | undefined>;
  /**
   * Puts `usageKey` on the profile, the key list and each active key's item lacking it, in one
   * transaction; `changed`: the profile holds another key now (a concurrent create-supplier).
   */
  assignUsageKey(supplierId: string, usageKey: string): Promise<{ keys: number } | 'changed'>;
}
