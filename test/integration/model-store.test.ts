/**
 * The S3 model store adapter against the S3 emulator the local mode runs (s3rver): artifacts and
 * cards by version, their SHA-256, the version listing, the active configuration, and what a
 * missing object reads as.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { startS3Emulator, type S3Emulator } from '../../local/s3-emulator';
import { S3ModelStore } from '../../src/models/adapters/s3-model-store';
import { sha256Hex } from '../../src/models/retraining/active-config';

jest.setTimeout(60_000);

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
let emulator: S3Emulator;
let store: S3ModelStore;

beforeAll(async () => {
  emulator = await startS3Emulator(['model-store'], CREDENTIALS);
  const client = new S3Client({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDENTIALS,
  });
  store = new S3ModelStore(client, 'model-store');
});
afterAll(async () => {
  await emulator?.stop();
});

it('stores artifacts and cards by version, lists the versions and returns the SHA-256 of the artifact', async () => {
  const model = JSON.stringify({ task: 'sentiment', version: '1.1.1', weights: 'AAAA' });
  const sha = await store.putArtifact('sentiment', '1.1.1', { model, card: '{"version":"1.1.1"}' });
  expect(sha).toBe(sha256Hex(model));
  await store.putArtifact('sentiment', '1.1.2', { model: '{}', card: '{}' });
  await store.putArtifact('expense-category', '1.2.0', { model: '{}', card: '{}' });

  expect(await store.getArtifact('sentiment', '1.1.1')).toBe(model);
  expect(sha256Hex(await store.getArtifact('sentiment', '1.1.1'))).toBe(sha);
  expect(await store.getCard('sentiment', '1.1.1')).toEqual({ version: '1.1.1' });
  expect((await store.listVersions('sentiment')).sort()).toEqual(['1.1.1', '1.1.2']);
  expect(await store.listVersions('deception')).toEqual([]);
});

it('reads a missing artifact as an error, a missing card or configuration as null', async () => {
  await expect(store.getArtifact('sentiment', '9.9.9')).rejects.toThrow(/no sentiment@9\.9\.9/);
  expect(await store.getCard('sentiment', '9.9.9')).toBeNull();
  expect(await store.readActive('expense-category')).toBeNull();
});

it('writes and reads the active configuration, the latest write winning', async () => {
  await store.writeActive('sentiment', { revision: 1 });
  await store.writeActive('sentiment', { revision: 2 });
  expect(await store.readActive('sentiment')).toEqual({ revision: 2 });
});
