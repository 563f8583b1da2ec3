/**
 * The stateful stack: DynamoDB global tables and Secrets Manager secrets, created once in the
 * primary region and replicated to the others, and the secrets' rotation (the SecretRotation
 * function and every schedule, beside the secrets; issue 9). Everything here is derived from the
 * catalog (`TABLES`, `SECRETS`, `KEYS`). Every replica is encrypted with its own region's store key,
 * named by its derived alias ARN (the keys stacks, deployed first, make the keys and aliases): no
 * cross-region reference, so this stack reads nothing of another stack at deploy time.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { ApplicationKeyId, StoreKeyId } from '#src/catalog/keys';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DATA_FUNCTIONS, type DataFunctionId } from '#src/catalog/functions';
import { SECRETS, type SecretId } from '#src/catalog/secrets';
import { SECRET_DESCRIPTIONS } from '#src/catalog/secret-docs';
import type { SettingId } from '#src/catalog/settings';
import {
  type AutoscaledCapacity,
  type IndexProjection,
  type TableCapacity,
  TABLES,
  type TableDefinition,
  type TableId,
} from '#src/catalog/tables';
import { TableBackups } from '../constructs/table-backups';
import { dataFunctionName, type NamingScope, secretName, tableName } from '#src/catalog/physical-names';
import {
  ServiceFunction,
  type PowertoolsSettings,
  type ServiceResources,
} from '../constructs/service-function';
import { keyAliasArn, storeKeysIn } from '../constructs/key-aliases';

export interface DataStackProps extends StackProps {
  readonly replicaRegions: readonly string[];
  readonly contributorInsights: boolean;
  /**
   * Tables, secrets and key aliases are named from it (src/catalog/physical-names.ts), so every
   * region's service stack derives them instead of reading this stack's outputs (issue 11).
   */
  readonly naming: NamingScope;
  /** AWS Backup of every table (issue 11); without it only PITR protects the tables. */
  readonly backup?: {
    readonly vaultName: string;
    readonly retentionDays: number;
    readonly vaultLock: boolean;
    /** The region of the copy vault (`BackupCopyStack`, same vault name). */
    readonly copyRegion: string;
  };
  /** How the data stack's functions (the secret rotation function, issue 9) are built. */
  readonly functions: {
    readonly logRetention: logs.RetentionDays;
    readonly tracing: boolean;
    readonly powertools: PowertoolsSettings;
    readonly settings: Readonly<Record<SettingId, string>>;
  };
}

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/** The catalog's projection of an index (decided per index: ADR 0032) in the construct's terms. */
function cdkProjection(
  projection: IndexProjection,
): Pick<dynamodb.GlobalSecondaryIndexPropsV2, 'projectionType' | 'nonKeyAttributes'> {
  if (projection === 'all') return { projectionType: dynamodb.ProjectionType.ALL };
  if (projection === 'keys-only') return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
  return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...projection.include] };
}

const autoscaled = (capacity: AutoscaledCapacity): dynamodb.Capacity =>
  dynamodb.Capacity.autoscaled({
    minCapacity: capacity.min,
    maxCapacity: capacity.max,
    targetUtilizationPercent: capacity.targetPercent,
    // Required by CloudFormation to switch an existing table from on-demand to provisioned: the
    // capacity it starts from until auto scaling adjusts it (ADR 0035, "Deploying").
    seedCapacity: capacity.min,
  });

/**
 * The catalog's capacity decision (ADR 0035) as the table's billing. A provisioned table's GSIs
 * and replicas inherit it: each index and each replica gets its own autoscaled capacity with the
 * same minimum, maximum and target (CloudFormation renders them per index and per replica).
 */
export function cdkBilling(capacity: TableCapacity): dynamodb.Billing {
  if (capacity.mode === 'on-demand') return dynamodb.Billing.onDemand();
  return dynamodb.Billing.provisioned({
    readCapacity: autoscaled(capacity.read),
    writeCapacity: autoscaled(capacity.write),
  });
}

export class DataStack extends Stack {
  readonly tables: Readonly<Record<TableId, dynamodb.TableV2>>;
  readonly secrets: Readonly<Record<SecretId, secretsmanager.Secret>>;
  /** This region's store keys, by their aliases (the keys stack of this region makes them). */
  readonly storeKeys: Readonly<Record<StoreKeyId, kms.IKey>>;
  readonly backups: TableBackups | undefined;
  /** The functions of the catalog built here (`stack: 'data'`); their alarms are in the primary service stack. */
  readonly functions: Readonly<Record<DataFunctionId, ServiceFunction>>;
  /** Secret rotation (issue 9): one schedule per catalogued secret, beside it. */
  readonly rotationSchedules: readonly secretsmanager.RotationSchedule[];

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.storeKeys = storeKeysIn(this, props.naming);

    this.tables = Object.fromEntries(TABLES.map((def) => [def.id, this.globalTable(def, props)])) as Record<
      TableId,
      dynamodb.TableV2
    >;

