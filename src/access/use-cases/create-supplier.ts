import { issueApiKey } from '../domain/api-keys';
import { randomId } from '../../shared/ids';

export interface SupplierKeyStore {
  createSupplierWithKey(input: {
    supplierId: string;
    name: string;
    keyId: string;
    keyHash: string;
    createdAt: string;
  }): Promise<void>;
}

/**
 * Create a supplier (or add a key to an existing one) and issue an API key.
 * The key is returned once; only its hash is stored.
 */
export async function createSupplierWithKey(
  store: SupplierKeyStore,
  input: { name: string; supplierId?: string },
  now = new Date(),
): Promise<{ supplierId: string; keyId: string; apiKey: string }> {
  const supplierId = input.supplierId ?? randomId('sup');
  const key = issueApiKey();
  await store.createSupplierWithKey({
    supplierId,
    name: input.name,
    keyId: key.keyId,
    keyHash: key.keyHash,
    createdAt: now.toISOString(),
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
