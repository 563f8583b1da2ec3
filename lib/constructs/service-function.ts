/**
 * The one way this project builds a Lambda function (STYLE 8): pinned runtime, architecture,
 * bundling, log group and Powertools settings, an error alarm, and `bind()`, which couples every
 * IAM grant with the environment variable that names the resource (`environmentFor`). Which resources a function
 * may touch, and how, comes only from its `FunctionDefinition` in the catalog.
 */
import * as path from 'node:path';
import { Arn, ArnFormat, type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
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
import {
  consumerOf,
  type FunctionDefinition,
  type FunctionSchedule,
  type TableAccess,
} from '#src/catalog/functions';
import { loadConfig } from '../config';
import {
  ALARM_TOPIC_IDS,
  environmentFor,
  settingsEnvironment,
  type AlarmTopicId,
  type FunctionSettings,
} from '#src/catalog/function-env';
import { QUEUES, type QueueDefinition, type QueueId } from '#src/catalog/queues';
import type { LayerId } from '#src/catalog/layers';
import type { SecretId } from '#src/catalog/secrets';
import { EMAIL_SENDERS, type EmailSenderDefinition, type EmailSenderId } from '#src/catalog/email';
import type { BucketAccess, BucketId } from '#src/catalog/buckets';
import type { SettingId } from '#src/catalog/settings';
import {
  APPLICATION_KEYS,
  type ApplicationKeyDefinition,
  type ApplicationKeyId,
  type StoreKeyId,
} from '#src/catalog/keys';
import type * as kms from 'aws-cdk-lib/aws-kms';
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
  // PartiQLUpdate: UpdateItem's power as a statement (the delivery worker's batched outcome writes,
  // ADR 0022); no PartiQLInsert/PartiQLDelete/PartiQLSelect, which nothing uses.
  write: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:PartiQLUpdate',
  ],
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

/** Where a function's canary deployments run: the stack's CodeDeploy application and its role. */
export interface FunctionDeployment {
  readonly application: codedeploy.ILambdaApplication;
  /** One role for every deployment group of the stack (CodeDeploy's managed Lambda policy). */
  readonly role: iam.IRole;
}

/** The alias every caller invokes when a function deploys through CodeDeploy. */
export const LIVE_ALIAS = 'live';

