/**
 * The API Gateway registry of supplier usage keys (ADR 0036), against the SDK client mocked with
 * aws-sdk-client-mock: API Gateway has no local emulator. Creates the key and attaches it to the
 * region's `suppliers` plan in every region; finds what exists instead of creating it twice; never
 * puts the key's value in an error.
 */
import { mockClient } from 'aws-sdk-client-mock';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { ApiGatewayUsageKeys } from '../../../src/access/adapters/api-gateway-usage-keys';
import { issueUsageKey } from '../../../src/access/domain/usage-keys';

const east = new APIGatewayClient({ region: 'us-east-1' });
const west = new APIGatewayClient({ region: 'eu-west-1' });
const eastMock = mockClient(east);
const westMock = mockClient(west);

const registry = () =>
  new ApiGatewayUsageKeys([
    { region: 'us-east-1', client: east, planName: 'WedSync-Service-us-east-1-api-suppliers' },
    { region: 'eu-west-1', client: west, planName: 'WedSync-Service-eu-west-1-api-suppliers' },
  ]);

const conflict = () => Object.assign(new Error('usage plan key exists'), { name: 'ConflictException' });

beforeEach(() => {
  eastMock.reset();
  westMock.reset();
  for (const [mock, region] of [
    [eastMock, 'us-east-1'],
    [westMock, 'eu-west-1'],
  ] as const) {
    mock.on(GetUsagePlansCommand).resolves({
      items: [
        { id: `shared-${region}`, name: `WedSync-Service-${region}-api-shared` },
        { id: `plan-${region}`, name: `WedSync-Service-${region}-api-suppliers` },
      ],
    });
    mock.on(GetApiKeysCommand).resolves({ items: [] });
    mock.on(CreateApiKeyCommand).resolves({ id: `key-${region}` });
    mock.on(CreateUsagePlanKeyCommand).resolves({ id: `key-${region}` });
  }
});

it('creates the key with the usage key as its value and attaches it to the suppliers plan, in every region', async () => {
  const usageKey = issueUsageKey();
  await registry().register({ supplierId: 'sup_a', usageKey });
  for (const [mock, region] of [
    [eastMock, 'us-east-1'],
    [westMock, 'eu-west-1'],
  ] as const) {
    expect(mock.commandCalls(CreateApiKeyCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ name: 'supplier-sup_a', value: usageKey, enabled: true }),
    ]);
    expect(mock.commandCalls(CreateUsagePlanKeyCommand).map((c) => c.args[0].input)).toEqual([
      { usagePlanId: `plan-${region}`, keyId: `key-${region}`, keyType: 'API_KEY' },
    ]);
  }
});

it('reuses a key found by name and treats an existing attachment as done (a re-run)', async () => {
  eastMock.on(GetApiKeysCommand).resolves({
    items: [
      { id: 'other', name: 'supplier-sup_ab' },
      { id: 'existing', name: 'supplier-sup_a' },
    ],
  });
  eastMock.on(CreateUsagePlanKeyCommand).rejects(conflict());
  await registry().register({ supplierId: 'sup_a', usageKey: issueUsageKey() });
  expect(eastMock.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
  expect(eastMock.commandCalls(CreateUsagePlanKeyCommand)[0]?.args[0].input.keyId).toBe('existing');
  expect(eastMock.commandCalls(GetApiKeysCommand)[0]?.args[0].input).toMatchObject({ includeValues: false });
});

it('pages through the usage plans to find its plan, and looks it up once per region', async () => {
  eastMock
    .on(GetUsagePlansCommand)
    .resolvesOnce({ items: [{ id: 'x', name: 'another-plan' }], position: 'p2' })
    .resolvesOnce({ items: [{ id: 'plan-late', name: 'WedSync-Service-us-east-1-api-suppliers' }] });
  const keys = registry();
  await keys.register({ supplierId: 'sup_a', usageKey: issueUsageKey() });
  await keys.register({ supplierId: 'sup_b', usageKey: issueUsageKey() });
  expect(eastMock.commandCalls(GetUsagePlansCommand)).toHaveLength(2);
  expect(eastMock.commandCalls(GetUsagePlansCommand)[1]?.args[0].input.position).toBe('p2');
  expect(eastMock.commandCalls(CreateUsagePlanKeyCommand).map((c) => c.args[0].input.usagePlanId)).toEqual([
    'plan-late',
    'plan-late',
  ]);
});

it('fails naming the region when the plan is missing, and never with the key in the message', async () => {
  westMock.on(GetUsagePlansCommand).resolves({ items: [] });
  const usageKey = issueUsageKey();
  const error = (await registry()
    .register({ supplierId: 'sup_a', usageKey })
    .catch((e: unknown) => e)) as Error;
  expect(error.message).toContain('eu-west-1');
  expect(error.message).not.toContain(usageKey);
  expect(String((error.cause as Error).message)).toContain(
    'no usage plan named WedSync-Service-eu-west-1-api-suppliers',
  );
  // The first region is done; a re-run finds it there.
  expect(eastMock.commandCalls(CreateUsagePlanKeyCommand)).toHaveLength(1);
});

it('passes on an API Gateway failure other than a conflict', async () => {
  eastMock
    .on(CreateUsagePlanKeyCommand)
    .rejects(Object.assign(new Error('x'), { name: 'TooManyRequestsException' }));
  await expect(registry().register({ supplierId: 'sup_a', usageKey: issueUsageKey() })).rejects.toThrow(
    /us-east-1 \(TooManyRequestsException\)/,
  );
  expect(westMock.commandCalls(CreateApiKeyCommand)).toHaveLength(0);
});
