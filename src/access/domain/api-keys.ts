/**
 * Supplier API keys: `wsk_<keyId>_<secret>`. Only the SHA-256 of the whole key is stored; the
 * key id (not secret) lets logs and audit records name a key without revealing it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { randomId } from '../../shared/ids';

export const API_KEY_PREFIX = 'wsk_';

export interface IssuedApiKey {
  readonly apiKey: string;
  readonly keyId: string;
  readonly keyHash: string;
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export function issueApiKey(): IssuedApiKey {
  const keyId = randomId('key');
  const apiKey = `${API_KEY_PREFIX}${keyId}_${randomBytes(32).toString('base64url')}`;
  return { apiKey, keyId, keyHash: hashApiKey(apiKey) };
}

/** A syntactic check before any lookup, so junk never reaches the store. */
export function looksLikeApiKey(value: string): boolean {
  return /^wsk_key_[0-9a-z]{26}_[A-Za-z0-9_-]{43}$/.test(value);
}
