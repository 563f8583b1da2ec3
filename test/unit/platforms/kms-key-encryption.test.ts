/**
 * The KMS adapter (aws-sdk-client-mock: KMS has no local emulator): GenerateDataKey AES_256 and
 * Decrypt carry the token's encryption context and pin the key; a sealed token round-trips
 * through TokenSafe; KMS refusing (a wrong context) surfaces as an error.
 */
import {
  DecryptCommand,
  GenerateDataKeyCommand,
  InvalidCiphertextException,
  KMSClient,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { KmsKeyEncryption } from '#src/platforms/adapters/kms-key-encryption';
import { tokenContext } from '#src/platforms/domain/envelope';
import { TokenSafe } from '#src/platforms/use-cases/token-safe';
import type { TokenVault } from '#src/platforms/oauth-ports';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd';
const kms = mockClient(KMSClient);
const context = tokenContext({
  supplierId: 'sup_1',
  connectionId: 'con_1',
  platform: 'google',
  purpose: 'oauth-refresh-token',
});

beforeEach(() => kms.reset());

it('generates a data key under the context, and decrypts it only with the same context and key', async () => {
  const plaintext = new Uint8Array(32).fill(7);
  const blob = new Uint8Array([1, 2, 3]);
  kms
    .on(GenerateDataKeyCommand)
    .resolves({ Plaintext: plaintext.slice(), CiphertextBlob: blob, KeyId: KEY_ARN });
  // KMS refuses any other context (the more specific matcher is registered last, so it wins).
  kms
    .on(DecryptCommand)
    .rejects(new InvalidCiphertextException({ message: 'context mismatch', $metadata: {} }));
  kms
    .on(DecryptCommand, { EncryptionContext: { ...context }, KeyId: KEY_ARN })
    .callsFake(() => ({ Plaintext: plaintext.slice(), KeyId: KEY_ARN }));

  const safe = new TokenSafe(
    new KmsKeyEncryption(new KMSClient({ region: 'eu-west-1' }), KEY_ARN),
    {} as TokenVault,
  );
  const sealed = await safe.seal('1//refresh', context);

  expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toEqual({
    KeyId: KEY_ARN,
    KeySpec: 'AES_256',
    EncryptionContext: context,
  });
  expect(sealed.keyId).toBe(KEY_ARN);
  expect(Buffer.from(sealed.encryptedKey, 'base64')).toEqual(Buffer.from(blob));
  expect(sealed.ciphertext).not.toContain('refresh');

  await expect(safe.open(sealed, context)).resolves.toBe('1//refresh');
  // The stored wrapped key is what KMS is asked to decrypt.
  expect(Buffer.from(kms.commandCalls(DecryptCommand)[0]!.args[0].input.CiphertextBlob!)).toEqual(
    Buffer.from(blob),
  );
  await expect(safe.open(sealed, { ...context, supplierId: 'sup_2' })).rejects.toThrow(/context mismatch/);
});

it('fails clearly when KMS returns no key material', async () => {
  kms.on(GenerateDataKeyCommand).resolves({});
  const keys = new KmsKeyEncryption(new KMSClient({ region: 'eu-west-1' }), KEY_ARN);
  await expect(keys.generateDataKey(context)).rejects.toThrow(/returned no key/);
});
