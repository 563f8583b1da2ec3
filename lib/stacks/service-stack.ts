/**
 * The stateless service of one region: on-call topic, queues (from `QUEUES`), functions (from
 * `FUNCTIONS`) bound to the regional replicas of the global tables and secrets, every alarm of the
 * region (the REST API's included, on its metrics by name) and the dashboards. Nothing here is named
 * by hand: it loops over the catalog. The REST API and the regional DNS are in the region's API
 * stack (lib/stacks/api-stack.ts), which deploys after this one (issue 11, ADR 0031).
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as cr from 'aws-cdk-lib/custom-resources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { APPLICATION_KEYS, type ApplicationKeyId, type StoreKeyId } from '#src/catalog/keys';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  DATA_FUNCTIONS,
  SERVICE_FUNCTIONS,
  streamConsumersIn,
  streamFilterPattern,
  streamRetryOf,
  type ServiceFunctionId,
} from '#src/catalog/functions';
import { LAYERS } from '#src/catalog/layers';
import { checkModelsLayer } from '#src/models/ml';
import { ModelAlarms } from '../constructs/model-alarms';
import { MODEL_ROLLOUT_PERIOD_MINUTES } from '#src/models/retraining/rollout-policy';
import { PlatformAlarms } from '../constructs/platform-alarms';
import { functionAlarms, PROJECT_ROOT } from '../constructs/service-function';
import { QUEUES, dlqEnvVar, type QueueId } from '#src/catalog/queues';
import { SECRETS } from '#src/catalog/secrets';
import { SERVICE_METRICS } from '#src/catalog/metrics';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { TABLES, type TableId } from '#src/catalog/tables';
import { dataFunctionName, secretName, serviceFunctionName, tableName } from '#src/catalog/physical-names';
import { keyAliasArn, storeKeysIn } from '../constructs/key-aliases';
import { allRegions, settingValues, type WedSyncConfig } from '../config';
import { SCHEDULE_PERIOD_MINUTES } from '#src/platforms/domain/sync-plan';
import { MonitoredQueue } from '../constructs/monitored-queue';
import { ProducerAccess } from '../constructs/producer-access';
import { ServiceBucket } from '../constructs/service-bucket';
import { BUCKETS, type BucketId } from '#src/catalog/buckets';
import { HealthAlarms } from '../constructs/health-alarms';
import { ServiceAlarms } from '../constructs/service-alarms';
import { GlobalDashboard } from '../constructs/global-dashboard';
import { ApiMetrics, apiNames, serviceApiName } from '../constructs/service-api';
import { ApiAlarms } from '../constructs/api-alarms';
import { FRONT_DOOR_FUNCTIONS } from './api-stack';
// Real-time updates (issue 14)
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import { RealtimeApi } from '../constructs/realtime-api';
import { RealtimeMonitoring } from '../constructs/realtime-monitoring';
// Client routing between regions (issue 11): the health route's alarm (the check is in the API stack)
import { regionUnhealthyAlarm } from '../constructs/regional-dns';

/** The WebSocket stage's throttling per region (API Gateway's account default is 10,000 rps / 5,000 burst). */
const REALTIME_THROTTLE = { rateLimit: 500, burstLimit: 1000 };
import { ServiceDashboard, type DashboardFunction } from '../constructs/service-dashboard';
import {
  ServiceFunction,
  type EmailSenderResource,
  type ServiceResources,
} from '../constructs/service-function';
import { serviceMetric } from '../constructs/service-metric';

/** How often the PagingCheck reads the alarm topics (the subscription alarms' period). */
const PAGING_CHECK_PERIOD_MINUTES = 15;
/** The function API Gateway calls as the REQUEST authorizer. */
const AUTHORIZER: ServiceFunctionId = 'Authorizer';
/** API Gateway's contract: a REQUEST authorizer answers 401 by failing with exactly this message. */
const AUTHORIZER_REJECTION = 'Unauthorized';

export interface ServiceStackProps extends StackProps {
  /**
   * Every region binds functions to the tables, secrets and keys by their derived names
   * (src/catalog/physical-names.ts), never by the data or keys stacks' outputs, so a replica
   * region's stack deploys while the primary region is down (issue 11).
   */
  readonly config: WedSyncConfig;
  /** The name of the service stack in each region (the global dashboard reads their APIs' metrics). */
  readonly stackNameIn: (region: string) => string;
}

