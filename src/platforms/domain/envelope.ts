/**
 * Envelope encryption of one secret (a refresh token, a Facebook Page token) with a data key:
 * AES-256-GCM, the encryption context as additional authenticated data, so a sealed token copied
 * to another connection, supplier or purpose does not open. The data key itself is wrapped by the
 * KeyEncryption port (KMS in AWS, a local key file in the local mode) under the same context.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ConnectedPlatform } from './platform';

export type SealedPurpose = 'oauth-refresh-token' | 'page-access-token';

/** Non-secret (it appears in CloudTrail), exact and case-sensitive: KMS binds the ciphertext to it. */
export type EncryptionContext = Readonly<Record<string, string>>;

export function tokenContext(input: {
  supplierId: string;
  connectionId: string;
  platform: ConnectedPlatform;
  purpose: SealedPurpose;
  /** Per-page tokens name their page. */
  locationId?: string;
}): EncryptionContext {
  return {
    supplierId: input.supplierId,
    connectionId: input.connectionId,
    platform: input.platform,
    purpose: input.purpose,
    ...(input.locationId ? { locationId: input.locationId } : {}),
  };
}

/** The context in one canonical byte string (sorted keys), for AES-GCM's AAD. */
export const canonicalContext = (context: EncryptionContext): Buffer =>
  Buffer.from(
    JSON.stringify(
      Object.keys(context)
        .sort()
        .map((key) => [key, context[key]]),
    ),
  );

/** What is stored: never the plaintext, never the plaintext data key. */
export interface SealedSecret {
  /** base64 of the wrapped data key (KMS CiphertextBlob, or the local key file's wrapping). */
  readonly encryptedKey: string;
  /** Which key wrapped it (KMS key ARN, or `local:<file>`), for operators. */
  readonly keyId: string;
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

export function sealWithDataKey(
  plaintext: string,
  dataKey: Uint8Array,
  context: EncryptionContext,
): Pick<SealedSecret, 'iv' | 'tag' | 'ciphertext'> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(canonicalContext(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Throws when the ciphertext, its tag or the context do not match. */
export function openWithDataKey(
  sealed: Pick<SealedSecret, 'iv' | 'tag' | 'ciphertext'>,
  dataKey: Uint8Array,
  context: EncryptionContext,
): string {
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(canonicalContext(context));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([
    decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
    decipher.final(),
  ]).toString('utf8');
}
