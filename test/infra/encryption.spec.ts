/**
 * Encryption at rest (issue 9): every table replica, queue, DLQ and secret copy is encrypted with a
 * customer-managed key of its own region, named by its derived alias ARN; every key (src/catalog/
 * keys.ts) lives in its region's keys stack with rotation on and a least-privilege policy (the
 * account administers but cannot use it; a store key is used only through its service, the token
 * vault only with a connection's encryption context); no role is granted a KMS action on "*"; and
 * each keys stack deploys before the data stack.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { functionDefinition, SERVICE_FUNCTIONS, type ServiceFunctionId } from '#src/catalog/functions';
import { KEYS, STORE_KEYS, keyDefinition, type KeyId } from '#src/catalog/keys';
import { keyAliasName } from '#src/catalog/physical-names';
import { QUEUES } from '#src/catalog/queues';
import { SECRETS } from '#src/catalog/secrets';
import { TABLES } from '#src/catalog/tables';
import {
  KEY_ADMIN_ACTIONS,
  MULTI_REGION_ADMIN_ACTIONS,
  STORE_KEY_USE_ACTIONS,
} from '../../lib/constructs/key-policies';
import { storeKeysIn } from '../../lib/constructs/key-aliases';
import { ServiceFunction } from '../../lib/constructs/service-function';
import { keysStackName } from '../../lib/wedsync';
import { logicalIdOf, projectContext, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

type Resource = { Type: string; Properties: Record<string, unknown> };
interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const regions = () => [synth.config.primaryRegion, ...synth.config.replicaRegions];
const resources = (template: Template): Record<string, Resource> =>
  (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
const actionsOf = (s: Statement): string[] => [s.Action].flat();
/** The derived alias ARN of `id` in `region`, as the templates spell it. */
const aliasArn = (id: KeyId, region: string) =>
  `arn:aws:kms:${region}:${synth.config.account}:${keyAliasName(synth.config, id)}`;
const keysIn = (region: string) => synth.keys.find((k) => k.region === region)!;