export class ServiceStack extends Stack {
  /** The alarm topics (critical pages, warning e-mails), every alarm, and the composite (issue 10). */
  readonly alarms: ServiceAlarms;
  readonly healthAlarms: HealthAlarms;
  /** In the primary region only: every region side by side, and the business KPIs. */
  readonly globalDashboard?: GlobalDashboard;
  readonly queues: Readonly<Record<QueueId, MonitoredQueue>>;
  readonly functions: Readonly<Record<ServiceFunctionId, ServiceFunction>>;
  /**
   * Safe deploys (issue 11): the CodeDeploy application of this region's functions, each with a
   * `live` alias shifted by a canary (10% for 5 minutes) and rolled back on its alarms.
   */
  readonly deployments: codedeploy.LambdaApplication;
  /**
   * In the primary region: the data stack's functions (secret rotation, issue 9), named by their
   * derived names, with their error and throttle alarms; they are on this region's dashboard.
   */
  readonly dataFunctions: readonly WatchedDataFunction[];
  /** This region's store keys (issue 9), by their aliases. */
  readonly storeKeys: Readonly<Record<StoreKeyId, kms.IKey>>;
  /** The REST API's metrics, by the names the API stack gives the API and its web ACL. */
  readonly apiMetrics: ApiMetrics;
  /** The REST API's alarms (the API itself is in the API stack). */
  readonly apiAlarms: ApiAlarms;
  readonly dashboard: ServiceDashboard;
  readonly modelAlarms: ModelAlarms;
  readonly platformAlarms: PlatformAlarms;
  readonly emailIdentity: ses.EmailIdentity;
  readonly emailConfigurationSet: ses.ConfigurationSet;
  /** Platform sync (issue 8): every 5 minutes the SyncScheduler enqueues the due syncs. */
  readonly syncSchedule: events.Rule;
  /** The paging path (issue 10): every 15 minutes the PagingCheck reads the alarm topics' subscriptions. */
  readonly pagingCheckSchedule: events.Rule;
  /** Real-time updates (issue 14): the WebSocket API of this region. */
  readonly realtime: RealtimeApi;
  /** Real-time alarms, dashboard widgets and the fan-out's on-failure queue (issue 14). */
  readonly realtimeMonitoring: RealtimeMonitoring;
  readonly buckets: Readonly<Record<BucketId, ServiceBucket>>;
  /** Model retraining (issue 13): weekly retraining and the rollout check, in the primary region only. */
  readonly modelSchedules: readonly events.Rule[];
  /** Issue 11: the alarm on this region's health route (Route 53 checks it from the API stack). */
  readonly regionUnhealthyAlarm: cloudwatch.Alarm;
  /** Issue 11: the Ingest queue's policy for the configured producers and its URL output. */
  readonly producerAccess: ProducerAccess;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.alarms = new ServiceAlarms(this, 'Alarms', { paging: config.paging });
    const alarms = this.alarms;
    // The region's store keys by alias (its keys stack, deployed before the data stack, makes them).
    this.storeKeys = storeKeysIn(this, config);

    this.queues = record(
      QUEUES,
      (def) =>
        new MonitoredQueue(this, `${def.id}Queue`, {
          definition: def,
          alarms,
          naming: config,
          encryptionKey: this.storeKeys.Queues,
        }),
    );

    // The licence gate runs at synth: a layer holding a model trained on non-commercial data is
    // refused unless the configuration explicitly allows it.
    const layers = record(LAYERS, (def) => {
      const folder = path.join(PROJECT_ROOT, def.path);
      checkModelsLayer(folder, { allowNonCommercial: config.allowNonCommercialModels });
      return new lambda.LayerVersion(this, `${def.id}Layer`, {
        code: lambda.Code.fromAsset(folder, { exclude: ['README.md'] }),
        compatibleArchitectures: [lambda.Architecture.ARM_64],
        compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
        description: def.description,
      });
    });

