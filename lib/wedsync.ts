/**
 * The whole system for every region, from the `wedsync` context and the catalog, in deploy order:
 * the backup copy vault; one keys stack per region (every catalog key, primaries in the primary
 * region, issue 9); the stateful data stack in the primary region; then per region a stateless
 * service stack and, after it, the API stack (the REST API and the regional DNS, split off for
 * CloudFormation's 500-resource limit, ADR 0031). Stacks name each other's resources by derived names (src/catalog/physical-names.ts);
 * the one deploy-time cross-region read is a replica key's primary ARN (keys stack to keys stack).
 * Stack names are derived from `appName` and the region.
 */
import { type App, type Stage, Tags } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { allRegions, loadConfig, settingValues, type WedSyncConfig } from './config';
import { backupCopyRegion } from './settings';
import { PipelineStack, pipelineStackName } from './pipeline';
import { backupVaultName } from './constructs/table-backups';
import { BackupCopyStack } from './stacks/backup-copy-stack';
import { DataStack } from './stacks/data-stack';
import { KeysStack } from './stacks/keys-stack';
import { ServiceStack } from './stacks/service-stack';
import { ApiStack } from './stacks/api-stack';

export interface WedSync {
  readonly config: WedSyncConfig;
  readonly data: DataStack;
  /** One per region, the primary region first. */
  readonly services: readonly ServiceStack[];
  /** One per region, in the order of `services`: each deploys after its region's service stack. */
  readonly apis: readonly ApiStack[];
  /** The vault in a second region that every table recovery point is copied to (issue 11). */
  readonly backupCopy: BackupCopyStack;
  /**
   * Every catalog key of a region with its alias, one stack per region, the primary region first
   * (issues 9 and 11); each deploys before the data stack.
   */
  readonly keys: readonly KeysStack[];
  /** With a `pipeline` configuration: the pipeline that deploys the stacks above (ADR 0028). */
  readonly pipeline?: PipelineStack<WedSync>;
}

export const dataStackName = (config: WedSyncConfig): string => `${config.appName}-Data`;
export const serviceStackName = (config: WedSyncConfig, region: string): string =>
  `${config.appName}-Service-${region}`;
export const apiStackName = (config: WedSyncConfig, region: string): string =>
  `${config.appName}-Api-${region}`;
export const keysStackName = (config: WedSyncConfig, region: string): string =>
  `${config.appName}-Keys-${region}`;
export const backupCopyStackName = (config: WedSyncConfig): string =>
  `${config.appName}-BackupCopy-${backupCopyRegion(config)}`;

/**
 * The app: every stack of the stage, or, when the stage's configuration has a `pipeline`, the
 * pipeline stack deploying the same stacks (built into its stage by `buildWedSyncStacks`).
 */
export function buildWedSync(app: App): WedSync {
  const config = loadConfig(app);
  if (!config.pipeline) return buildWedSyncStacks(app);
  const pipeline = new PipelineStack<WedSync>(app, pipelineStackName(config), {
    env: { account: config.account, region: config.primaryRegion },
    description: `WedSync deploy pipeline of the ${config.stage} stage (issue 11, ADR 0028)`,
    config,
    settings: config.pipeline,
    build: buildWedSyncStacks,
  });
  return { ...pipeline.stage.wedsync, pipeline };
}

/**
 * Every stack of the selected stage, into the app or a pipeline's stage. Each stack is given its
 * name: inside a Stage CDK would prefix it, and the pipeline would create a second copy.
 */
