/**
 * Tokens at rest: each is sealed with a fresh data key (envelope encryption) under a context that
 * names its supplier, connection, platform and purpose, and only the sealed form is stored.
 */
import type { Connection } from '../domain/connection';
import {
  openWithDataKey,
  sealWithDataKey,
  tokenContext,
  type EncryptionContext,
  type SealedSecret,
} from '../domain/envelope';
import type { KeyEncryption, TokenSlot, TokenVault } from '../oauth-ports';

export function slotContext(connection: Connection, slot: TokenSlot): EncryptionContext {
  const base = {
    supplierId: connection.supplierId,
    connectionId: connection.connectionId,
    platform: connection.platform,
  };
  return slot === 'refresh'
    ? tokenContext({ ...base, purpose: 'oauth-refresh-token' })
    : tokenContext({ ...base, purpose: 'page-access-token', locationId: slot.slice('page#'.length) });
}

export class TokenSafe {
  constructor(
    private readonly keys: KeyEncryption,
    private readonly vault: TokenVault,
  ) {}

  async seal(secret: string, context: EncryptionContext): Promise<SealedSecret> {
    const { plaintextKey, encryptedKey, keyId } = await this.keys.generateDataKey(context);
    try {
      return {
        ...sealWithDataKey(secret, plaintextKey, context),
        encryptedKey: Buffer.from(encryptedKey).toString('base64'),
        keyId,
      };
    } finally {
      // Erase the plaintext data key as soon as it has done its job (KMS guidance).
      plaintextKey.fill(0);
    }
  }

  async open(sealed: SealedSecret, context: EncryptionContext): Promise<string> {
    const dataKey = await this.keys.decryptDataKey(Buffer.from(sealed.encryptedKey, 'base64'), context);
    try {
      return openWithDataKey(sealed, dataKey, context);
    } finally {
      dataKey.fill(0);
    }
  }

  async read(
    connection: Connection,
    slot: TokenSlot,
  ): Promise<{ token: string; version: number } | undefined> {
    const stored = await this.vault.load(connection.connectionId, slot);
    if (!stored) return undefined;
    return { token: await this.open(stored.sealed, slotContext(connection, slot)), version: stored.version };
  }

  /** Seals and stores if the slot is still at `expectedVersion` (0: new); false if it moved on. */
  async write(
    connection: Connection,
    slot: TokenSlot,
    token: string,
    expectedVersion: number,
  ): Promise<boolean> {
    const sealed = await this.seal(token, slotContext(connection, slot));
    return this.vault.save(connection.connectionId, slot, sealed, expectedVersion);
  }

  erase(connectionId: string): Promise<number> {
    return this.vault.erase(connectionId);
  }
}
