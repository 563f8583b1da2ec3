/**
 * KMS keys, defined once: the data stack creates each as a multi-region key (with a replica in
 * every service region, since the tables it protects are global), functions find it through
 * `envVar` and get exactly the actions listed for it. The local mode names a key file instead
 * (`local:<path>`), read by the local adapter behind the same port.
 */
export type KeyId = 'TokenVault';

export interface KeyDefinition {
  readonly id: KeyId;
  readonly envVar: string;
  readonly description: string;
  /** What a function granted the key may do with it (nothing else, and only with an encryption context). */
  readonly actions: readonly string[];
}

export const KEYS: readonly KeyDefinition[] = [
  {
    id: 'TokenVault',
    envVar: 'KMS_KEY_TOKEN_VAULT',
    description:
      'Wraps the data keys that encrypt platform refresh tokens and Page tokens (envelope encryption, ' +
      'encryption context {supplierId, connectionId, platform, purpose}).',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
  },
];

export function keyDefinition(id: KeyId): KeyDefinition {
  const key = KEYS.find((k) => k.id === id);
  if (!key) throw new Error(`unknown key ${id}`);
  return key;
}