export function buildWedSyncStacks(app: Stage): WedSync {
  const config = loadConfig(app);
  Tags.of(app).add('application', config.appName);

  const vaultName = backupVaultName(config.appName);
  const backupCopy = new BackupCopyStack(app, backupCopyStackName(config), {
    stackName: backupCopyStackName(config),
    env: { account: config.account, region: backupCopyRegion(config) },
    description: 'WedSync backup copies: the second-region vault of the table recovery points',
    terminationProtection: true,
    vaultName,
    retentionDays: config.backup.retentionDays,
    vaultLock: config.backup.vaultLock,
  });

  // Every key of every region, before anything encrypted with one. A replica region's stack reads
  // the primary keys stack's multi-region key ARN (a random mrk- id): the one deploy-time
  // cross-region read of the app. These stateful stacks change only when a key is added.
  const primaryKeys = new KeysStack(app, keysStackName(config, config.primaryRegion), {
    stackName: keysStackName(config, config.primaryRegion),
    env: { account: config.account, region: config.primaryRegion },
    description: `WedSync keys in ${config.primaryRegion}: the multi-region primary keys and the region's store keys`,
    terminationProtection: true,
    crossRegionReferences: false,
    naming: config,
    producers: config.producers,
  });
  const keys = [
    primaryKeys,
    ...config.replicaRegions.map((region) => {
      const replica = new KeysStack(app, keysStackName(config, region), {
        stackName: keysStackName(config, region),
        env: { account: config.account, region },
        description: `WedSync keys in ${region}: replicas of the multi-region keys and the region's store keys`,
        terminationProtection: true,
        crossRegionReferences: true,
        naming: config,
        producers: config.producers,
        primary: primaryKeys,
      });
      replica.addStackDependency(primaryKeys, 'replicates the multi-region primary keys');
      return replica;
    }),
  ];

  const data = new DataStack(app, dataStackName(config), {
    stackName: dataStackName(config),
    env: { account: config.account, region: config.primaryRegion },
    description: 'WedSync stateful resources: DynamoDB global tables, replicated secrets and their rotation',
    terminationProtection: true,
    // Keys by alias ARN, tables and secrets by derived names: nothing read from another stack.
    crossRegionReferences: false,
    replicaRegions: config.replicaRegions,
    contributorInsights: config.contributorInsights,
    naming: config,
    backup: {
      vaultName,
      retentionDays: config.backup.retentionDays,
      vaultLock: config.backup.vaultLock,
      copyRegion: backupCopyRegion(config),
    },
    functions: {
      logRetention: config.logRetentionDays as logs.RetentionDays,
      tracing: config.tracing,
      powertools: {
        serviceName: config.serviceName,
        metricsNamespace: config.metricsNamespace,
        logLevel: config.powertoolsLogLevel,
      },
      settings: settingValues(config),
    },
  });
  data.addStackDependency(backupCopy, 'the backup plan copies into its vault');
  for (const regionKeys of keys) {
    data.addStackDependency(regionKeys, 'each replica is encrypted with the key of its region, by alias');
  }

  // Service stacks name tables, secrets and keys by derived names (src/catalog/physical-names.ts):
  // no cross-region reference, so a region's service deploys while the primary region is down.
  const services = allRegions(config).map((region) => {
    const service = new ServiceStack(app, serviceStackName(config, region), {
      stackName: serviceStackName(config, region),
      env: { account: config.account, region },
      description: `WedSync service in ${region}: queues, functions, alarms, dashboards`,
      crossRegionReferences: false,
      config,
      stackNameIn: (other) => serviceStackName(config, other),
    });
    service.addStackDependency(data, 'binds to the global tables and secrets');
    const regionKeys = keys.find((k) => k.region === region)!;
    service.addStackDependency(regionKeys, 'binds to the key aliases of its region');
    return service;
  });

  // The front door of each region, after its service stack: the REST API calls the service's
  // functions by their derived names; the only value read from the service stack is its WebSocket
  // API (same region, for the realtime custom domain).
  const apis = services.map((service) => {
    const api = new ApiStack(app, apiStackName(config, service.region), {
      stackName: apiStackName(config, service.region),
      env: { account: config.account, region: service.region },
      description: `WedSync API in ${service.region}: REST API, WAF, health check, custom domains and latency records`,
      crossRegionReferences: false,
      config,
      serviceStackName: service.stackName,
      realtime: service.realtime,
    });
    api.addStackDependency(service, "calls the service's functions and maps its WebSocket API");
    return api;
  });

  return { config, data, services, apis, backupCopy, keys };
}
