/**
 * Day one (issue 11): `npm run cli -- bootstrap --ops-name <operator>` against DynamoDB Local
 * creates the platform tenant `wedsync-app` with its key and the first ops key, both working and
 * audited; a second run creates nothing, says so and shows no key; with every ops key revoked it
 * makes a new first ops key and leaves the tenant alone; two runs at once make one ops key.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTables } from '../../local/resources';
import { tableDefinition } from '../../src/catalog/tables';
import { PLATFORM_SUPPLIER_ID } from '../../src/events';
import { hashApiKey } from '../../src/access';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { runCli, UsageError } from '../../scripts/cli';
import { acquireStore, type TestStore } from './support/shared-store';

jest.setTimeout(60_000);

let store: TestStore;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let tenants: DynamoTenantStore;
let env: Record<string, string>;
const saved = { ...process.env };

beforeAll(async () => {
  store = await acquireStore('bootstrap-cli');
  client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  doc = DynamoDBDocumentClient.from(client);
  env = await createTables(client, store.tablePrefix);
  Object.assign(process.env, env, {
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AUDIT_RETENTION_DAYS: '400',
  });
  tenants = new DynamoTenantStore(doc, env[tableDefinition('Tenants').envVar]!);
});

afterAll(async () => {
  process.env = saved;
  client?.destroy();
  await store?.release();
});

const run = async (...args: string[]) => {
  const lines: string[] = [];
  const code = await runCli(args, (line) => lines.push(line));
  return { code, text: lines.join('\n') };
};

const keysIn = (text: string) => text.match(/wsk_key_[0-9a-z]{26}_[A-Za-z0-9_-]{43}/g) ?? [];

const audited = async () =>
  ((await doc.send(new ScanCommand({ TableName: env[tableDefinition('Audit').envVar] }))).Items ?? [])
    .map((item) => `${String(item.kind)} ${String(item.target)}`)
    .sort();

it('refuses to run without the operator', async () => {
  await expect(run('bootstrap')).rejects.toThrow(UsageError);
});

it('creates the platform tenant and the first ops key once, audited, and never shows a key twice', async () => {
  const first = await run('bootstrap', '--ops-name', 'alice');
  expect(first.code).toBe(0);
  const [tenantKey, opsKey] = keysIn(first.text);
  expect(keysIn(first.text)).toHaveLength(2);
  expect(first.text).toContain(`created the platform tenant ${PLATFORM_SUPPLIER_ID}`);
  expect(first.text).toContain('created the first ops key, for alice');

  // The keys work as the authorizer reads them: the app's for its tenant, the operator's for ops.
  expect(await tenants.supplierName(PLATFORM_SUPPLIER_ID)).toBe('WedSync app');
  expect(await tenants.findApiKey(hashApiKey(tenantKey!))).toMatchObject({
    supplierId: PLATFORM_SUPPLIER_ID,
    role: 'supplier',
    status: 'active',
  });
  expect(await tenants.findApiKey(hashApiKey(opsKey!))).toMatchObject({ role: 'ops', status: 'active' });
  const acts = await audited();
  const keyIdOf = (key: string) => key.slice('wsk_'.length, 'wsk_key_'.length + 26);
  expect(acts).toEqual(
    [
      `api_key.created api_key:${keyIdOf(tenantKey!)}`,
      `api_key.created api_key:${keyIdOf(opsKey!)}`,
      `supplier.created supplier:${PLATFORM_SUPPLIER_ID}`,
    ].sort(),
  );

  const second = await run('bootstrap', '--ops-name', 'bob');
  expect(second.code).toBe(0);
  expect(keysIn(second.text)).toEqual([]);
  expect(second.text).toContain(`the platform tenant ${PLATFORM_SUPPLIER_ID} ("WedSync app") exists`);
  expect(second.text).toContain('already bootstrapped: nothing created');
  expect(await audited()).toEqual(acts);
});

it('makes a new first ops key when every ops key is revoked, and leaves the tenant alone', async () => {
  const listed = await run('ops-keys', 'list');
  const ids = listed.text.split('\n').map((line) => (JSON.parse(line) as { keyId: string }).keyId);
  for (const id of ids) expect((await run('ops-keys', 'revoke', id)).code).toBe(0);

  const again = await run('bootstrap', '--ops-name', 'carol');
  expect(keysIn(again.text)).toHaveLength(1);
  expect(again.text).toContain('exists: nothing created');
  expect(again.text).toContain('created the first ops key, for carol');
});

it('makes one first ops key when two bootstraps run at once', async () => {
  const revokeAll = async () => {
    const listed = await run('ops-keys', 'list');
    for (const line of listed.text.split('\n')) {
      const key = JSON.parse(line) as { keyId: string; status: string };
      if (key.status === 'active') expect((await run('ops-keys', 'revoke', key.keyId)).code).toBe(0);
    }
  };
  await revokeAll();
  const runs = await Promise.all([
    run('bootstrap', '--ops-name', 'dan'),
    run('bootstrap', '--ops-name', 'erin'),
  ]);
  expect(runs.map((r) => keysIn(r.text).length).sort()).toEqual([0, 1]);
  const active = (await run('ops-keys', 'list')).text
    .split('\n')
    .map((line) => JSON.parse(line) as { status: string })
    .filter((key) => key.status === 'active');
  expect(active).toHaveLength(1);
});