describe('the keys stacks', () => {
  it('are one per region, named from the app, each deployed before the data stack', () => {
    expect(synth.keys.map((k) => k.region)).toEqual(regions());
    for (const stack of synth.keys) {
      expect(stack.stackName).toBe(keysStackName(synth.config, stack.region));
      expect(synth.data.dependencies).toContain(stack);
    }
  });

  it.each(KEYS.map((k) => [k.id, k] as const))(
    '%s: one key per region under its alias, rotation on (a replica rotates with its primary), retained',
    (id, def) => {
      for (const region of regions()) {
        const stack = keysIn(region);
        const template = Template.fromStack(stack);
        const logicalId = logicalIdOf(stack, stack.keys[id]);
        const key = resources(template)[logicalId]!;
        const replica = def.multiRegion && region !== synth.config.primaryRegion;
        expect({ region, type: key.Type }).toEqual({
          region,
          type: replica ? 'AWS::KMS::ReplicaKey' : 'AWS::KMS::Key',
        });
        if (!replica) {
          expect(key.Properties.EnableKeyRotation).toBe(true);
          expect(key.Properties.MultiRegion).toBe(def.multiRegion);
        }
        expect((key as Resource & { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
        template.hasResourceProperties('AWS::KMS::Alias', {
          AliasName: keyAliasName(synth.config, id),
          TargetKeyId: { 'Fn::GetAtt': [logicalId, 'KeyId'] },
        });
      }
    },
  );

  it('makes no catalog key, replica or alias anywhere else (the data and service stacks name keys by alias)', () => {
    synth.dataTemplate.resourceCountIs('AWS::KMS::Key', 0);
    for (const template of [synth.dataTemplate, ...synth.serviceTemplates.values()]) {
      template.resourceCountIs('AWS::KMS::ReplicaKey', 0);
      template.resourceCountIs('AWS::KMS::Alias', 0);
    }
  });
});

describe('what is encrypted with which key', () => {
  it.each(TABLES.map((t) => [t.id] as const))(
    '%s: every replica on its region’s Tables key, by alias',
    (id) => {
      const table = resources(synth.dataTemplate)[logicalIdOf(synth.data, synth.data.tables[id])]!;
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      const replicas = table.Properties.Replicas as { Region: string; SSESpecification?: unknown }[];
      expect(replicas.map((r) => r.Region).sort()).toEqual([...regions()].sort());
      for (const replica of replicas) {
        expect(replica.SSESpecification).toEqual({ KMSMasterKeyId: aliasArn('Tables', replica.Region) });
      }
    },
  );

  it.each(SECRETS.map((s) => [s.id] as const))(
    '%s: each copy on its region’s Secrets key, by alias',
    (id) => {
      const secret = resources(synth.dataTemplate)[logicalIdOf(synth.data, synth.data.secrets[id])]!;
      expect(secret.Properties.KmsKeyId).toBe(aliasArn('Secrets', synth.config.primaryRegion));
      const replicas = secret.Properties.ReplicaRegions as { Region: string; KmsKeyId: unknown }[];
      expect(replicas).toEqual(
        synth.config.replicaRegions.map((region) => ({
          Region: region,
          KmsKeyId: aliasArn('Secrets', region),
        })),
      );
    },
  );

  it.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])(
    'every queue and DLQ in %s on the region’s Queues key, by alias',
    (region) => {
      const queues = Object.values(resources(synth.serviceTemplates.get(region)!)).filter(
        (r) => r.Type === 'AWS::SQS::Queue',
      );
      // Each catalog queue and its DLQ, and the real-time fan-out's skipped batches.
      expect(queues).toHaveLength(QUEUES.length * 2 + 1);
      for (const queue of queues) {
        expect(queue.Properties.KmsMasterKeyId).toBe(aliasArn('Queues', region));
        expect(queue.Properties.SqsManagedSseEnabled).toBeUndefined();
      }
    },
  );
});

describe('key policies', () => {
  const policyOf = (stack: Stack, id: KeyId): Statement[] => {
    const keys = synth.keys.find((k) => k === stack)!;
    const key = resources(Template.fromStack(keys))[logicalIdOf(keys, keys.keys[id])]!;
    return (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
  };
  const CRYPTO = /^kms:(Encrypt|Decrypt|ReEncrypt|GenerateDataKey|CreateGrant|Sign|Verify|GenerateMac)/;

  it.each(KEYS.map((k) => [k.id, k] as const))(
    '%s: the account administers the key but cannot use it directly, nor turn rotation off, in every region',
    (id, def) => {
      for (const region of regions()) {
        const statements = policyOf(keysIn(region), id);
        for (const statement of statements) expect(actionsOf(statement)).not.toContain('kms:*');
        const admin = statements.find((s) => s.Sid === 'AdministerTheKey')!;
        expect(admin.Condition).toBeUndefined();
        expect(actionsOf(admin).sort()).toEqual(
          [...KEY_ADMIN_ACTIONS, ...(def.multiRegion ? MULTI_REGION_ADMIN_ACTIONS : [])].sort(),
        );
        expect(actionsOf(admin).filter((a) => CRYPTO.test(a))).toEqual([]);
        for (const statement of statements)
          expect(actionsOf(statement)).not.toContain('kms:DisableKeyRotation');
        // Every other statement allows use, and only under a condition.
        for (const statement of statements.filter((s) => s !== admin))
          expect(statement.Condition).toBeDefined();
      }
    },
  );

  it.each(STORE_KEYS.map((k) => [k.id, k] as const))(
    '%s: used only through its service in its region, by this account; grants only for AWS resources',
    (id, def) => {
      for (const region of regions()) {
        const statements = policyOf(keysIn(region), id);
        expect(statements.map((s) => s.Sid)).toEqual([
          'AdministerTheKey',
          `UseThrough${def.service}`,
          `GrantsFor${def.service}`,
          // The configured producers send to the Ingest queue through SQS (test/infra/producers.spec.ts).
          ...(id === 'Queues' && synth.config.producers.length > 0 ? ['ProducersSendThroughSqs'] : []),
        ]);
        const stack = keysIn(region);
        const through = {
          'kms:ViaService': stack.resolve(`${def.service}.${region}.${stack.urlSuffix}`) as unknown,
          'kms:CallerAccount': synth.config.account,
        };
        const use = statements[1]!;
        expect(actionsOf(use).sort()).toEqual([...STORE_KEY_USE_ACTIONS].sort());
        expect(use.Condition).toEqual({ StringEquals: through });
        const grants = statements[2]!;
        expect(actionsOf(grants)).toEqual(['kms:CreateGrant']);
        expect(grants.Condition).toEqual({
          StringEquals: through,
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        });
      }
    },
  );

  it('lets the token vault key (primary and every replica) be used only with its actions and a connection’s encryption context', () => {
    const def = keyDefinition('TokenVault');
    for (const region of regions()) {
      const use = policyOf(keysIn(region), 'TokenVault').filter((s) => s.Sid !== 'AdministerTheKey');
      expect(use).toHaveLength(1);
      expect(actionsOf(use[0]!).sort()).toEqual([...def.actions].sort());
      expect(use[0]!.Condition).toEqual({ Null: { 'kms:EncryptionContext:connectionId': 'false' } });
    }
  });
});

describe('KMS grants to roles', () => {
  const templates = () => [synth.dataTemplate, ...synth.serviceTemplates.values()];

  it('never name every key ("*"): each matches the keys of its region carrying one derived alias', () => {
    let kmsStatements = 0;
    for (const template of templates()) {
      for (const [policyId, policy] of Object.entries(resources(template)).filter(
        ([, r]) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy',
      )) {
        for (const statement of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
          if (!actionsOf(statement).some((a) => a.startsWith('kms:'))) continue;
          kmsStatements += 1;
          expect({ policyId, resource: statement.Resource }).toEqual({
            policyId,
            resource: expect.stringMatching(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/\*$/) as unknown,
          });
          const alias = statement.Condition?.['ForAnyValue:StringEquals']?.['kms:ResourceAliases'];
          expect(KEYS.map((k) => keyAliasName(synth.config, k.id))).toContain(alias);
        }
      }
    }
    expect(kmsStatements).toBeGreaterThan(0);
  });

  it('give a function decrypt alone on the Tables key when it only reads tables, encrypt too when it writes one', () => {
    const service = synth.services[0]!;
    const template = synth.serviceTemplates.get(service.region)!;
    const tableKeyActions = (id: ServiceFunctionId): string[] => {
      const role = logicalIdOf(service, service.functions[id].role);
      const actions = Object.values(resources(template))
        .filter(
          (r) => r.Type.startsWith('AWS::IAM::') && JSON.stringify(r.Properties.Roles ?? []).includes(role),
        )
        .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
        .filter(
          (s) =>
            s.Condition?.['ForAnyValue:StringEquals']?.['kms:ResourceAliases'] ===
            keyAliasName(synth.config, 'Tables'),
        )
        .flatMap(actionsOf);
      return [...new Set(actions)].sort();
    };
    for (const def of SERVICE_FUNCTIONS.filter((f) => Object.keys(f.tables).length > 0)) {
      const readOnly = Object.values(def.tables).every((access) => access === 'read');
      const actions = tableKeyActions(def.id);
      if (readOnly) {
        // Reading a table's stream (CDK's stream grant) also describes the key.
        const expected = def.tableStream ? ['kms:Decrypt', 'kms:DescribeKey'] : ['kms:Decrypt'];
        expect({ id: def.id, actions }).toEqual({ id: def.id, actions: expected });
      } else {
        expect({ id: def.id, actions }).toEqual({
          id: def.id,
          actions: expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt']) as unknown,
        });
      }
    }
    // The read-only case without a stream, on a function built alone (no catalog function is one).
    const stack = new Stack(new App({ context: { ...projectContext(), [BUNDLING_STACKS]: [] } }), 'Reader', {
      env: { account: synth.config.account, region: synth.config.primaryRegion },
    });
    const storeKeys = storeKeysIn(stack, synth.config);
    const reader = new ServiceFunction(stack, 'Reader', {
      definition: { ...functionDefinition('Authorizer'), tables: { Tenants: 'read' }, secrets: [], keys: [] },
      logRetention: RetentionDays.ONE_WEEK,
      tracing: false,
      powertools: { serviceName: 'wedsync', metricsNamespace: 'WedSync', logLevel: 'INFO' },
    });
    const none = {} as never;
    reader.bind({
      tables: {
        Tenants: TableV2.fromTableAttributes(stack, 'Tenants', {
          tableName: 'Tenants',
          encryptionKey: storeKeys.Tables,
        }),
      } as never,
      storeKeys,
      keys: none,
      queues: none,
      secrets: none,
      layers: none,
      emailSenders: none,
      settings: none,
      buckets: none,
    });
    const statements = Object.values(resources(Template.fromStack(stack)))
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(statements).toEqual([
      expect.objectContaining({
        Action: 'kms:Decrypt',
        Condition: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': keyAliasName(synth.config, 'Tables') },
        },
      }),
    ]);
  });
});
