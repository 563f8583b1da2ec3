/**
 * ADR 0036's backfill against DynamoDB Local: suppliers made before the usage plans (no usage key on
 * their profile, key list or keys, some keys older than the key lists) get their own usage key
 * through `npm run cli -- usage-keys backfill`; the authorizer then returns it for every active
 * key, a key created afterwards inherits it, and a second run finds nothing to do. A registration
 * that fails leaves nothing referring to the key and the next run registers the same value; a
 * create-supplier that replaces the profile's key meanwhile wins, and every key gets that one.
 * API Gateway has no local emulator: the registry is an in-memory one recording what it was given.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { createTables } from '../../local/resources';
import { tableDefinition } from '../../src/catalog/tables';
import {
  authorize,
  CachedKeyLookup,
  createApiKey,
  createSupplierWithKey,
  hashApiKey,
  issueApiKey,
  type UsageKeyRegistry,
} from '../../src/access';
import { sharedUsageKey } from '../../src/catalog/usage-plans';
import { DynamoApiKeyStore } from '../../src/access/adapters/dynamo-api-keys';
import { DynamoUsageKeyBackfill } from '../../src/access/adapters/dynamo-usage-key-backfill';
import { backfillUsageKeys } from '../../src/access/use-cases/backfill-usage-keys';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { runCli } from '../../scripts/cli';
import { acquireStore, type TestStore } from './support/shared-store';

jest.setTimeout(60_000);

let store: TestStore;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let tenants: DynamoTenantStore;
let apiKeys: DynamoApiKeyStore;
let tableName: string;
const saved = { ...process.env };

beforeAll(async () => {
  store = await acquireStore('usage-key-backfill');
  client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  doc = DynamoDBDocumentClient.from(client);
  const env = await createTables(client, store.tablePrefix);
  Object.assign(process.env, env, {
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  tableName = env[tableDefinition('Tenants').envVar]!;
  tenants = new DynamoTenantStore(doc, tableName);
  apiKeys = new DynamoApiKeyStore(doc, tableName);
});

afterAll(async () => {
  process.env = saved;
  client?.destroy();
  await store?.release();
});

const UNASSIGNED = sharedUsageKey('unassigned-suppliers').value;

/** What the authorizer returns for a key now (a fresh lookup: no container cache). */
async function usageIdentifierOf(apiKey: string): Promise<string | undefined> {
  const decision = await authorize(`Bearer ${apiKey}`, new CachedKeyLookup(tenants));
  return decision.effect === 'allow' ? decision.usageIdentifierKey : undefined;
}

/** Every item of the Tenants table that belongs to the supplier (its partition and its keys). */
async function itemsOf(supplierId: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await doc.send(new ScanCommand({ TableName: tableName }));
  return Items.filter((item) => item.pk === `SUPPLIER#${supplierId}` || item.supplierId === supplierId);
}

/**
 * A supplier as ADR 0036 found it: `keys` API keys (the first revoked when `revokeFirst`), then
 * every usage key removed, as the code before it wrote them.
 */
async function legacySupplier(name: string, keys: number, revokeFirst = false) {
  const first = await createSupplierWithKey(tenants, { name });
  const apiKeysOf = [first.apiKey];
  for (let i = 1; i < keys; i += 1) {
    apiKeysOf.push((await createSupplierWithKey(tenants, { name, supplierId: first.supplierId })).apiKey);
  }
  if (revokeFirst) await tenants.revokeApiKey({ keyId: first.keyId }, new Date().toISOString());
  for (const item of await itemsOf(first.supplierId)) {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'REMOVE usageKey',
      }),
    );
  }
  return { supplierId: first.supplierId, apiKeys: apiKeysOf };
}

/** A key stored before the key lists (issue 9): the authorizer's item only. */
async function keyOlderThanKeyLists(supplierId: string): Promise<string> {
  const key = issueApiKey();
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        pk: `APIKEY#${key.keyHash}`,
        sk: 'APIKEY',
        supplierId,
        keyId: key.keyId,
        status: 'active',
        createdAt: '2025-01-01T00:00:00.000Z',
      },
    }),
  );
  return key.apiKey;
}

class RecordingRegistry implements UsageKeyRegistry {
  readonly registered: { supplierId: string; usageKey: string }[] = [];
  constructor(private readonly before?: (input: { supplierId: string; usageKey: string }) => Promise<void>) {}
  async register(input: { readonly supplierId: string; readonly usageKey: string }): Promise<void> {
    await this.before?.(input);
    this.registered.push({ ...input });
  }
}

async function profileOf(supplierId: string) {
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': `SUPPLIER#${supplierId}`, ':sk': 'PROFILE' },
      ConsistentRead: true,
    }),
  );
  return Items[0];
}

