/**
 * The API-key lifecycle (issue 9): create, list, revoke, for a supplier (HTTP API) or for the
 * operators (CLI). The rules are in domain/key-lifecycle.ts; these use cases read the owner's
 * key list, decide, and write conditionally on the list not having changed meanwhile.
 */
import { ProblemError } from '../../shared/problem';
import { issueApiKey } from '../domain/api-keys';
import {
  canCreateKey,
  canRevokeKey,
  expiryOf,
  keyView,
  MAX_ACTIVE_KEYS,
  type KeyView,
  type StoredKey,
} from '../domain/key-lifecycle';
import type { ApiKeyStore, KeyOwner } from '../ports';

/** Attempts when another change to the same key list lands between our read and our write. */
const OPTIMISTIC_ATTEMPTS = 3;

export interface ApiKeyDeps {
  readonly apiKeys: ApiKeyStore;
  readonly now: () => Date;
}

export interface CreatedApiKey extends KeyView {
  /** The key itself: shown once, never stored. */
  readonly apiKey: string;
}

const conflictRetry = () =>
  new ProblemError('conflict', 'the key list changed while this request ran; retry', undefined, {
    'retry-after': '1',
  });

/**
 * Create a key.
 * 1. Read the owner's keys (and the list's version).
 * 2. Refuse (409) when MAX_ACTIVE_KEYS are usable; for ops keys, counted per operator label.
 * 3. Issue the key, store only its hash, conditional on the version read in 1 (else back to 1).
 * 4. Return the key once.
 */
export async function createApiKey(
  owner: KeyOwner,
  input: { label?: string; expiresInDays?: number },
  deps: ApiKeyDeps,
): Promise<CreatedApiKey> {
  for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt += 1) {
    const now = deps.now();
    const { keys, version, usageKey } = await deps.apiKeys.listKeys(owner);
    const counted = owner.kind === 'ops' ? keys.filter((key) => key.label === input.label) : keys;
    const decision = canCreateKey(counted, now);
    if (!decision.allowed) {
      throw new ProblemError(
        'conflict',
        `at most ${MAX_ACTIVE_KEYS} active keys${owner.kind === 'ops' ? ' per operator' : ''}: ` +
          `revoke one of ${decision.active.join(', ')} first`,
      );
    }
    const issued = issueApiKey();
    const createdAt = now.toISOString();
    const expiresAt = expiryOf(now, input.expiresInDays);
    const stored: StoredKey = {
      keyId: issued.keyId,
      ...(input.label !== undefined ? { label: input.label } : {}),
      createdAt,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      status: 'active',
    };
    // A supplier's new key is metered with its others: the same usage key (ADR 0036).
    const outcome = await deps.apiKeys.addKey(
      owner,
      { ...stored, keyHash: issued.keyHash, ...(usageKey !== undefined ? { usageKey } : {}) },
      version,
    );
    if (outcome === 'ok') return { ...keyView(stored, now), apiKey: issued.apiKey };
  }
  throw conflictRetry();
}

/** The owner's keys, newest first, with their status now (never a hash). */
export async function listApiKeys(owner: KeyOwner, deps: ApiKeyDeps): Promise<KeyView[]> {
  const now = deps.now();
  const { keys } = await deps.apiKeys.listKeys(owner);
  return keys
    .map((key) => keyView(key, now))
    .sort((a, b) => (a.createdAt === b.createdAt ? 0 : a.createdAt < b.createdAt ? 1 : -1));
}

/**
 * Revoke a key.
 * 1. Read the owner's keys; an unknown key is a 404 (another owner's key is unknown too).
 * 2. A key already revoked: nothing to do, `changed: false` (revoking twice is harmless).
 * 3. A supplier's last usable key: 409 (create the replacement first). Operators may revoke their last.
 * 4. Revoke, conditional on the version read in 1 (else back to 1).
 */
export async function revokeApiKey(
  owner: KeyOwner,
  keyId: string,
  deps: ApiKeyDeps,
): Promise<{ key: KeyView; changed: boolean }> {
  for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt += 1) {
    const now = deps.now();
    const { keys, version } = await deps.apiKeys.listKeys(owner);
    const decision = canRevokeKey(keys, keyId, now, { allowLast: owner.kind === 'ops' });
    if (!decision.allowed) {
      if (decision.reason === 'not-found') throw new ProblemError('not-found', 'no such API key');
      if (decision.reason === 'already-revoked') return { key: keyView(decision.key, now), changed: false };
      throw new ProblemError(
        'conflict',
        'this is your last active API key: create its replacement (POST /v1/api-keys) before revoking it',
      );
    }
    const revokedAt = now.toISOString();
    if ((await deps.apiKeys.revokeKey(owner, keyId, revokedAt, version)) === 'ok') {
      return { key: keyView({ ...decision.key, status: 'revoked', revokedAt }, now), changed: true };
    }
  }
  throw conflictRetry();
}
