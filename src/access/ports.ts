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