it('gives each older supplier its own key through the CLI, on every active key, once', async () => {
  const rose = await legacySupplier('Rose & Co', 3, true);
  const lily = await legacySupplier('Lily Films', 1);
  const lilyOldKey = await keyOlderThanKeyLists(lily.supplierId);
  for (const key of [...rose.apiKeys.slice(1), ...lily.apiKeys, lilyOldKey])
    expect(await usageIdentifierOf(key)).toBe(UNASSIGNED);

  const lines: string[] = [];
  expect(await runCli(['usage-keys', 'backfill'], (line) => lines.push(line))).toBe(0);
  const output = lines.join('\n');
  expect(output).toContain('1 keys made before the key lists were added');
  expect(output).toContain('2 suppliers without a usage key');
  expect(output).toMatch(
    new RegExp(`\\[\\d/2\\] ${rose.supplierId}: usage key assigned \\(2 active keys updated\\)`),
  );
  expect(output).toMatch(
    new RegExp(`\\[\\d/2\\] ${lily.supplierId}: usage key assigned \\(2 active keys updated\\)`),
  );
  expect(output).toContain('2 suppliers got their usage key (4 active keys); 0 failed');
  expect(output).not.toMatch(/wsu_/); // the values stay out of the output

  const roseKey = await usageIdentifierOf(rose.apiKeys[1]!);
  const lilyKey = await usageIdentifierOf(lily.apiKeys[0]!);
  expect(roseKey).toMatch(/^wsu_[0-9a-f]{40}$/);
  expect(lilyKey).toMatch(/^wsu_[0-9a-f]{40}$/);
  expect(roseKey).not.toBe(lilyKey);
  expect(await usageIdentifierOf(rose.apiKeys[2]!)).toBe(roseKey);
  expect(await usageIdentifierOf(lilyOldKey)).toBe(lilyKey);
  expect(await profileOf(rose.supplierId)).toMatchObject({ usageKey: roseKey });
  expect(await profileOf(rose.supplierId)).not.toHaveProperty('pendingUsageKey');

  // A key made afterwards is metered with the others.
  const owner = { kind: 'supplier', supplierId: rose.supplierId } as const;
  expect((await apiKeys.listKeys(owner)).usageKey).toBe(roseKey);
  await tenants.revokeApiKey({ keyHash: hashApiKey(rose.apiKeys[1]!) }, new Date().toISOString());
  const added = await createApiKey(owner, { label: 'after' }, { apiKeys, now: () => new Date() });
  expect(await usageIdentifierOf(added.apiKey)).toBe(roseKey);

  const again: string[] = [];
  expect(await runCli(['usage-keys', 'backfill'], (line) => again.push(line))).toBe(0);
  expect(again.join('\n')).toContain('0 suppliers without a usage key');
  expect(await usageIdentifierOf(rose.apiKeys[2]!)).toBe(roseKey);
});

it('leaves a supplier whose registration failed on the shared key, and registers the same key next run', async () => {
  const peony = await legacySupplier('Peony Cakes', 1);
  const backfill = new DynamoUsageKeyBackfill(doc, tableName);
  const failing = new RecordingRegistry(async () => {
    throw new Error('usage key of the supplier not registered in eu-west-1 (TooManyRequestsException)');
  });
  const lines: string[] = [];
  const first = await backfillUsageKeys({
    store: backfill,
    registry: failing,
    progress: (l) => lines.push(l),
  });
  expect(first).toMatchObject({ assigned: 0, failed: [{ supplierId: peony.supplierId }] });
  expect(lines.join('\n')).toContain(`${peony.supplierId}: FAILED, left for the next run`);
  // Nothing refers to the unregistered key: the authorizer still returns the shared one.
  expect(await usageIdentifierOf(peony.apiKeys[0]!)).toBe(UNASSIGNED);
  const reserved = (await profileOf(peony.supplierId))?.pendingUsageKey;
  expect(reserved).toMatch(/^wsu_[0-9a-f]{40}$/);

  const working = new RecordingRegistry();
  const second = await backfillUsageKeys({ store: backfill, registry: working });
  expect(second).toMatchObject({ assigned: 1, keys: 1, failed: [] });
  expect(working.registered).toEqual([{ supplierId: peony.supplierId, usageKey: reserved }]);
  expect(await usageIdentifierOf(peony.apiKeys[0]!)).toBe(reserved);
});

it('takes the key a concurrent create-supplier put on the profile, for every key', async () => {
  const tulip = await legacySupplier('Tulip Bands', 1);
  let racedKey = '';
  // While the backfill registers its key, an operator adds a key to the supplier: create-supplier
  // issues, registers and stores a usage key of its own, replacing the profile.
  const racing = new RecordingRegistry(async ({ supplierId }) => {
    if (racedKey) return;
    racedKey = (await createSupplierWithKey(tenants, { name: 'Tulip Bands', supplierId })).apiKey;
  });
  const result = await backfillUsageKeys({
    store: new DynamoUsageKeyBackfill(doc, tableName),
    registry: racing,
  });
  expect(result).toMatchObject({ assigned: 1, keys: 2, failed: [] });
  const winner = (await profileOf(tulip.supplierId))?.usageKey;
  expect(winner).toMatch(/^wsu_[0-9a-f]{40}$/);
  expect(await usageIdentifierOf(racedKey)).toBe(winner);
  expect(await usageIdentifierOf(tulip.apiKeys[0]!)).toBe(winner);
  // The backfill registered only the key it reserved; the winner was registered by create-supplier.
  expect(racing.registered.map((r) => r.usageKey)).not.toContain(winner);
});
