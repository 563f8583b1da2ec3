/**
 * What the connections need deployed: the Connections global table (TTL on pending items, the
 * two indexes), one secret per platform app, the TokenVault key (multi-region with rotation, a
 * replica in every other region), and the API function granted exactly GenerateDataKey/Decrypt on
 * its region's copy (only with an encryption context), with the variables that name it all; the
 * OAuth callback is the one public connection route.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '#src/catalog/functions';
import { keyDefinition } from '#src/catalog/keys';
import { secretDefinition, type SecretId } from '#src/catalog/secrets';
import { SECRET_DESCRIPTIONS } from '#src/catalog/secret-docs';
import { settingDefinition } from '#src/catalog/settings';
import { tableDefinition } from '#src/catalog/tables';
import { logicalIdOf, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
/** Where a role's statements can be: its inline policy, or CDK's overflow managed policy. */
const POLICY_TYPES = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'] as const;

beforeAll(() => {
  synth = synthesize();
});

const PLATFORM_SECRETS: SecretId[] = [
  'GoogleClientSecret',
  'FacebookAppSecret',
  'TrustpilotApiSecret',
  'YelpApiKey',
];

it('creates the Connections table with TTL on expiresAt and the supplier and status indexes', () => {
  resourceOf(synth.dataTemplate, synth.data, synth.data.tables.Connections).hasResourceProperties(
    'AWS::DynamoDB::GlobalTable',
    {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'bySupplier' }),
        Match.objectLike({ IndexName: 'byStatus' }),
      ]),
    },
  );
});

it('creates one replicated secret per platform app', () => {
  for (const id of PLATFORM_SECRETS) {
    resourceOf(synth.dataTemplate, synth.data, synth.data.secrets[id]).hasResourceProperties(
      'AWS::SecretsManager::Secret',
      { Description: SECRET_DESCRIPTIONS[id], ReplicaRegions: Match.anyValue() },
    );
  }
});

it('creates the TokenVault key as a multi-region key with rotation in the primary keys stack, replicated to every other region', () => {
  const [primary, ...replicas] = synth.keys;
  expect(primary!.region).toBe(synth.config.primaryRegion);
  resourceOf(Template.fromStack(primary!), primary!, primary!.keys.TokenVault).hasResourceProperties(
    'AWS::KMS::Key',
    {
      MultiRegion: true,
      EnableKeyRotation: true,
    },
  );
  // The replicas live in each replica region's keys stack, never in a data or service stack
  // (which name the key by its alias only, issues 9 and 11).
  synth.dataTemplate.resourceCountIs('AWS::KMS::Key', 0);
  for (const service of synth.services) {
    synth.serviceTemplates.get(service.region)!.resourceCountIs('AWS::KMS::ReplicaKey', 0);
  }
  expect(replicas.map((k) => k.region)).toEqual(synth.config.replicaRegions);
  for (const keys of replicas) {
    Template.fromStack(keys).resourceCountIs('AWS::KMS::ReplicaKey', 1);
  }
});

describe.each([0, 1])('API function in service stack %i', (index) => {
  let template: Template;
  let region: string;
  beforeAll(() => {
    const service = synth.services[index]!;
    region = service.region;
    template = synth.serviceTemplates.get(region)!;
  });

  it("may only GenerateDataKey and Decrypt with its region's copy of the key (by alias), with an encryption context", () => {
    const service = synth.services[index]!;
    const keyArn = `arn:aws:kms:${region}:${synth.config.account}:key/*`;
    const statement = {
      Roles: Match.arrayWith([{ Ref: logicalIdOf(service, service.functions.ApiPlatforms.role) }]),
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'TokenVaultKey',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: keyArn,
            Condition: {
              Null: { 'kms:EncryptionContext:connectionId': 'false' },
              // Only the key behind the derived alias (the same in every region).
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/WedSync-dev-TokenVault' },
            },
          },
        ]),
      },
    };
    // In the role's inline policy, or in the managed policy CDK moves statements to once the
    // inline one reaches IAM's size limit (the Api reads many tables and names each index).
    const holding = POLICY_TYPES.flatMap((type) =>
      Object.keys(template.findResources(type, { Properties: statement })),
    );
    expect(holding).toHaveLength(1);
    // Only the functions whose catalog entry names the key may use it (the platforms' API function, sync and reply workers).
    const holders = FUNCTIONS.filter((f) => f.keys?.includes('TokenVault')).map((f) => f.id);
    expect(holders).toEqual(['ApiPlatforms', 'SyncWorker', 'ReplyWorker']);
    const kmsStatements =
      JSON.stringify(POLICY_TYPES.map((type) => template.findResources(type))).match(
        /"Sid":"TokenVaultKey"/g,
      ) ?? [];
    expect(kmsStatements).toHaveLength(holders.length);
  });

  it('names the table, the key, the app secrets and the OAuth settings in its environment', () => {
    const service = synth.services[index]!;
    resourceOf(template, service, service.functions.ApiPlatforms.function).hasResourceProperties(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({
            [tableDefinition('Connections').envVar]: Match.anyValue(),
            [keyDefinition('TokenVault').envVar]: Match.anyValue(),
            [settingDefinition('OAuthRedirectUri').envVar]: synth.config.platforms.oauthRedirectUri,
            [settingDefinition('OAuthClientIds').envVar]: JSON.stringify(
              synth.config.platforms.oauthClientIds,
            ),
            ...Object.fromEntries(
              PLATFORM_SECRETS.map((id) => [secretDefinition(id).envVar, Match.anyValue()]),
            ),
          }),
        },
      },
    );
  });
});

it('serves the OAuth callback without an authorizer and every other connection route with one', () => {
  const template = synth.apiTemplates.get(synth.config.primaryRegion)!.toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const resources = Object.entries(template.Resources);
  const pathPart = (id: string) =>
    resources.find(([logical]) => logical === id)?.[1].Properties.PathPart as string | undefined;
  const methods = resources
    .filter(([, r]) => r.Type === 'AWS::ApiGateway::Method')
    .map(([, r]) => ({
      part: pathPart((r.Properties.ResourceId as { Ref: string }).Ref),
      method: r.Properties.HttpMethod,
      auth: r.Properties.AuthorizationType,
    }));
  expect(methods).toContainEqual({ part: 'callback', method: 'GET', auth: 'NONE' });
  for (const m of methods.filter(
    (x) => x.part === 'connections' || x.part === '{connectionId}' || x.part === 'locations',
  )) {
    expect(m.auth === 'CUSTOM' || m.method === 'OPTIONS').toBe(true);
  }
});