    // The review-request sender: the configured identity (a domain, verified through the DKIM
    // records SES publishes, or one address) and a configuration set that suppresses addresses
    // that bounced or complained and publishes reputation metrics (ADR 0010).
    this.emailConfigurationSet = new ses.ConfigurationSet(this, 'EmailConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    const identity = config.email.identity;
    this.emailIdentity = new ses.EmailIdentity(this, 'EmailIdentity', {
      identity: identity.includes('@') ? ses.Identity.email(identity) : ses.Identity.domain(identity),
      configurationSet: this.emailConfigurationSet,
    });
    const reviewRequestSender: EmailSenderResource = {
      identityArn: this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
      fromAddress: config.email.fromAddress,
      configurationSetName: this.emailConfigurationSet.configurationSetName,
      configurationSetArn: this.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: this.emailConfigurationSet.configurationSetName,
      }),
    };
    const settings = settingValues(config);

    this.buckets = record(
      BUCKETS,
      (def) =>
        new ServiceBucket(this, `${def.id}Bucket`, {
          definition: def,
          accessLogRetentionDays: config.logRetentionDays,
        }),
    );

    // Real-time updates (issue 14): the WebSocket API first, its endpoint goes into the functions' environment.
    this.realtime = new RealtimeApi(this, 'Realtime', {
      throttlingRateLimit: REALTIME_THROTTLE.rateLimit,
      throttlingBurstLimit: REALTIME_THROTTLE.burstLimit,
      logRetention,
    });

    const resources: ServiceResources = {
      buckets: mapValues(this.buckets, (b) => b.bucket),
      emailSenders: { ReviewRequests: reviewRequestSender },
      settings,
      layers,
      tables: record(TABLES, (def) =>
        dynamodb.TableV2.fromTableAttributes(this, `${def.id}Table`, {
          tableName: tableName(config, def.id),
          encryptionKey: this.storeKeys.Tables,
        }),
      ),
      queues: mapValues(this.queues, (q): IQueue => q.queue),
      deadLetterQueues: mapValues(this.queues, (q): IQueue => q.deadLetterQueue),
      secrets: record(SECRETS, (def) =>
        secretsmanager.Secret.fromSecretNameV2(this, `${def.id}Secret`, secretName(config, def.id)),
      ),
      // The alias of the key in this region (the keys stack's, on the primary key or its replica):
      // grants and variables name the alias, never the mrk- id.
      keys: Object.fromEntries(
        APPLICATION_KEYS.map((def) => [def.id, keyAliasArn(this, config, def.id)]),
      ) as Record<ApplicationKeyId, string>,
      storeKeys: this.storeKeys,
      webSocket: {
        managementEndpoint: this.realtime.managementEndpoint,
        connectionsArn: this.realtime.connectionsArn,
      },
      // The paging path's check (issue 10): the ARNs of the two topics made above, derived once.
      alarmTopics: {
        critical: alarms.topics.critical.topic.topicArn,
        warning: alarms.topics.warning.topic.topicArn,
      },
    };

    // Safe deploys (issue 11, ADR 0028): one CodeDeploy application and one role for every
    // function's deployment group (a role per group would cost a resource per function).
    this.deployments = new codedeploy.LambdaApplication(this, 'Deployments', {
      applicationName: `${this.stackName}-functions`,
    });
    const deploymentRole = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      description: "CodeDeploy's role for the canary deployments of this region's functions",
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited'),
      ],
    });
    Validations.of(deploymentRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        "CodeDeploy's documented managed policy for Lambda deployments: it reads and updates the aliases it shifts " +
        '(lambda:GetAlias, UpdateAlias), invokes the validation hooks and reads the alarms that roll a canary back; ' +
        'one role for the deployment groups of this stack only.',
    });

    this.functions = record(SERVICE_FUNCTIONS, (def) => {
      const fn = new ServiceFunction(this, `${def.id}Function`, {
        definition: def,
        logRetention,
        tracing: config.tracing,
        powertools: {
          serviceName: config.serviceName,
          metricsNamespace: config.metricsNamespace,
          logLevel: config.powertoolsLogLevel,
        },
        alarms,
        errorAlarmThreshold: config.alarms.functionErrorsPer5Minutes,
        expectedErrorMessage: def.id === AUTHORIZER ? AUTHORIZER_REJECTION : undefined,
        // The API stack calls these by name (issue 11): no reference between the two stacks.
        functionName: (FRONT_DOOR_FUNCTIONS as readonly string[]).includes(def.id)
          ? serviceFunctionName(config, def.id)
          : undefined,
        deployment: { application: this.deployments, role: deploymentRole },
      });
      fn.bind(resources);
      return fn;
    });

    // Real-time updates (issue 14): the routes on RealtimeSocket; the table streams on their
    // consumers (the EventLog's on RealtimeRecorder in the primary region only, each RealtimeLog
    // replica's on RealtimeFanout in its region), inserts only, filtered as the catalog says;
    // retried with bisection, then skipped after 10 attempts (RealtimeRecorder, which writes the
    // provisioned RealtimeLog: until its records are 15 minutes old, `streamRetryOf`): a subscriber
    // missing events resumes from the log (ADR 0017, ADR 0035 addendum).
    this.realtime.addRoutes(this.functions.RealtimeSocket.invokeTarget);
    this.realtimeMonitoring = new RealtimeMonitoring(this, 'RealtimeMonitoring', {
      api: this.realtime.api,
      stage: this.realtime.stage,
      fanout: this.functions.RealtimeFanout.function,
      alarms,
      metricsNamespace: config.metricsNamespace,
      serviceName: config.serviceName,
      queueKey: this.storeKeys.Queues,
    });
    for (const def of SERVICE_FUNCTIONS) {
      if (def.manageConnections) this.realtime.acknowledgeConnectionsWildcard(this.functions[def.id].role);
    }
    for (const def of streamConsumersIn(
      this.region === config.primaryRegion,
      config.replicaRegions.length > 0,
    )) {
      const table = this.regionalStreamTable(def.tableStream, tableName(config, def.tableStream));
      const consumer = this.functions[def.id as ServiceFunctionId];
      const retry = streamRetryOf(def);
      // Reading the stream decrypts with the tables key; parking a skipped batch encrypts with the queues key.
      consumer.noteKeyGrant('encrypt');
      consumer.invokeTarget.addEventSource(
        new lambdaEventSources.DynamoEventSource(table, {
          startingPosition: lambda.StartingPosition.LATEST,
          batchSize: 100,
          parallelizationFactor: 1,
          bisectBatchOnError: true,
          retryAttempts: retry.retryAttempts,
          ...(retry.maxRecordAgeSeconds === undefined
            ? {}
            : { maxRecordAge: Duration.seconds(retry.maxRecordAgeSeconds) }),
          // Skipped batches (their stream positions) are parked and alarmed on, never dropped silently.
          onFailure: new lambdaEventSources.SqsDlq(this.realtimeMonitoring.skippedBatches),
          filters: [lambda.FilterCriteria.filter(streamFilterPattern(def)!)],
        }),
      );
    }

    // Platform sync (issue 8): the schedule. A missed run is harmless (the next one enqueues the
    // same syncs), so EventBridge retries briefly and keeps no events older than one period.
    this.syncSchedule = new events.Rule(this, 'SyncSchedule', {
      description: 'Enqueues platform syncs (incremental per location, a full sweep once a day).',
      schedule: events.Schedule.rate(Duration.minutes(SCHEDULE_PERIOD_MINUTES)),
      targets: [
        new eventTargets.LambdaFunction(this.functions.SyncScheduler.invokeTarget, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(SCHEDULE_PERIOD_MINUTES),
        }),
      ],
    });

    // The paging path's subscriptions (issue 10): every 15 minutes, its figures and their alarms.
    // A missed run only delays the alarm (it wants four runs in a row), so no old event is kept.
    this.pagingCheckSchedule = new events.Rule(this, 'PagingCheckSchedule', {
      description: "Publishes the alarm topics' pending and confirmed subscriptions (paging path).",
      schedule: events.Schedule.rate(Duration.minutes(PAGING_CHECK_PERIOD_MINUTES)),
      targets: [
        new eventTargets.LambdaFunction(this.functions.PagingCheck.invokeTarget, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(PAGING_CHECK_PERIOD_MINUTES),
        }),
      ],
    });
    alarms.watchPagingSubscriptions(config.metricsNamespace, config.serviceName, PAGING_CHECK_PERIOD_MINUTES);

    this.dataFunctions = this.region === config.primaryRegion ? this.watchDataFunctions(config) : [];

    // Model retraining (issue 13, ADR 0026): weekly retraining and a rollout check every 15
    // minutes, in the primary region only (one writer of the active model configuration, one audit
    // entry and one event per act). A missed run is harmless: the next one starts over.
    this.modelSchedules =
      this.region === config.primaryRegion
        ? [
            new events.Rule(this, 'ModelRetrainSchedule', {
              description:
                'Retrains sentiment from stored reviews and starts a canary when it beats the current model.',
              schedule: events.Schedule.cron({ weekDay: 'MON', hour: '3', minute: '0' }),
              targets: [
                new eventTargets.LambdaFunction(this.functions.ModelRetrain.invokeTarget, {
                  retryAttempts: 1,
                  maxEventAge: Duration.hours(6),
                }),
              ],
            }),
            new events.Rule(this, 'ModelRolloutSchedule', {
              description: 'Promotes a canary model that kept up, rolls back one whose alarms would fire.',
              schedule: events.Schedule.rate(Duration.minutes(MODEL_ROLLOUT_PERIOD_MINUTES)),
              targets: [
                new eventTargets.LambdaFunction(this.functions.ModelRollout.invokeTarget, {
                  retryAttempts: 2,
                  maxEventAge: Duration.minutes(MODEL_ROLLOUT_PERIOD_MINUTES),
                }),
              ],
            }),
          ]
        : [];

    // The REST API is in the API stack; its alarms are here, on its metrics by name. The construct
    // id `Http` is the one the API's alarms had when the API was in this stack (same logical ids).
    this.apiMetrics = new ApiMetrics(apiNames(this.stackName), this.region, config.metricsNamespace);
    this.apiAlarms = new ApiAlarms(this, 'Http', {
      metrics: this.apiMetrics,
      alarms,
      thresholds: config.alarms,
    });

    const modelsLayer = LAYERS.find((l) => l.id === 'Models')!;
    this.modelAlarms = new ModelAlarms(this, 'Models', {
      modelDir: path.join(PROJECT_ROOT, modelsLayer.localModelDir),
      metricsNamespace: config.metricsNamespace,
      serviceName: config.serviceName,
      alarms,
    });

    this.platformAlarms = new PlatformAlarms(this, 'Platforms', {
      metricsNamespace: config.metricsNamespace,
      serviceName: config.serviceName,
      alarms,
      syncLagAlarmSeconds: config.platformHealth.syncLagAlarmSeconds,
      quotaHeadroomAlarmPercent: config.platformHealth.quotaHeadroomAlarmPercent,
    });

    // Under `Dns`, as when the regional DNS was in this stack (same logical id).
    this.regionUnhealthyAlarm = regionUnhealthyAlarm(new Construct(this, 'Dns'), {
      alarms,
      metricsNamespace: config.metricsNamespace,
      serviceName: config.serviceName,
    });

    this.healthAlarms = new HealthAlarms(this, 'Health', {
      alarms,
      metricsNamespace: config.metricsNamespace,
      serviceName: config.serviceName,
      thresholds: config.alarms,
    });
    // Last: the composite takes every critical alarm made above.
    const serviceDegraded = alarms.compose();

    const functions: DashboardFunction[] = [
      ...Object.values<ServiceFunction>(this.functions),
      ...this.dataFunctions,
    ];
    const queues = Object.values<MonitoredQueue>(this.queues);
    this.dashboard = new ServiceDashboard(this, 'Operations', {
      api: this.apiMetrics,
      functions,
      queues,
      health: this.healthAlarms,
      // The composite and the critical alarms first, then the warnings.
      alarms: [
        serviceDegraded,
        ...alarms.made.filter((m) => m.severity === 'critical').map((m) => m.alarm),
        ...alarms.made.filter((m) => m.severity === 'warning').map((m) => m.alarm),
      ],
      metricsNamespace: config.metricsNamespace,
      serviceName: config.serviceName,
    });
    this.dashboard.dashboard.addWidgets(...this.platformAlarms.widgets());
    this.dashboard.dashboard.addWidgets(...this.realtimeMonitoring.widgets());

    if (this.region === config.primaryRegion) {
      this.globalDashboard = new GlobalDashboard(this, 'Global', {
        appName: config.appName,
        regions: allRegions(config),
        apiName: (region) => serviceApiName(props.stackNameIn(region)),
        metricsNamespace: config.metricsNamespace,
        serviceName: config.serviceName,
      });
    }

    // What the operator CLI (`npm run cli -- redrive <queue>`) needs, under the variables it reads.
    for (const q of queues) {
      new CfnOutput(this, `${q.definition.id}QueueUrl`, {
        value: q.queue.queueUrl,
        description: `${q.definition.envVar}: URL of the ${q.definition.id} queue`,
      });
      new CfnOutput(this, `${q.definition.id}DlqUrl`, {
        value: q.deadLetterQueue.queueUrl,
        description: `${dlqEnvVar(q.definition)}: URL of the ${q.definition.id} dead-letter queue`,
      });
    }

    // Issue 11: other services' producers may send (only) to this region's Ingest queue.
    this.producerAccess = new ProducerAccess(this, 'Producers', {
      queue: this.queues.Ingest.queue,
      producers: config.producers,
    });
  }

  /**
   * The data stack's functions (issue 9: the secret rotation function, with its schedules beside the
   * secrets), in this the primary region: named by their derived names (no reference to the data
   * stack), with their error and throttle alarms here where the alarm topics are; and the alarm on
   * failed rotation steps (`SecretRotationFailures`, any in 5 minutes).
   */
  private watchDataFunctions(config: WedSyncConfig): WatchedDataFunction[] {
    const watched = DATA_FUNCTIONS.map((definition) => {
      const scope = new Construct(this, `${definition.id}Function`);
      const fn = lambda.Function.fromFunctionName(scope, 'Function', dataFunctionName(config, definition.id));
      const alarms = functionAlarms(scope, this.alarms, {
        definition,
        fn,
        errorAlarmThreshold: config.alarms.functionErrorsPer5Minutes,
        errors: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      });
      return { definition, function: fn, errorAlarm: alarms.error, throttleAlarm: alarms.throttle };
    });
    this.alarms.create(this, 'SecretRotationFailedAlarm', 'secretRotationFailed', undefined, {
      name: 'secret-rotation-failed',
      description:
        'A step of a secret rotation failed (the current secret stays in use; Secrets Manager retries the rotation).',
      metric: serviceMetric(config, SERVICE_METRICS.secretRotationFailures),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    return watched;
  }

  /**
   * The table with this region's stream: its ARN ends in a label DynamoDB picks when the replica's
   * stream starts, so it is read at deploy time from the table in this same region (DescribeTable),
   * never from the data stack's outputs in the primary region.
   */
  private regionalStreamTable(id: TableId, name: string): dynamodb.ITableV2 {
    const tableArn = this.formatArn({ service: 'dynamodb', resource: 'table', resourceName: name });
    const describe = new cr.AwsCustomResource(this, `${id}StreamArn`, {
      onUpdate: {
        service: 'DynamoDB',
        action: 'describeTable',
        parameters: { TableName: name },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('Table.LatestStreamArn'),
        outputPaths: ['Table.LatestStreamArn'],
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [tableArn] }),
      ]),
      installLatestAwsSdk: false,
    });
    // The provider function AwsCustomResource shares across the stack (one per stack, fixed id).
    const provider = this.node.tryFindChild(
      `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    const providerRole = (provider as lambda.IFunction | undefined)?.role;
    if (providerRole) {
      Validations.of(providerRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "The provider of AwsCustomResource (DescribeTable of this region's RealtimeLog replica at deploy time) " +
          'writes only its own logs with this managed policy; its one other permission is DescribeTable on that table.',
      });
    }
    return dynamodb.TableV2.fromTableAttributes(this, `${id}StreamTable`, {
      tableName: name,
      encryptionKey: this.storeKeys.Tables,
      tableStreamArn: describe.getResponseField('Table.LatestStreamArn'),
    });
  }
}

/** A data-stack function as the primary service stack sees it: by its derived name, with its alarms. */
export interface WatchedDataFunction extends DashboardFunction {
  readonly errorAlarm: cloudwatch.Alarm;
  readonly throttleAlarm: cloudwatch.Alarm;
}

function record<D extends { readonly id: string }, V>(
  defs: readonly D[],
  build: (def: D) => V,
): Record<D['id'], V> {
  return Object.fromEntries(defs.map((def) => [def.id, build(def)])) as Record<D['id'], V>;
}

function mapValues<K extends string, A, B>(
  source: Readonly<Record<K, A>>,
  fn: (value: A, key: K) => B,
): Record<K, B> {
  return Object.fromEntries(
    Object.entries<A>(source).map(([key, value]) => [key, fn(value, key as K)]),
  ) as Record<K, B>;
}
