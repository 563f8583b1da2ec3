/**
 * The stateful stack: DynamoDB global tables and Secrets Manager secrets, created once in the
 * primary region and replicated to the others. Everything here is derived from the catalog
 * (`TABLES`, `SECRETS`); the regional service stacks receive these constructs as typed props.
 */
import { ArnFormat, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { KEYS, type KeyId } from '#src/catalog/keys';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { SECRETS, type SecretId } from '#src/catalog/secrets';
import { TABLES, type TableDefinition, type TableId } from '#src/catalog/tables';
import { TableBackups } from '../constructs/table-backups';
import { keyAliasName, type NamingScope, secretName, tableName } from '#src/catalog/physical-names';

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
}

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

export class DataStack extends Stack {
  readonly tables: Readonly<Record<TableId, dynamodb.TableV2>>;
  readonly secrets: Readonly<Record<SecretId, secretsmanager.Secret>>;
  /** Multi-region primary keys; each service stack outside the primary region holds a replica. */
  readonly keys: Readonly<Record<KeyId, kms.Key>>;
  readonly backups: TableBackups | undefined;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);

    this.tables = Object.fromEntries(TABLES.map((def) => [def.id, this.globalTable(def, props)])) as Record<
      TableId,
      dynamodb.TableV2
    >;

    this.secrets = Object.fromEntries(
      SECRETS.map((def) => {
        const secret = new secretsmanager.Secret(this, `${def.id}Secret`, {
          secretName: secretName(props.naming, def.id),
          description: def.description,
          generateSecretString: { passwordLength: 64, excludePunctuation: true },
          replicaRegions: props.replicaRegions.map((region) => ({ region })),
          removalPolicy: RemovalPolicy.RETAIN,
        });
        // Rotated by the SecretRotation function on the catalogued schedule: the schedules are made
        // in the primary region's service stack, where the function is (issue 9).
        Validations.of(secret).acknowledge({
          id: 'AwsSolutions-SMG4',
          reason:
            'The secret rotates: its RotationSchedule (SecretRotation function, catalogued period) is in the ' +
            "primary region's service stack, beside the function; a schedule here would point back at that stack " +
            "(a cycle). cdk-nag's SMG4 only looks in the secret's own stack; test/infra/secret-rotation.test.ts " +
            'proves every secret has its schedule.',
        });
        return [def.id, secret];
      }),
    ) as Record<SecretId, secretsmanager.Secret>;

    // Multi-region: the tables these keys protect are global, so a token sealed in one region must
    // open in every other (a replica shares the key material and the mrk- id).
    this.keys = Object.fromEntries(
      KEYS.map((def) => {
        const key = new kms.Key(this, `${def.id}Key`, {
          description: def.description,
          enableKeyRotation: true,
          removalPolicy: RemovalPolicy.RETAIN,
        });
        (key.node.defaultChild as kms.CfnKey).multiRegion = true;
        // The regional name functions use: each replica region makes the same alias on its replica.
        key.addAlias(keyAliasName(props.naming, def.id));
        return [def.id, key];
      }),
    ) as Record<KeyId, kms.Key>;

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

  private globalTable(def: TableDefinition, props: DataStackProps): dynamodb.TableV2 {
    return new dynamodb.TableV2(this, `${def.id}Table`, {
      tableName: tableName(props.naming, def.id),
      partitionKey: stringKey(def.partitionKey),
      sortKey: def.sortKey === undefined ? undefined : stringKey(def.sortKey),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: def.ttlAttribute,
      contributorInsightsSpecification: props.contributorInsights ? { enabled: true } : undefined,
      globalSecondaryIndexes: def.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      replicas: props.replicaRegions.map((region) => ({ region })),
    });
  }
}
