import { issueApiKey } from '../domain/api-keys';
import { randomId } from '../../shared/ids';
import { issueUsageKey } from '../domain/usage-keys';
import type { UsageKeyRegistry } from '../ports';

export interface SupplierKeyStore {
  createSupplierWithKey(input: {
    supplierId: string;
    name: string;
    keyId: string;
    keyHash: string;
    createdAt: string;
    usageKey: string;
  }): Promise<void>;
  /** The supplier's usage identifier key, if it exists and has one (ADR 0036). */
  usageKeyOf(supplierId: string): Promise<string | undefined>;
}

/**
 * The local mode's registry: nothing to create, the local gateway holds every well-formed supplier
 * usage key in the `suppliers` plan (local/gateway.ts). Commands that act on a deployed stage pass
 * the API Gateway registry (src/access/adapters/api-gateway-usage-keys.ts) instead.
 */
export const LOCAL_USAGE_KEYS: UsageKeyRegistry = { register: async () => undefined };

/**
 * Create a supplier (or add a key to an existing one) and issue an API key.
 * 1. Find the supplier's usage identifier key (an existing supplier's), or issue one (ADR 0036).
 * 2. Register it where the usage plans meter it (API Gateway, every region) before anything
 *    refers to it: the authorizer returns it from the first request on.
 * 3. Store the supplier, the key's hash (never the key) and the usage key, atomically.
 * 4. Return the key once.
 */
export async function createSupplierWithKey(
  store: SupplierKeyStore,
  input: { name: string; supplierId?: string },
  now = new Date(),
  usageKeys: UsageKeyRegistry = LOCAL_USAGE_KEYS,
): Promise<{ supplierId: string; keyId: string; apiKey: string }> {
  const supplierId = input.supplierId ?? randomId('sup');
  const usageKey = (input.supplierId ? await store.usageKeyOf(supplierId) : undefined) ?? issueUsageKey();
  await usageKeys.register({ supplierId, usageKey });
  const key = issueApiKey();
  await store.createSupplierWithKey({
    supplierId,
    name: input.name,
    keyId: key.keyId,
    keyHash: key.keyHash,
    createdAt: now.toISOString(),
    usageKey,
  });
  return { supplierId, keyId: key.keyId, apiKey: key.apiKey };
}

/** Issue an operator's API key (for the ops routes); shown once, stored as a hash. */
export async function createOpsKey(
  store: {
    createOpsKey(input: { name: string; keyId: string; keyHash: string; createdAt: string }): Promise<void>;
  },
  name: string,
  now = new Date(),
): Promise<{ keyId: string; apiKey: string }> {
  const key = issueApiKey();
  await store.createOpsKey({ name, keyId: key.keyId, keyHash: key.keyHash, createdAt: now.toISOString() });
  return { keyId: key.keyId, apiKey: key.apiKey };
}
