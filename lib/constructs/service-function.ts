/**
 * The one way this project builds a Lambda function (STYLE 8): pinned runtime, architecture,
 * bundling, log group and Powertools settings, an error alarm, and `bind()`, which couples every
 * IAM grant with the environment variable that names the resource (`environmentFor`). Which resources a function
 * may touch, and how, comes only from its `FunctionDefinition` in the catalog.
 */
import * as path from 'node:path';
import { Arn, ArnFormat, type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { consumerOf, type FunctionDefinition, type TableAccess } from '#src/catalog/functions';
import { environmentFor, settingsEnvironment, type FunctionSettings } from '#src/catalog/function-env';
import { QUEUES, type QueueDefinition, type QueueId } from '#src/catalog/queues';
import type { LayerId } from '#src/catalog/layers';
import type { SecretId } from '#src/catalog/secrets';
import { EMAIL_SENDERS, type EmailSenderDefinition, type EmailSenderId } from '#src/catalog/email';
import type { BucketAccess, BucketId } from '#src/catalog/buckets';
import type { SettingId } from '#src/catalog/settings';
import { KEYS, type KeyDefinition, type KeyId } from '#src/catalog/keys';
import { FUNCTION_BUNDLING } from '#src/catalog/bundling';
import { TABLES, type TableDefinition, type TableId } from '#src/catalog/tables';
import type { ServiceAlarms } from './service-alarms';

/** Repository root: entries in the catalog are relative to it. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * DynamoDB actions per access level. Explicit lists rather than `grantReadData`: no `Scan` (no
 * request path may scan, DESIGN "AWS shape") and index ARNs named one by one instead of `index/*`.
 * Transactions are authorised through these item-level actions.
 */
export const DYNAMODB_ACTIONS = {
  read: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
  ],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  // Append-only tables (Audit): a new item, never a change or a removal. Not BatchWriteItem, which
  // also authorises deletes; the adapter's PutItem carries attribute_not_exists, so no overwrite.
  append: ['dynamodb:PutItem'],
} as const;

/** The DynamoDB actions a catalog access level grants on a table. */
export function dynamoActionsFor(access: TableAccess): string[] {
  if (access === 'readwrite') return [...DYNAMODB_ACTIONS.read, ...DYNAMODB_ACTIONS.write];
  if (access === 'append') return [...DYNAMODB_ACTIONS.read, ...DYNAMODB_ACTIONS.append];
  return [...DYNAMODB_ACTIONS.read];
}

const ACCESS_SID: Record<TableAccess, string> = { read: 'Read', readwrite: 'ReadWrite', append: 'Append' };

export type PowertoolsSettings = FunctionSettings;

export interface ServiceFunctionProps {
  readonly definition: FunctionDefinition;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
  readonly powertools: PowertoolsSettings;
  readonly alarms: ServiceAlarms;
  /** Errors (sum over 5 minutes) at or above which the error alarm pages. */
  readonly errorAlarmThreshold: number;
  /**
   * An error message the function fails with by contract, which must not page anyone: a REQUEST
   * authorizer answers 401 by failing with "Unauthorized". Such failures are counted from the log
   * ("Invoke Error" lines of the Node.js runtime) and subtracted from the Errors metric.
   */
  readonly expectedErrorMessage?: string;
}

/** The regional resources a function can be bound to, keyed by catalog id. */
export interface ServiceResources {
  readonly tables: Readonly<Record<TableId, ITableV2>>;
  readonly queues: Readonly<Record<QueueId, IQueue>>;
  /** Each queue's DLQ (a `consume-and-send` consumer parks what it gives up on there). */
  readonly deadLetterQueues?: Readonly<Partial<Record<QueueId, IQueue>>>;
  readonly secrets: Readonly<Record<SecretId, ISecret>>;
  readonly layers: Readonly<Record<LayerId, lambda.ILayerVersion>>;
  readonly emailSenders: Readonly<Record<EmailSenderId, EmailSenderResource>>;
  /** Values of the plain settings, from the deployment configuration. */
  readonly settings: Readonly<Record<SettingId, string>>;
  /** ARN of each KMS key in this region (the primary key, or its replica). */
  readonly keys: Readonly<Record<KeyId, string>>;
  /** The catalog's S3 buckets in this region. */
  readonly buckets: Readonly<Record<BucketId, IBucket>>;
  /** The region's real-time WebSocket API (issue 14), for functions with `manageConnections`. */
  readonly webSocket?: { readonly managementEndpoint: string; readonly connectionsArn: string };
}

