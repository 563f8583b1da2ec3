/**
 * The local mode's stand-in for KMS behind the same port: a 256-bit master key in a file under
 * .local/ (created on first use, readable by the owner only) wraps each data key with AES-256-GCM,
 * the encryption context as additional authenticated data, as KMS binds it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { canonicalContext, type EncryptionContext } from '../domain/envelope';
import type { KeyEncryption } from '../oauth-ports';

export const DEFAULT_LOCAL_KEY_FILE = '.local/token-vault.key';

export class LocalKeyEncryption implements KeyEncryption {
  private masterKey: Buffer | undefined;
  private readonly file: string;

  constructor(file = DEFAULT_LOCAL_KEY_FILE) {
    this.file = resolve(file);
  }

  async generateDataKey(
    context: EncryptionContext,
  ): Promise<{ plaintextKey: Uint8Array; encryptedKey: Uint8Array; keyId: string }> {
    const plaintextKey = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(), iv);
    cipher.setAAD(canonicalContext(context));
    const wrapped = Buffer.concat([cipher.update(plaintextKey), cipher.final()]);
    // iv (12) | tag (16) | wrapped key (32)
    return {
      plaintextKey,
      encryptedKey: Buffer.concat([iv, cipher.getAuthTag(), wrapped]),
      keyId: `local:${this.file}`,
    };
  }

  async decryptDataKey(encryptedKey: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const blob = Buffer.from(encryptedKey);
    if (blob.length !== 60) throw new Error('not a data key wrapped by the local key file');
    const decipher = createDecipheriv('aes-256-gcm', this.key(), blob.subarray(0, 12));
    decipher.setAAD(canonicalContext(context));
    decipher.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
  }

  /** Reads the key file, creating it first if there is none (exclusive create: two processes agree). */
  private key(): Buffer {
    if (this.masterKey) return this.masterKey;
    mkdirSync(dirname(this.file), { recursive: true });
    // Written whole to a temporary file, then linked into place (atomic, fails if it exists), so a
    // concurrent process never reads a half-written key and both end up with the same one.
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temporary, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
    try {
      linkSync(temporary, this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temporary);
    }
    const key = Buffer.from(readFileSync(this.file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${this.file} does not hold a 256-bit base64 key`);
    this.masterKey = key;
    return key;
  }
}
