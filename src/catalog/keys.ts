/**
 * KMS keys, defined once (issues 9 and 11). Every key is created in each region's keys stack
 * (`WedSync-Keys-<region>`, lib/stacks/keys-stack.ts), with rotation on and a derived alias
 * (src/catalog/physical-names.ts `keyAliasName`) by which everything else names it.
 *
 * Two kinds:
 * - `application`: used by our functions directly (envelope encryption). Multi-region: the primary
 *   region's keys stack holds the primary, every other region's keys stack a replica (same key
 *   material, so a token sealed in one region opens in another). Functions find it through
 *   `envVar` and get exactly `actions`. The local mode names a key file instead (`local:<path>`).
 * - `store`: encrypts one kind of AWS store at rest (tables, queues, secrets) through its service.
 *   Single-region, one per region: DynamoDB and Secrets Manager re-encrypt each replica with the
 *   replica region's key, so nothing encrypted with one ever leaves its region.
 */
export type ApplicationKeyId = 'TokenVault';
export type StoreKeyId = 'Tables' | 'Queues' | 'Secrets';
export type KeyId = ApplicationKeyId | StoreKeyId;

export interface ApplicationKeyDefinition {
  readonly kind: 'application';
  readonly id: ApplicationKeyId;
  readonly multiRegion: true;
  readonly envVar: string;
  readonly description: string;
  /** What a function granted the key may do with it (nothing else, and only with an encryption context). */
  readonly actions: readonly string[];
}

export interface StoreKeyDefinition {
  readonly kind: 'store';
  readonly id: StoreKeyId;
  readonly multiRegion: false;
  readonly description: string;
  /** The one AWS service that may use the key, for this account's principals (`kms:ViaService`). */
  readonly service: 'dynamodb' | 'sqs' | 'secretsmanager';
}

export type KeyDefinition = ApplicationKeyDefinition | StoreKeyDefinition;

export const KEYS: readonly KeyDefinition[] = [
  {
    kind: 'application',
    id: 'TokenVault',
    multiRegion: true,
    envVar: 'KMS_KEY_TOKEN_VAULT',
    description:
      'Wraps the data keys that encrypt platform refresh tokens and Page tokens (envelope encryption, ' +
      'encryption context {supplierId, connectionId, platform, purpose}).',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
  },
  // Encryption at rest (issue 9)
  {
    kind: 'store',
    id: 'Tables',
    multiRegion: false,
    service: 'dynamodb',
    description:
      "Encrypts this region's replica of every DynamoDB global table (and its streams and backups).",
  },
  {
    kind: 'store',
    id: 'Queues',
    multiRegion: false,
    service: 'sqs',
    description: "Encrypts this region's SQS queues and dead-letter queues.",
  },
  {
    kind: 'store',
    id: 'Secrets',
    multiRegion: false,
    service: 'secretsmanager',
    description: "Encrypts this region's copy (primary or replica) of every Secrets Manager secret.",
  },
];

export const isApplicationKey = (def: KeyDefinition): def is ApplicationKeyDefinition =>
  def.kind === 'application';
export const isStoreKey = (def: KeyDefinition): def is StoreKeyDefinition => def.kind === 'store';

/** The keys our functions use directly (a function's `keys` names these). */
export const APPLICATION_KEYS: readonly ApplicationKeyDefinition[] = KEYS.filter(isApplicationKey);
/** The keys AWS stores are encrypted with at rest. */
export const STORE_KEYS: readonly StoreKeyDefinition[] = KEYS.filter(isStoreKey);

export function keyDefinition(id: ApplicationKeyId): ApplicationKeyDefinition;
export function keyDefinition(id: StoreKeyId): StoreKeyDefinition;
export function keyDefinition(id: KeyId): KeyDefinition;
export function keyDefinition(id: KeyId): KeyDefinition {
  const key = KEYS.find((k) => k.id === id);
  if (!key) throw new Error(`unknown key ${id}`);
  return key;
}