/**
 * S3 actions per access level, on the bucket's objects. `read` also lists the bucket, so that a
 * missing object is a 404 (not a 403) to HeadObject: the API tells "not uploaded yet" from an error.
 */
export const S3_ACTIONS = {
  read: ['s3:GetObject'],
  write: ['s3:PutObject'],
} as const;

/** An SES sender in this region: the verified identity, its From address, its configuration set. */
export interface EmailSenderResource {
  readonly identityArn: string;
  readonly fromAddress: string;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
}

export class ServiceFunction extends Construct {
  readonly definition: FunctionDefinition;
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly errorAlarm: cloudwatch.Alarm;
  readonly throttleAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { definition } = props;
    this.definition = definition;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention });

    // Our own role instead of the default one with AWSLambdaBasicExecutionRole (AwsSolutions-IAM4):
    // the function may write to its own log group and nothing else until a bind method says so.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${definition.id} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: definition.description,
      entry: path.join(PROJECT_ROOT, definition.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: definition.memoryMb,
      timeout: Duration.seconds(definition.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      // Text format: the runtime's "Invoke Error" lines are what `expectedErrorMessage` counts.
      loggingFormat: lambda.LoggingFormat.TEXT,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: settingsEnvironment(props.powertools),
      bundling: {
        forceDockerBundling: false,
        target: FUNCTION_BUNDLING.target,
        minify: FUNCTION_BUNDLING.minify,
        sourceMap: FUNCTION_BUNDLING.sourceMap,
        sourcesContent: FUNCTION_BUNDLING.sourcesContent,
        externalModules: [...FUNCTION_BUNDLING.externalModules],
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
        logLevel: nodejs.LogLevel.ERROR,
      },
    });

    this.errorAlarm = props.alarms.create(this, 'ErrorsAlarm', 'functionErrors', definition.id, {
      name: `${definition.id}-errors`,
      description:
        `The ${definition.id} function failed ${props.errorAlarmThreshold}+ times in 5 minutes` +
        (props.expectedErrorMessage ? ` (not counting "${props.expectedErrorMessage}")` : '') +
        '.',
      metric: this.unexpectedErrors(props),
      threshold: props.errorAlarmThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    // Any throttle: Lambda refused an invocation (account or reserved concurrency exhausted).
    this.throttleAlarm = props.alarms.create(this, 'ThrottlesAlarm', 'functionThrottles', definition.id, {
      name: `${definition.id}-throttles`,
      description: `Lambda throttled the ${definition.id} function in two 5-minute periods out of three.`,
      metric: this.function.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Deliberately pinned to nodejs22.x and bundled for node22 (TOOLCHAIN: nodejs20.x is deprecated; the ' +
        'same handlers also run on the local Node 20, which 22 stays closest to). Moving to 24 is one line ' +
        'here, recorded in ADR 0002.',
    });
    if (props.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Added by Lambda active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support ' +
          'resource-level permissions (Service Authorization Reference, AWS X-Ray), so Resource must be "*".',
      });
    }
  }

  /** Lambda Errors over 5 minutes, minus the failures the function makes by contract. */
  private unexpectedErrors(props: ServiceFunctionProps): cloudwatch.IMetric {
    const period = Duration.minutes(5);
    const errors = this.function.metricErrors({ period, statistic: cloudwatch.Stats.SUM });
    if (props.expectedErrorMessage === undefined) return errors;
    const expected = new logs.MetricFilter(this, 'ExpectedErrors', {
      logGroup: this.logGroup,
      filterPattern: logs.FilterPattern.allTerms('Invoke Error', props.expectedErrorMessage),
      metricNamespace: props.powertools.metricsNamespace,
      metricName: `${this.definition.id}ExpectedErrors`,
      metricValue: '1',
    });
    return new cloudwatch.MathExpression({
      expression: 'FILL(errors, 0) - FILL(expected, 0)',
      usingMetrics: { errors, expected: expected.metric({ period, statistic: cloudwatch.Stats.SUM }) },
      label: `${this.definition.id} unexpected errors`,
      period,
    });
  }

  /**
   * Grants exactly what the definition lists and sets the environment variables that name those
   * resources, computed by `environmentFor` (src/catalog/function-env.ts), the one function the
   * local mode also uses, so the two cannot drift. Fails if the definition names a resource that
   * `resources` does not provide.
   */
  bind(resources: ServiceResources): void {
    const deadLetterQueue = (queueId: QueueId): IQueue => {
      const dlq = resources.deadLetterQueues?.[queueId];
      if (!dlq) throw new Error(`Queue ${queueId}: no DLQ provided for ${this.definition.id}`);
      return dlq;
    };
    for (const [tableId, access] of entries(this.definition.tables)) {
      this.grantTable(byId(TABLES, tableId), resources.tables[tableId], access);
    }
    for (const [queueId, use] of entries(this.definition.queues)) {
      const def = byId(QUEUES, queueId);
      if (use !== 'send') this.consumeQueue(def, resources.queues[queueId]);
      if (use !== 'consume') resources.queues[queueId].grantSendMessages(this.role);
      if (use === 'consume-and-send') deadLetterQueue(queueId).grantSendMessages(this.role);
    }
    for (const secretId of this.definition.secrets) resources.secrets[secretId].grantRead(this.role);
    for (const layerId of this.definition.layers ?? []) {
      this.function.addLayers(resources.layers[layerId]);
    }
    for (const senderId of this.definition.emailSenders ?? []) {
      this.grantEmailSender(byId(EMAIL_SENDERS, senderId), resources.emailSenders[senderId]);
    }
    for (const keyId of this.definition.keys ?? []) this.grantKey(byId(KEYS, keyId), resources.keys[keyId]);
    for (const [bucketId, access] of entries(this.definition.buckets ?? {})) {
      this.grantBucket(bucketId, resources.buckets[bucketId], access);
    }
    // Real-time updates (issue 14): PostToConnection (and GET/DELETE) on the stage's connections only.
    if (this.definition.manageConnections) {
      if (!resources.webSocket) throw new Error(`${this.definition.id}: no WebSocket API provided`);
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ManageWebSocketConnections',
          actions: ['execute-api:ManageConnections'],
          resources: [resources.webSocket.connectionsArn],
        }),
      );
    }
    // Every variable naming a granted resource, computed where the local mode computes it too.
    const env = environmentFor(this.definition, {
      table: (id) => resources.tables[id].tableName,
      queue: (id) => resources.queues[id].queueUrl,
      deadLetterQueue: (id) => deadLetterQueue(id).queueUrl,
      secret: (id) => resources.secrets[id].secretArn,
      emailSender: (id) => resources.emailSenders[id],
      setting: (id) => resources.settings[id],
      key: (id) => resources.keys[id],
      bucket: (id) => resources.buckets[id].bucketName,
      ...(resources.webSocket
        ? { webSocketManagementEndpoint: () => resources.webSocket!.managementEndpoint }
        : {}),
    });
    for (const [name, value] of Object.entries(env)) this.function.addEnvironment(name, value);
  }

  /**
   * ses:SendEmail on the one identity and configuration set (SES v2 authorises both), only as the
   * configured From address.
   */
  grantEmailSender(def: EmailSenderDefinition, sender: EmailSenderResource): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: `${def.id}SendEmail`,
        actions: ['ses:SendEmail'],
        resources: [sender.identityArn, sender.configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': sender.fromAddress } },
      }),
    );
  }

  /** Object actions of the access level on the bucket's objects (and ListBucket for readers). */
  private grantBucket(id: BucketId, bucket: IBucket, access: BucketAccess): void {
    const read = access === 'read' || access === 'readwrite';
    const write = access === 'write' || access === 'readwrite';
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: `${id}Objects${read ? 'Read' : ''}${write ? 'Write' : ''}`,
        actions: [...(read ? S3_ACTIONS.read : []), ...(write ? S3_ACTIONS.write : [])],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    if (read) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `${id}List`,
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
        }),
      );
    }
    const bucketStack = Stack.of(bucket);
    const logicalId = bucketStack.resolve(
      bucketStack.getLogicalId(bucket.node.defaultChild as CfnElement),
    ) as string;
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/*]`,
      reason:
        `Objects of the ${id} bucket are keyed <supplierId>/<importId>, chosen per request: the grant is on the ` +
        "objects of this one bucket (its only contents), with only the catalog access level's actions.",
    });
  }

  /**
   * The key's catalogued actions on the one key behind the alias, and only with an encryption
   * context naming a connection (every sealed token has one), so the grant cannot encrypt or decrypt
   * anything else. The key is named by its regional alias (its mrk- id is not derivable, issue 11):
   * IAM matches it with `kms:ResourceAliases` on this region's keys.
   */
  grantKey(def: KeyDefinition, aliasArn: string): void {
    const stack = Stack.of(this);
    const { resourceName } = Arn.split(aliasArn, ArnFormat.SLASH_RESOURCE_NAME);
    const keys = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: `${def.id}Key`,
        actions: [...def.actions],
        resources: [keys],
        conditions: {
          Null: { 'kms:EncryptionContext:connectionId': 'false' },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/${resourceName}` },
        },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${keys}]`,
      reason:
        `The ${def.id} key is a multi-region key whose mrk- id is random; every region names it by its alias ` +
        '(derived, so a region deploys without reading the primary region): the grant matches only the key ' +
        'carrying that alias (kms:ResourceAliases) and only with a connection encryption context.',
    });
  }

  /** Read (default), read/write or append (reads + PutItem) on the table and on each of its catalog indexes. */
  private grantTable(def: TableDefinition, table: ITableV2, access: TableAccess = 'read'): void {
    const actions = dynamoActionsFor(access);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: `${def.id}${ACCESS_SID[access]}`,
        actions,
        resources: [table.tableArn],
      }),
    );
    if (def.indexes.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `${def.id}IndexQuery`,
          actions: ['dynamodb:Query'],
          resources: def.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
        }),
      );
    }
    table.encryptionKey?.grantEncryptDecrypt(this.role);
  }

  /** The catalog's event source: batches, window, concurrency, and partial batch responses. */
  private consumeQueue(def: QueueDefinition, queue: IQueue): void {
    const consumer = def.consumer;
    if (!consumer || consumerOf(def.id)?.id !== this.definition.id) {
      throw new Error(`Queue ${def.id} does not name ${this.definition.id} as its consumer in the catalog`);
    }
    if (def.visibilityTimeoutSeconds < this.definition.timeoutSeconds) {
      throw new Error(
        `Queue ${def.id}: visibility timeout ${def.visibilityTimeoutSeconds}s is shorter than the ` +
          `${this.definition.id} timeout ${this.definition.timeoutSeconds}s`,
      );
    }
    this.function.addEventSource(
      new SqsEventSource(queue, {
        batchSize: consumer.batchSize,
        maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds),
        maxConcurrency: consumer.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
}

function entries<K extends string, V>(record: Partial<Record<K, V>>): [K, V][] {
  return Object.entries(record) as [K, V][];
}

function byId<T extends { readonly id: string }>(list: readonly T[], id: T['id']): T {
  const found = list.find((item) => item.id === id);
  if (!found) throw new Error(`Unknown catalog id ${id}`);
  return found;
}
