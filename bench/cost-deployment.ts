/**
 * What the cost model prices, read from synthesized CloudFormation (ADR 0032): the data stack alone
 * (every table's keys, its GSIs with their projections, and the regions holding a copy), and the
 * functions the ingestion path runs, each built by the one construct that builds every function
 * (`ServiceFunction`: its memory and architecture as deployed). Synthesized without bundling (as
 * `cdk synth --exclusively` does for other stacks) and without the service stacks (at
 * CloudFormation's 500-resource limit and being split: their shape is not what the bill depends on).
 */
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { FUNCTIONS, type FunctionId } from '../src/catalog/functions';
import { TABLES, type TableId } from '../src/catalog/tables';
import { settingValues } from '../lib/config';
import { ServiceFunction } from '../lib/constructs/service-function';
import { readProjectConfig, readProjectContext } from '../lib/settings';
import { DataStack } from '../lib/stacks/data-stack';
import type { BillingShape, CapacityShape, IndexShape, TableShape } from './cost-model';

export interface DeployedFunction {
  readonly memoryMb: number;
  readonly architecture: 'arm64' | 'x86_64';
}

export interface Deployment {
  /** The regions the service runs in (the primary and its replicas). */
  readonly regions: number;
  readonly tables: Readonly<Record<TableId, TableShape>>;
  readonly functions: Readonly<Partial<Record<FunctionId, DeployedFunction>>>;
}

interface CfnKey {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}
interface CfnIndex {
  readonly IndexName: string;
  readonly KeySchema: readonly CfnKey[];
  readonly Projection: {
    readonly ProjectionType: IndexShape['projection'];
    readonly NonKeyAttributes?: string[];
  };
  readonly WriteProvisionedThroughputSettings?: CfnWriteSettings;
}
interface CfnAutoScaling {
  readonly MinCapacity: number;
  readonly MaxCapacity: number;
  readonly TargetTrackingScalingPolicyConfiguration: { readonly TargetValue: number };
}
interface CfnWriteSettings {
  readonly WriteCapacityAutoScalingSettings?: CfnAutoScaling;
}
interface CfnReadSettings {
  readonly ReadCapacityAutoScalingSettings?: CfnAutoScaling;
  readonly ReadCapacityUnits?: number;
}
interface CfnReplica {
  readonly Region: string;
  readonly ReadProvisionedThroughputSettings?: CfnReadSettings;
  readonly GlobalSecondaryIndexes?: readonly {
    readonly IndexName: string;
    readonly ReadProvisionedThroughputSettings?: CfnReadSettings;
  }[];
}
interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

const keyOf = (schema: readonly CfnKey[], type: CfnKey['KeyType']) =>
  schema.find((k) => k.KeyType === type)?.AttributeName;

function capacityOf(what: string, settings: CfnAutoScaling | undefined): CapacityShape {
  if (!settings)
    throw new Error(`${what}: provisioned without auto scaling (the model prices autoscaled capacity)`);
  return {
    min: settings.MinCapacity,
    max: settings.MaxCapacity,
    targetPercent: settings.TargetTrackingScalingPolicyConfiguration.TargetValue,
  };
}

/**
 * A global table's billing: on-demand, or provisioned with the write auto scaling of the table
 * (shared by every replica) and the read auto scaling of its replicas. The model prices one
 * setting per table, so every index and every replica must carry the table's: a difference throws.
 */
export function billingShape(props: Record<string, unknown>): BillingShape {
  if (props.BillingMode !== 'PROVISIONED') return { mode: 'on-demand' };
  const write = capacityOf(
    'table write',
    (props.WriteProvisionedThroughputSettings as CfnWriteSettings | undefined)
      ?.WriteCapacityAutoScalingSettings,
  );
  const replicas = (props.Replicas as CfnReplica[] | undefined) ?? [];
  const reads = replicas.flatMap((replica) => [
    capacityOf(
      `${replica.Region} read`,
      replica.ReadProvisionedThroughputSettings?.ReadCapacityAutoScalingSettings,
    ),
    ...(replica.GlobalSecondaryIndexes ?? []).map((index) =>
      capacityOf(
        `${replica.Region} ${index.IndexName} read`,
        index.ReadProvisionedThroughputSettings?.ReadCapacityAutoScalingSettings,
      ),
    ),
  ]);
  const writes = [
    write,
    ...((props.GlobalSecondaryIndexes as CfnIndex[] | undefined) ?? []).map((index) =>
      capacityOf(
        `${index.IndexName} write`,
        index.WriteProvisionedThroughputSettings?.WriteCapacityAutoScalingSettings,
      ),
    ),
  ];
  const read = reads[0];
  if (!read) throw new Error('provisioned table without a replica read capacity');
  const same = (a: CapacityShape, b: CapacityShape) =>
    a.min === b.min && a.max === b.max && a.targetPercent === b.targetPercent;
  if (!writes.every((w) => same(w, write)) || !reads.every((r) => same(r, read))) {
    throw new Error('a provisioned table whose indexes or replicas differ in capacity (not modelled)');
  }
  return { mode: 'provisioned', write, read };
}

