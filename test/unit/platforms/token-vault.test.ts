/**
 * Tokens at rest: envelope encryption with the encryption context as AAD. With the local key-file
 * adapter (the same port as KMS): a sealed token opens only under its own context; the stored form
 * holds no plaintext; the key file is created once (0600) and shared by every instance.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalKeyEncryption } from '#src/platforms/adapters/local-key-encryption';
import { tokenContext } from '#src/platforms/domain/envelope';
import { TokenSafe } from '#src/platforms/use-cases/token-safe';
import type { TokenSlot, TokenVault } from '#src/platforms/oauth-ports';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vault-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const context = tokenContext({
  supplierId: 'sup_1',
  connectionId: 'con_1',
  platform: 'google',
  purpose: 'oauth-refresh-token',
});
const noVault = {} as TokenVault;

it('seals and opens a token; the sealed form holds neither the token nor the data key', async () => {
  const keys = new LocalKeyEncryption(join(dir, 'k', 'vault.key'));
  const safe = new TokenSafe(keys, noVault);
  const sealed = await safe.seal('1//refresh-token-secret', context);
  expect(JSON.stringify(sealed)).not.toContain('refresh-token-secret');
  expect(sealed.keyId).toBe(`local:${join(dir, 'k', 'vault.key')}`);
  await expect(safe.open(sealed, context)).resolves.toBe('1//refresh-token-secret');
});

it.each([
  ['another supplier', { supplierId: 'sup_2' }],
  ['another connection', { connectionId: 'con_2' }],
  ['another platform', { platform: 'facebook' }],
  ['another purpose', { purpose: 'page-access-token' }],
])('refuses to open under %s', async (_what, change) => {
  const safe = new TokenSafe(new LocalKeyEncryption(join(dir, 'vault.key')), noVault);
  const sealed = await safe.seal('secret', context);
  await expect(safe.open(sealed, { ...context, ...change })).rejects.toThrow();
});

it('refuses a tampered ciphertext', async () => {
  const safe = new TokenSafe(new LocalKeyEncryption(join(dir, 'vault.key')), noVault);
  const sealed = await safe.seal('secret', context);
  const bytes = Buffer.from(sealed.ciphertext, 'base64');
  bytes[0] = bytes[0]! ^ 1;
  await expect(safe.open({ ...sealed, ciphertext: bytes.toString('base64') }, context)).rejects.toThrow();
});

it('creates the key file once, owner-only, and a second instance reads the same key', async () => {
  const file = join(dir, 'vault.key');
  const first = new TokenSafe(new LocalKeyEncryption(file), noVault);
  const sealed = await first.seal('secret', context);
  const key = readFileSync(file, 'utf8');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const second = new TokenSafe(new LocalKeyEncryption(file), noVault);
  await expect(second.open(sealed, context)).resolves.toBe('secret');
  expect(readFileSync(file, 'utf8')).toBe(key);
});

it('writes through the vault with the slot context (Page tokens name their page)', async () => {
  const saved: { slot: TokenSlot; version: number }[] = [];
  const stored = new Map<string, Parameters<TokenVault['save']>[2]>();
  const vault: TokenVault = {
    load: async (_c, slot) => (stored.has(slot) ? { sealed: stored.get(slot)!, version: 1 } : undefined),
    save: async (_c, slot, sealed, expectedVersion) => {
      saved.push({ slot, version: expectedVersion });
      stored.set(slot, sealed);
      return true;
    },
    erase: async () => 0,
  };
  const safe = new TokenSafe(new LocalKeyEncryption(join(dir, 'vault.key')), vault);
  const connection = {
    connectionId: 'con_1',
    supplierId: 'sup_1',
    platform: 'facebook' as const,
    status: 'active' as const,
    locations: [],
    createdAt: '',
    updatedAt: '',
  };
  await safe.write(connection, 'page#123', 'page-token', 0);
  expect(saved).toEqual([{ slot: 'page#123', version: 0 }]);
  await expect(safe.read(connection, 'page#123')).resolves.toEqual({ token: 'page-token', version: 1 });
  // The same ciphertext under the refresh slot's context does not open.
  stored.set('refresh', stored.get('page#123')!);
  await expect(safe.read(connection, 'refresh')).rejects.toThrow();
});
