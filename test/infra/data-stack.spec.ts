/** The stateful stack: global tables and replicated secrets, checked against the catalog. */
import { App } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { SECRETS } from '#src/catalog/secrets';
import { dynamoProjection, TABLES, type TableDefinition } from '#src/catalog/tables';
import { allRegions, settingValues } from '../../lib/config';
import { DataStack } from '../../lib/stacks/data-stack';
import { projectContext, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
let template: Template;

beforeAll(() => {
  synth = synthesize();
  template = synth.dataTemplate;
});

const TABLE_CASES = TABLES.map((t) => [t.id, t] as const);
const tableTemplate = (def: TableDefinition): Template =>
  resourceOf(template, synth.data, synth.data.tables[def.id]);

describe('DynamoDB global tables', () => {
  it('creates one global table per catalog table in the primary region', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', TABLES.length);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(synth.data.region).toBe(synth.config.primaryRegion);
  });

  it.each(TABLE_CASES)("%s: catalog keys (strings only), the catalog's billing mode", (_id, def) => {
    const keyNames = new Set([
      def.partitionKey,
      ...(def.sortKey ? [def.sortKey] : []),
      ...def.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ]);
    tableTemplate(def).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: def.partitionKey, KeyType: 'HASH' },
        ...(def.sortKey ? [{ AttributeName: def.sortKey, KeyType: 'RANGE' }] : []),
      ],
      AttributeDefinitions: Match.arrayEquals(
        [...keyNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      ),
      BillingMode: def.capacity.mode === 'on-demand' ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    });
  });

  it.each(TABLE_CASES.filter(([, def]) => def.capacity.mode === 'provisioned'))(
    '%s: provisioned with auto scaling for the table, each GSI and each replica (ADR 0035)',
    (_id, def) => {
      if (def.capacity.mode !== 'provisioned') throw new Error('filtered');
      const scaling = (c: { min: number; max: number; targetPercent: number }) => ({
        MinCapacity: c.min,
        MaxCapacity: c.max,
        SeedCapacity: c.min,
        TargetTrackingScalingPolicyConfiguration: { TargetValue: c.targetPercent },
      });
      const write = { WriteCapacityAutoScalingSettings: scaling(def.capacity.write) };
      const read = { ReadCapacityAutoScalingSettings: scaling(def.capacity.read) };
      const replicas = new Capture();
      tableTemplate(def).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        WriteProvisionedThroughputSettings: write,
        // A table without indexes (RealtimeLog) has no GlobalSecondaryIndexes at all.
        GlobalSecondaryIndexes: def.indexes.length
          ? def.indexes.map((index) =>
              Match.objectLike({ IndexName: index.name, WriteProvisionedThroughputSettings: write }),
            )
          : Match.absent(),
        Replicas: replicas,
      });
      const list = replicas.asArray() as Record<string, unknown>[];
      expect(list).toHaveLength(allRegions(synth.config).length);
      for (const replica of list) {
        expect(replica).toMatchObject({
          ReadProvisionedThroughputSettings: read,
          ...(def.indexes.length
            ? {
                GlobalSecondaryIndexes: def.indexes.map((index) => ({
                  IndexName: index.name,
                  ReadProvisionedThroughputSettings: read,
                })),
              }
            : {}),
        });
      }
    },
  );

  it('keeps on-demand the tables written in the request path of the API or the authorizer, and Rejected (ADR 0035)', () => {
    // A provisioned table throttles a burst until auto scaling follows: behind a queue that is a
    // retry, in the API's request path it is an error answered to the client; Rejected must never
    // refuse a message it parks.
    for (const id of ['Idempotency', 'ReviewRequests', 'Tenants', 'Rejected'] as const) {
      expect([id, TABLES.find((t) => t.id === id)!.capacity.mode]).toEqual([id, 'on-demand']);
    }
  });

  it.each(TABLE_CASES)(
    '%s: a replica in every region, each with PITR and deletion protection',
    (_id, def) => {
      const replicas = new Capture();
      tableTemplate(def).hasResourceProperties('AWS::DynamoDB::GlobalTable', { Replicas: replicas });
      const list = replicas.asArray() as { Region: string }[];
      expect(list.map((r) => r.Region).sort()).toEqual([...allRegions(synth.config)].sort());
      for (const replica of list) {
        expect(replica).toMatchObject({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        });
      }
    },
  );

  it('projects less than every attribute where ADR 0032 decided so', () => {
    const projected = (table: string, index: string) =>
      TABLES.find((t) => t.id === table)!.indexes.find((i) => i.name === index)!.projection;
    expect(projected('Reviews', 'byCreatedAt')).toEqual({ include: ['recommendation', 'removedAt'] });
    expect(projected('Reviews', 'byPlatform')).toEqual({
      include: ['rating', 'recommendation', 'removedAt'],
    });
    expect(projected('Reviews', 'byRating')).toEqual({ include: ['recommendation', 'removedAt'] });
    expect(projected('Reviews', 'byPlatformRating')).toEqual({ include: ['removedAt'] });
    expect(projected('Reviews', 'byRecommendation')).toEqual({
      include: ['platform', 'rating', 'removedAt'],
    });
    expect(projected('Deliveries', 'byOwnerTime')).toBe('keys-only');
    tableTemplate(TABLES.find((t) => t.id === 'Deliveries')!).hasResourceProperties(
      'AWS::DynamoDB::GlobalTable',
      { GlobalSecondaryIndexes: [Match.objectLike({ Projection: { ProjectionType: 'KEYS_ONLY' } })] },
    );
  });

  it('replicates to three regions in the committed configuration', () => {
    expect(allRegions(synth.config)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-1']);
  });

  it.each(TABLE_CASES)('%s: TTL exactly where the catalog sets ttlAttribute', (_id, def) => {
    tableTemplate(def).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: def.ttlAttribute
        ? { AttributeName: def.ttlAttribute, Enabled: true }
        : Match.absent(),
    });
  });

  it.each(TABLE_CASES)("%s: the catalog GSIs, each with the catalog's projection", (_id, def) => {
    tableTemplate(def).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes:
        def.indexes.length === 0
          ? Match.absent()
          : Match.arrayEquals(
              def.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: [
                  { AttributeName: index.partitionKey, KeyType: 'HASH' },
                  { AttributeName: index.sortKey, KeyType: 'RANGE' },
                ],
                Projection: dynamoProjection(index.projection),
                // A provisioned table's indexes carry their own auto scaling (checked above).
                ...(def.capacity.mode === 'provisioned'
                  ? { WriteProvisionedThroughputSettings: Match.anyValue() }
                  : {}),
              })),
            ),
    });
  });

  it.each(TABLE_CASES)('%s: retained if the resource or stack is deleted', (_id, def) => {
    tableTemplate(def).hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('turns contributor insights on only when configured', () => {
    template.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: Match.arrayWith([Match.objectLike({ ContributorInsightsSpecification: Match.absent() })]),
    });
    // The data stack alone (no bundling): the knob only changes the tables.
    const stack = new DataStack(
      new App({ context: { ...projectContext(), [BUNDLING_STACKS]: [] } }),
      'Insights',
      {
        env: { account: synth.config.account, region: synth.config.primaryRegion },
        replicaRegions: synth.config.replicaRegions,
        contributorInsights: true,
        naming: synth.config,
        functions: {
          logRetention: synth.config.logRetentionDays as RetentionDays,
          tracing: false,
          powertools: { serviceName: 'wedsync', metricsNamespace: 'WedSync', logLevel: 'INFO' },
          settings: settingValues(synth.config),
        },
      },
    );
    Template.fromStack(stack).allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: Match.arrayWith([Match.objectLike({ ContributorInsightsSpecification: { Enabled: true } })]),
    });
  });
});

describe('Secrets Manager', () => {
  it.each(SECRETS.map((s) => [s.id, s] as const))(
    '%s: generated value, replicated to the other regions, retained',
    (_id, def) => {
      const secret = resourceOf(template, synth.data, synth.data.secrets[def.id]);
      secret.hasResourceProperties('AWS::SecretsManager::Secret', {
        Description: def.description,
        GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
        ReplicaRegions: synth.config.replicaRegions.map((region) => Match.objectLike({ Region: region })),
      });
      secret.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    },
  );

  it('creates no other secret', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', SECRETS.length);
  });
});
