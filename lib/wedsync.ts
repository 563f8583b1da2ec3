/**
 * The whole system for every region, from the `wedsync` context and the catalog: the stateful
 * data stack in the primary region, then one stateless service stack per region that receives
 * the tables and secrets as typed props. Stack names are derived from `appName` and the region.
 */
import { type App, type Stage, Tags } from 'aws-cdk-lib';
import { allRegions, loadConfig, type WedSyncConfig } from './config';
import { backupCopyRegion } from './settings';
import { PipelineStack, pipelineStackName } from './pipeline';
import { backupVaultName } from './constructs/table-backups';
import { BackupCopyStack } from './stacks/backup-copy-stack';
import { DataStack } from './stacks/data-stack';
import { KeyReplicaStack } from './stacks/key-replica-stack';
import { ServiceStack } from './stacks/service-stack';

export interface WedSync {
  readonly config: WedSyncConfig;
  readonly data: DataStack;
  /** One per region, the primary region first. */
  readonly services: readonly ServiceStack[];
  /** The vault in a second region that every table recovery point is copied to (issue 11). */
  readonly backupCopy: BackupCopyStack;
  /** The multi-region keys' replicas and aliases, one stack per replica region (issue 11). */
  readonly keyReplicas: readonly KeyReplicaStack[];
  /** With a `pipeline` configuration: the pipeline that deploys the stacks above (ADR 0028). */
  readonly pipeline?: PipelineStack<WedSync>;
}

export const dataStackName = (config: WedSyncConfig): string => `${config.appName}-Data`;
export const serviceStackName = (config: WedSyncConfig, region: string): string =>
  `${config.appName}-Service-${region}`;
export const keyReplicaStackName = (config: WedSyncConfig, region: string): string =>
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

/** Every stack of the selected stage, into the app or a pipeline's stage (same stack names). */
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

  const data = new DataStack(app, dataStackName(config), {
    stackName: dataStackName(config),
    env: { account: config.account, region: config.primaryRegion },
    description: 'WedSync stateful resources: DynamoDB global tables and replicated secrets',
    terminationProtection: true,
    replicaRegions: config.replicaRegions,
    contributorInsights: config.contributorInsights,
    naming: config,
    backup: {
      vaultName,
      retentionDays: config.backup.retentionDays,
      vaultLock: config.backup.vaultLock,
      copyRegion: backupCopyRegion(config),
    },
  });
  data.addStackDependency(backupCopy, 'the backup plan copies into its vault');

  // The one deploy-time read of the primary region outside the data stack: a replica key names its
  // primary's ARN (a random mrk- id). These stateful stacks change only when a key is added.
  const keyReplicas = config.replicaRegions.map((region) => {
    const keys = new KeyReplicaStack(app, keyReplicaStackName(config, region), {
      stackName: keyReplicaStackName(config, region),
      env: { account: config.account, region },
      description: `WedSync keys in ${region}: replicas of the multi-region keys and their aliases`,
      terminationProtection: true,
      crossRegionReferences: true,
      keys: data.keys,
      naming: config,
    });
    keys.addStackDependency(data, 'replicates the primary keys');
    return keys;
  });

  // Service stacks name tables, secrets and keys by derived names (src/catalog/physical-names.ts):
  // no cross-region reference, so a region's service deploys while the primary region is down.
  const services = allRegions(config).map((region) => {
    const service = new ServiceStack(app, serviceStackName(config, region), {
      stackName: serviceStackName(config, region),
      env: { account: config.account, region },
      description: `WedSync service in ${region}: API, queues, functions, alarms, dashboard`,
      crossRegionReferences: false,
      config,
      secrets: data.secrets,
      stackNameIn: (other) => serviceStackName(config, other),
    });
    service.addStackDependency(data, 'binds to the global tables and secrets');
    const keys = keyReplicas.find((k) => k.region === region);
    if (keys) service.addStackDependency(keys, 'binds to the key alias of its region');
    return service;
  });

  return { config, data, services, backupCopy, keyReplicas };
}