/** A table's shape from its CloudFormation resource (a global table's `Replicas` include the primary). */
export function tableShape(resource: CfnResource): TableShape {
  const props = resource.Properties;
  const schema = props.KeySchema as CfnKey[];
  const indexes = (props.GlobalSecondaryIndexes as CfnIndex[] | undefined) ?? [];
  return {
    partitionKey: keyOf(schema, 'HASH')!,
    ...(keyOf(schema, 'RANGE') ? { sortKey: keyOf(schema, 'RANGE')! } : {}),
    regions: resource.Type === 'AWS::DynamoDB::GlobalTable' ? (props.Replicas as unknown[]).length : 1,
    indexes: indexes.map((index) => ({
      name: index.IndexName,
      partitionKey: keyOf(index.KeySchema, 'HASH')!,
      sortKey: keyOf(index.KeySchema, 'RANGE')!,
      projection: index.Projection.ProjectionType,
      nonKeyAttributes: index.Projection.NonKeyAttributes ?? [],
    })),
    billing: billingShape(props),
  };
}

/** Synthesizes the data stack and the named functions, and reads what the cost model needs. */
export function synthesizeDeployment(functionIds: readonly FunctionId[]): Deployment {
  const config = readProjectConfig();
  const app = new App({ context: { ...readProjectContext(), [BUNDLING_STACKS]: [] } });
  const env = { account: config.account, region: config.primaryRegion };
  const functionSettings = {
    logRetention: config.logRetentionDays as RetentionDays,
    tracing: config.tracing,
    powertools: {
      serviceName: config.serviceName,
      metricsNamespace: config.metricsNamespace,
      logLevel: config.powertoolsLogLevel,
    },
  };
  const data = new DataStack(app, 'CostData', {
    env,
    replicaRegions: config.replicaRegions,
    contributorInsights: config.contributorInsights,
    naming: config,
    functions: { ...functionSettings, settings: settingValues(config) },
  });
  // The functions as the service stack builds them (same construct, same catalog definition).
  const scratch = new Stack(app, 'CostFunctions', { env });
  const built = functionIds.map((id) => {
    const definition = FUNCTIONS.find((f) => f.id === id);
    if (!definition) throw new Error(`unknown function ${id}`);
    return [id, new ServiceFunction(scratch, `${id}Function`, { definition, ...functionSettings })] as const;
  });
  const assembly = app.synth();
  const resourcesOf = (stack: Stack) =>
    (assembly.getStackArtifact(stack.artifactId).template as { Resources: Record<string, CfnResource> })
      .Resources;
  const dataResources = resourcesOf(data);
  const functionResources = resourcesOf(scratch);
  const logicalId = (stack: Stack, element: unknown) => stack.getLogicalId(element as CfnElement);

  const tables = Object.fromEntries(
    TABLES.map((def) => {
      const resource = dataResources[logicalId(data, data.tables[def.id].node.defaultChild)];
      if (!resource) throw new Error(`table ${def.id} is not in the synthesized data stack`);
      return [def.id, tableShape(resource)];
    }),
  ) as Record<TableId, TableShape>;
  const functions = Object.fromEntries(
    built.map(([id, fn]) => {
      const props = functionResources[logicalId(scratch, fn.function.node.defaultChild)]!.Properties;
      const architectures = (props.Architectures as string[] | undefined) ?? ['x86_64'];
      return [
        id,
        {
          memoryMb: Number(props.MemorySize ?? 128),
          architecture: architectures[0] === 'arm64' ? 'arm64' : 'x86_64',
        } satisfies DeployedFunction,
      ];
    }),
  );
  return { regions: 1 + config.replicaRegions.length, tables, functions };
}