export interface ServiceFunctionProps {
  readonly definition: FunctionDefinition;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
  readonly powertools: PowertoolsSettings;
  /**
   * Where the error and throttle alarms go. Omitted for a function of the data stack (which has no
   * alarm topics): the primary service stack makes them with `functionAlarms`, by its derived name.
   */
  readonly alarms?: ServiceAlarms;
  /** Errors (sum over 5 minutes) at or above which the error alarm pages (with `alarms`). */
  readonly errorAlarmThreshold?: number;
  /** A physical name, for a function other stacks name without reading this one's outputs. */
  readonly functionName?: string;
  /**
   * Safe deploys (issue 11): a `live` alias on the function's current version, shifted by CodeDeploy
   * with a canary (10% for 5 minutes) and rolled back when its error or throttle alarm fires or
   * the deployment fails. Every caller (event sources, schedules, integrations) invokes the alias.
   */
  readonly deployment?: FunctionDeployment;
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
  /** Alias ARN of each application key in this region (on the primary key, or its replica). */
  readonly keys: Readonly<Record<ApplicationKeyId, string>>;
  /**
   * This region's store keys (issue 9), named by alias: the tables' key (also each table's
   * `encryptionKey`), the queues' (each queue's `encryptionMasterKey`) and the secrets'. Grants on
   * them are CDK's imported-alias grants (`kms:ResourceAliases`, lib/constructs/key-aliases.ts).
   */
  readonly storeKeys: Readonly<Record<StoreKeyId, kms.IKey>>;
  /** The catalog's S3 buckets in this region. */
  readonly buckets: Readonly<Record<BucketId, IBucket>>;
  /** The region's real-time WebSocket API (issue 14), for functions with `manageConnections`. */
  readonly webSocket?: { readonly managementEndpoint: string; readonly connectionsArn: string };
  /** The region's two alarm topics' ARNs (issue 10), for functions with `alarmTopics`. */
  readonly alarmTopics?: Readonly<Record<AlarmTopicId, string>>;
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
  private readonly alarmPair: FunctionAlarms | undefined;
  /** Whether the role was granted encryption with a key (CDK's grants name `kms:GenerateDataKey*`). */
  private keyGrants: 'none' | 'decrypt' | 'encrypt' = 'none';
  /** The EventBridge rule of a function with a catalog `schedule`, in the regions it names. */
  readonly scheduleRule?: events.Rule;
  /** With `deployment`: the `live` alias (on the current version) that callers invoke. */
  readonly live?: lambda.Alias;
  /** With `deployment`: the canary deployment of the alias, rolled back on the function's alarms. */
  readonly deploymentGroup?: codedeploy.LambdaDeploymentGroup;

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
      functionName: props.functionName,
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
        inject: FUNCTION_BUNDLING.inject.map((file) => path.join(PROJECT_ROOT, file)),
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
        logLevel: nodejs.LogLevel.ERROR,
      },
    });

    if (props.alarms && props.errorAlarmThreshold === undefined) {
      throw new Error(`${definition.id}: alarms need an error alarm threshold`);
    }
    this.alarmPair = props.alarms
      ? functionAlarms(this, props.alarms, {
          definition,
          fn: this.function,
          errorAlarmThreshold: props.errorAlarmThreshold!,
          errors: this.unexpectedErrors(props),
          expectedErrorMessage: props.expectedErrorMessage,
        })
      : undefined;

    if (props.deployment) {
      if (!this.alarmPair)
        throw new Error(`${definition.id}: a canary deployment needs the function's alarms`);
      this.live = new lambda.Alias(this, 'Live', {
        aliasName: LIVE_ALIAS,
        version: this.function.currentVersion,
        description: `What callers of ${definition.id} invoke; CodeDeploy shifts it to each new version`,
      });
      this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'Deployment', {
        application: props.deployment.application,
        alias: this.live,
        role: props.deployment.role,
        deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
        alarms: [this.alarmPair.error, this.alarmPair.throttle],
        autoRollback: { failedDeployment: true, deploymentInAlarm: true, stoppedDeployment: true },
      });
    }

    if (definition.schedule && this.runsScheduleHere(definition.schedule)) {
      this.scheduleRule = this.scheduleOf(definition.schedule);
    }

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

  /** What callers invoke: the `live` alias when the function deploys through CodeDeploy, else the function. */
  get invokeTarget(): lambda.IFunction {
    return this.live ?? this.function;
  }

  /** The error alarm (a function of a service stack; a data-stack function has its alarms elsewhere). */
  get errorAlarm(): cloudwatch.Alarm {
    return this.alarms().error;
  }

  get throttleAlarm(): cloudwatch.Alarm {
    return this.alarms().throttle;
  }

  private alarms(): FunctionAlarms {
    if (!this.alarmPair)
      throw new Error(`${this.definition.id}: its alarms are made by the primary service stack`);
    return this.alarmPair;
  }

  private runsScheduleHere(schedule: FunctionSchedule): boolean {
    return schedule.regions === 'every' || Stack.of(this).region === loadConfig(this).primaryRegion;
  }

  /**
   * The catalog schedule as an EventBridge rule (issue 9). A missed run is harmless (the next one
   * finds the same due work), so EventBridge retries briefly and keeps no event older than a period.
   */
  private scheduleOf(schedule: FunctionSchedule): events.Rule {
    const period = Duration.minutes(schedule.everyMinutes);
    return new events.Rule(this, 'Schedule', {
      description: schedule.description,
      schedule: events.Schedule.rate(period),
      targets: [
        new eventTargets.LambdaFunction(this.invokeTarget, { retryAttempts: 2, maxEventAge: period }),
      ],
    });
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
    // A queue on the region's queues key: CDK's queue grants add the key's (decrypt to consume,
    // encrypt too to send), by its alias.
    for (const [queueId, use] of entries(this.definition.queues)) {
      const def = byId(QUEUES, queueId);
      if (use !== 'send') this.consumeQueue(def, resources.queues[queueId]);
      if (use !== 'consume') resources.queues[queueId].grantSendMessages(this.role);
      if (use === 'consume-and-send') deadLetterQueue(queueId).grantSendMessages(this.role);
      this.noteKeyGrant(use === 'consume' ? 'decrypt' : 'encrypt');
    }
    for (const secretId of this.definition.secrets) resources.secrets[secretId].grantRead(this.role);
    // Reading a secret decrypts its value with the region's secrets key (by alias).
    if (this.definition.secrets.length > 0) this.grantKeyUse(resources.storeKeys.Secrets, 'decrypt');
    for (const layerId of this.definition.layers ?? []) {
      this.function.addLayers(resources.layers[layerId]);
    }
    for (const senderId of this.definition.emailSenders ?? []) {
      this.grantEmailSender(byId(EMAIL_SENDERS, senderId), resources.emailSenders[senderId]);
    }
    for (const keyId of this.definition.keys ?? []) {
      this.grantKey(byId(APPLICATION_KEYS, keyId), resources.keys[keyId]);
    }
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
    // The paging path's check (issue 10): the two alarm topics' attributes, nothing else of SNS.
    if (this.definition.alarmTopics) {
      const topics = resources.alarmTopics;
      if (!topics) throw new Error(`${this.definition.id}: no alarm topics provided`);
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadAlarmTopicAttributes',
          actions: ['sns:GetTopicAttributes'],
          resources: ALARM_TOPIC_IDS.map((topic) => topics[topic]),
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
      ...(resources.alarmTopics
        ? { alarmTopicArn: (topic: AlarmTopicId) => resources.alarmTopics![topic] }
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
        `Objects of the ${id} bucket have keys chosen at run time (src/catalog/buckets.ts says which): the grant is ` +
        "on the objects of this one bucket (its only contents), with only the catalog access level's actions.",
    });
  }

  /**
   * The key's catalogued actions on the one key behind the alias, and only with an encryption
   * context naming a connection (every sealed token has one), so the grant cannot encrypt or decrypt
   * anything else. The key is named by its regional alias (its mrk- id is not derivable, issue 11):
   * IAM matches it with `kms:ResourceAliases` on this region's keys.
   */
  grantKey(def: ApplicationKeyDefinition, aliasArn: string): void {
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
    this.noteKeyGrant('decrypt');
  }

  /**
   * Decrypt (or encrypt and decrypt) with a store key of this region named by its alias: CDK's
   * imported-alias grant, on this region's keys carrying that alias only.
   */
  grantKeyUse(key: kms.IKey, use: 'decrypt' | 'encrypt'): void {
    if (use === 'decrypt') key.grantDecrypt(this.role);
    else key.grantEncryptDecrypt(this.role);
    this.noteKeyGrant(use);
  }

  /**
   * Records a key grant made here or by a CDK grant on an encrypted resource (a queue's send), and
   * acknowledges the cdk-nag findings such grants raise on this role: the resource `key/*` (keys are
   * named by alias: the statement's `kms:ResourceAliases` condition matches the one key), and for
   * encryption CDK's action families `kms:GenerateDataKey*` and `kms:ReEncrypt*`.
   */
  noteKeyGrant(use: 'decrypt' | 'encrypt'): void {
    if (this.keyGrants === 'encrypt' || this.keyGrants === use) return;
    const stack = Stack.of(this);
    if (this.keyGrants === 'none') {
      const keys = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${keys}]`,
        reason:
          'Keys are named by their derived alias in every region (a multi-region key has a random mrk- id, a ' +
          "store key's id is only known to its keys stack): each KMS statement matches only the key carrying " +
          'its alias (kms:ResourceAliases), and the token vault key only with a connection encryption context.',
      });
    }
    if (use === 'encrypt') {
      for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason:
            "Added by CDK's encrypt grant on a store key of this region (one key, by its alias); the key " +
            'policy lets it be used only through its one service (kms:ViaService, lib/constructs/key-policies.ts).',
        });
      }
    }
    this.keyGrants = use;
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
    // The region's tables key (issue 9), by its alias: decrypt to read, encrypt too to write.
    if (!table.encryptionKey)
      throw new Error(`Table ${def.id}: no encryption key given for ${this.definition.id}`);
    this.grantKeyUse(table.encryptionKey, access === 'read' ? 'decrypt' : 'encrypt');
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
    this.invokeTarget.addEventSource(
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

export interface FunctionAlarms {
  readonly error: cloudwatch.Alarm;
  readonly throttle: cloudwatch.Alarm;
}

/**
 * A function's error alarm (`errors` over 5 minutes at or above the threshold) and throttle alarm,
 * made in `scope`: the function's own construct, or for a data-stack function (the secret
 * rotation) a construct of the primary service stack naming it by its derived name.
 */
export function functionAlarms(
  scope: Construct,
  alarms: ServiceAlarms,
  props: {
    readonly definition: FunctionDefinition;
    readonly fn: lambda.IFunction;
    readonly errorAlarmThreshold: number;
    readonly errors: cloudwatch.IMetric;
    readonly expectedErrorMessage?: string;
  },
): FunctionAlarms {
  const id = props.definition.id;
  const error = alarms.create(scope, 'ErrorsAlarm', 'functionErrors', id, {
    name: `${id}-errors`,
    description:
      `The ${id} function failed ${props.errorAlarmThreshold}+ times in 5 minutes` +
      (props.expectedErrorMessage ? ` (not counting "${props.expectedErrorMessage}")` : '') +
      '.',
    metric: props.errors,
    threshold: props.errorAlarmThreshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  });
  // Any throttle: Lambda refused an invocation (account or reserved concurrency exhausted).
  const throttle = alarms.create(scope, 'ThrottlesAlarm', 'functionThrottles', id, {
    name: `${id}-throttles`,
    description: `Lambda throttled the ${id} function in two 5-minute periods out of three.`,
    metric: props.fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
  });
  return { error, throttle };
}
