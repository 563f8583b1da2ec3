/**
 * Data keys from AWS KMS: GenerateDataKey (AES_256) and Decrypt, both under the token's
 * encryption context, so KMS refuses to unwrap a key for another supplier, connection, platform
 * or purpose, and CloudTrail shows whose token was opened.
 */
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { EncryptionContext } from '../domain/envelope';
import type { KeyEncryption } from '../oauth-ports';

export class KmsKeyEncryption implements KeyEncryption {
  constructor(
    private readonly kms: KMSClient,
    /** Key id, ARN or alias of the symmetric token-vault key. */
    private readonly keyId: string,
  ) {}

  async generateDataKey(
    context: EncryptionContext,
  ): Promise<{ plaintextKey: Uint8Array; encryptedKey: Uint8Array; keyId: string }> {
    const result = await this.kms.send(
      new GenerateDataKeyCommand({
        KeyId: this.keyId,
        KeySpec: 'AES_256',
        EncryptionContext: { ...context },
      }),
    );
    if (!result.Plaintext || !result.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    return {
      plaintextKey: result.Plaintext,
      encryptedKey: result.CiphertextBlob,
      keyId: result.KeyId ?? this.keyId,
    };
  }

  async decryptDataKey(encryptedKey: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const result = await this.kms.send(
      new DecryptCommand({
        CiphertextBlob: encryptedKey,
        EncryptionContext: { ...context },
        // Pinning the key: a blob wrapped by any other key is refused rather than decrypted.
        KeyId: this.keyId,
      }),
    );
    if (!result.Plaintext) throw new Error('KMS Decrypt returned no key');
    return result.Plaintext;
  }
}