    this.secrets = Object.fromEntries(
      SECRETS.map((def) => {
        const secret = new secretsmanager.Secret(this, `${def.id}Secret`, {
          secretName: secretName(props.naming, def.id),
          description: SECRET_DESCRIPTIONS[def.id],
          generateSecretString: { passwordLength: 64, excludePunctuation: true },
          replicaRegions: props.replicaRegions.map((region) => ({ region })),
          removalPolicy: RemovalPolicy.RETAIN,
        });
        // Each copy on its region's secrets key, by alias ARN (Secrets Manager accepts a key's ARN, id
        // or alias). Set on the resource: the L2's `encryptionKey` per replica wants a key object.
        const cfn = secret.node.defaultChild as secretsmanager.CfnSecret;
        cfn.kmsKeyId = keyAliasArn(this, props.naming, 'Secrets');
        cfn.replicaRegions = props.replicaRegions.map((region) => ({
          region,
          kmsKeyId: keyAliasArn(this, props.naming, 'Secrets', region),
        }));
        return [def.id, secret];
      }),
    ) as Record<SecretId, secretsmanager.Secret>;

    this.functions = Object.fromEntries(
      DATA_FUNCTIONS.map((def) => {
        const fn = new ServiceFunction(this, `${def.id}Function`, {
          definition: def,
          functionName: dataFunctionName(props.naming, def.id),
          logRetention: props.functions.logRetention,
          tracing: props.functions.tracing,
          powertools: props.functions.powertools,
          // No alarm topics here: the primary service stack alarms on it by its derived name.
        });
        fn.bind(this.resources(props));
        return [def.id, fn];
      }),
    ) as Record<DataFunctionId, ServiceFunction>;
    this.rotationSchedules = this.rotateSecrets(this.functions.SecretRotation);

    // Every catalog table, hourly, copied to a second region (issue 11).
    this.backups = props.backup
      ? new TableBackups(this, 'Backups', {
          vaultName: props.backup.vaultName,
          retentionDays: props.backup.retentionDays,
          vaultLock: props.backup.vaultLock,
          copyVaultArn: this.formatArn({
            service: 'backup',
            region: props.backup.copyRegion,
            resource: 'backup-vault',
            resourceName: props.backup.vaultName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
          tables: TABLES.map((def) => this.tables[def.id]),
        })
      : undefined;
  }

  /**
   * What a data-stack function may be bound to: this stack's tables and secrets, the region's keys
   * by alias, and the settings. No queue, layer, e-mail sender or bucket lives here; a data function
   * naming one is refused by the catalog test (test/unit/catalog), and `bind` would fail.
   */
  private resources(props: DataStackProps): ServiceResources {
    const none = {} as never;
    return {
      tables: this.tables,
      secrets: this.secrets,
      keys: { TokenVault: keyAliasArn(this, props.naming, 'TokenVault') } satisfies Record<
        ApplicationKeyId,
        string
      >,
      storeKeys: this.storeKeys,
      settings: props.functions.settings,
      queues: none,
      layers: none,
      emailSenders: none,
      buckets: none,
    };
  }

  /**
   * Secret rotation (issue 9): every catalogued secret on its catalogued schedule, rotated by the
   * SecretRotation function, both here beside the secrets (Secrets Manager then replicates each new
   * version to the other regions). Each schedule grants the function DescribeSecret, GetSecretValue,
   * PutSecretValue and UpdateSecretVersionStage on its one secret, and Secrets Manager the invoke;
   * writing a version also needs the region's secrets key (by alias, `kms:ResourceAliases`).
   */
  private rotateSecrets(rotation: ServiceFunction): secretsmanager.RotationSchedule[] {
    const schedules = SECRETS.map(
      (def) =>
        new secretsmanager.RotationSchedule(this, `${def.id}Rotation`, {
          secret: this.secrets[def.id],
          rotationLambda: rotation.function,
          automaticallyAfter: Duration.days(def.rotation.everyDays),
        }),
    );
    this.storeKeys.Secrets.grantEncryptDecrypt(rotation.role);
    Validations.of(rotation.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'secretsmanager:GetRandomPassword, added by the RotationSchedule construct, has no resource-level ' +
        'permissions (Service Authorization Reference); our function generates keys with node:crypto and never ' +
        'calls it. Every other action is on the one secret each schedule rotates.',
    });
    return schedules;
  }

  private globalTable(def: TableDefinition, props: DataStackProps): dynamodb.TableV2 {
    return new dynamodb.TableV2(this, `${def.id}Table`, {
      tableName: tableName(props.naming, def.id),
      partitionKey: stringKey(def.partitionKey),
      sortKey: def.sortKey === undefined ? undefined : stringKey(def.sortKey),
      billing: cdkBilling(def.capacity),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: def.ttlAttribute,
      contributorInsightsSpecification: props.contributorInsights ? { enabled: true } : undefined,
      globalSecondaryIndexes: def.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        ...cdkProjection(index.projection),
      })),
      replicas: props.replicaRegions.map((region) => ({ region })),
      // Every replica on its region's tables key, by alias ARN (DynamoDB accepts a key's id, ARN,
      // alias name or alias ARN; the key must be in the replica's region).
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(
        this.storeKeys.Tables,
        Object.fromEntries(
          props.replicaRegions.map((region) => [region, keyAliasArn(this, props.naming, 'Tables', region)]),
        ),
      ),
    });
  }
}
