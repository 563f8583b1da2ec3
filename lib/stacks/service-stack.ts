/**
 * The stateless service of one region: on-call topic, queues (from `QUEUES`), functions (from
 * `FUNCTIONS`) bound to the regional replicas of the global tables and secrets, the REST API (from
 * `ROUTES`), and the dashboard. Nothing here is named by hand: it loops over the catalog.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as cr from 'aws-cdk-lib/custom-resources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KEYS, type KeyId } from '#src/catalog/keys';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FUNCTIONS, streamConsumersIn, streamFilterPattern, type FunctionId } from '#src/catalog/functions';
import { LAYERS } from '#src/catalog/layers';
import { checkModelsLayer } from '#src/models/ml';
import { ModelAlarms } from '../constructs/model-alarms';
import { PlatformAlarms } from '../constructs/platform-alarms';
import { PROJECT_ROOT } from '../constructs/service-function';
import { QUEUES, dlqEnvVar, type QueueId } from '#src/catalog/queues';
import { ROUTES } from '#src/catalog/routes';
import { SECRETS, type SecretId } from '#src/catalog/secrets';
import { SERVICE_METRICS } from '#src/catalog/metrics';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { SettingId } from '#src/catalog/settings';
import { TABLES, type TableId } from '#src/catalog/tables';
import { keyAliasName, secretName, tableName } from '#src/catalog/physical-names';
import { allRegions, type WedSyncConfig } from '../config';
import { SCHEDULE_PERIOD_MINUTES } from '#src/platforms/domain/sync-plan';
import { MonitoredQueue } from '../constructs/monitored-queue';
import { ServiceBucket } from '../constructs/service-bucket';
import { BUCKETS, type BucketId } from '#src/catalog/buckets';
import { HealthAlarms } from '../constructs/health-alarms';
import { ServiceAlarms } from '../constructs/service-alarms';
import { GlobalDashboard } from '../constructs/global-dashboard';
import { ServiceApi, serviceApiName } from '../constructs/service-api';
// Real-time updates (issue 14)
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import { RealtimeApi } from '../constructs/realtime-api';
import { RealtimeMonitoring } from '../constructs/realtime-monitoring';
// Client routing between regions (issue 11)
import { RegionalDns } from '../constructs/regional-dns';

/** The WebSocket stage's throttling per region (API Gateway's account default is 10,000 rps / 5,000 burst). */
const REALTIME_THROTTLE = { rateLimit: 500, burstLimit: 1000 };
import { ServiceDashboard } from '../constructs/service-dashboard';
import {
  ServiceFunction,
  type EmailSenderResource,
  type ServiceResources,
} from '../constructs/service-function';

/** The function API Gateway calls as the REQUEST authorizer. */
const AUTHORIZER: FunctionId = 'Authorizer';
/** API Gateway's contract: a REQUEST authorizer answers 401 by failing with exactly this message. */
const AUTHORIZER_REJECTION = 'Unauthorized';

export interface ServiceStackProps extends StackProps {
  readonly config: WedSyncConfig;
  /**
   * The secrets (created in the primary region with replicas): only the primary region's stack uses
   * them, for the rotation schedules. Every region binds functions to the tables, secrets and keys by
   * their derived names (src/catalog/physical-names.ts), never by the data stack's outputs, so a
   * replica region's stack deploys while the primary region is down (issue 11).
   */
  readonly secrets: Readonly<Record<SecretId, secretsmanager.ISecret>>;
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
  readonly functions: Readonly<Record<FunctionId, ServiceFunction>>;
  readonly api: ServiceApi;
  readonly dashboard: ServiceDashboard;
  readonly modelAlarms: ModelAlarms;
  readonly platformAlarms: PlatformAlarms;
  readonly emailIdentity: ses.EmailIdentity;
  readonly emailConfigurationSet: ses.ConfigurationSet;
  /** Platform sync (issue 8): every 5 minutes the SyncScheduler enqueues the due syncs. */
  readonly syncSchedule: events.Rule;
  /** Real-time updates (issue 14): the WebSocket API of this region. */
  readonly realtime: RealtimeApi;
  /** Real-time alarms, dashboard widgets and the fan-out's on-failure queue (issue 14). */
  readonly realtimeMonitoring: RealtimeMonitoring;
  readonly buckets: Readonly<Record<BucketId, ServiceBucket>>;
  /** Secret rotation (issue 9): one schedule per catalogued secret, in the primary region only. */
  readonly rotationSchedules: readonly secretsmanager.RotationSchedule[];
  /** Issue 11: the Route 53 health check of this region, its alarm, and the latency records. */
  readonly dns: RegionalDns;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.alarms = new ServiceAlarms(this, 'Alarms', { paging: config.paging });
    const alarms = this.alarms;

    this.queues = record(
      QUEUES,
      (def) => new MonitoredQueue(this, `${def.id}Queue`, { definition: def, alarms, naming: config }),
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
    const settings: Record<SettingId, string> = {
      ReviewRequestsPerDay: String(config.reviewRequests.perSupplierPerDay),
      ReviewLinkBaseUrl: config.reviewRequests.linkBaseUrl,
      OAuthClientIds: JSON.stringify(config.platforms.oauthClientIds),
      OAuthRedirectUri: config.platforms.oauthRedirectUri,
      AuditRetentionDays: String(config.platformHealth.auditRetentionDays),
    };

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
        }),
      ),
      queues: mapValues(this.queues, (q): IQueue => q.queue),
      deadLetterQueues: mapValues(this.queues, (q): IQueue => q.deadLetterQueue),
      secrets: record(SECRETS, (def) =>
        secretsmanager.Secret.fromSecretNameV2(this, `${def.id}Secret`, secretName(config, def.id)),
      ),
      // The alias of the key in this region (the data stack's on the primary key, a KeyReplica
      // stack's on each replica): grants and variables name the alias, never the mrk- id.
      keys: Object.fromEntries(
        KEYS.map((def) => [
          def.id,
          this.formatArn({
            service: 'kms',
            resource: 'alias',
            resourceName: keyAliasName(config, def.id).slice('alias/'.length),
          }),
        ]),
      ) as Record<KeyId, string>,
      webSocket: {
        managementEndpoint: this.realtime.managementEndpoint,
        connectionsArn: this.realtime.connectionsArn,
      },
    };

    this.functions = record(FUNCTIONS, (def) => {
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
      });
      fn.bind(resources);
      return fn;
    });

    // Real-time updates (issue 14): the routes on RealtimeSocket; the table streams on their
    // consumers (the event log's on RealtimeRecorder in the primary region only, each RealtimeLog
    // replica's on RealtimeFanout in its region), inserts only, filtered as the catalog says;
    // retried with bisection, then skipped after 10 attempts: a subscriber missing events resumes
    // from the log (ADR 0017).
    this.realtime.addRoutes(this.functions.RealtimeSocket.function);
    this.realtimeMonitoring = new RealtimeMonitoring(this, 'RealtimeMonitoring', {
      api: this.realtime.api,
      stage: this.realtime.stage,
      fanout: this.functions.RealtimeFanout.function,
      alarms,
      metricsNamespace: config.metricsNamespace,
      serviceName: config.serviceName,
    });
    for (const def of FUNCTIONS) {
      if (def.manageConnections) this.realtime.acknowledgeConnectionsWildcard(this.functions[def.id].role);
    }
    for (const def of streamConsumersIn(this.region === config.primaryRegion)) {
      const table = this.regionalStreamTable(def.tableStream, tableName(config, def.tableStream));
      this.functions[def.id].function.addEventSource(
        new lambdaEventSources.DynamoEventSource(table, {
          startingPosition: lambda.StartingPosition.LATEST,
          batchSize: 100,
          parallelizationFactor: 1,
          bisectBatchOnError: true,
          retryAttempts: 10,
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
        new eventTargets.LambdaFunction(this.functions.SyncScheduler.function, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(SCHEDULE_PERIOD_MINUTES),
        }),
      ],
    });

    this.rotationSchedules =
      this.region === config.primaryRegion
        ? this.rotateSecrets(props.secrets, this.functions.SecretRotation, config)
        : [];

    this.api = new ServiceApi(this, 'Http', {
      routes: ROUTES,
      apiFunction: this.functions.Api.function,
      authorizerFunction: this.functions[AUTHORIZER].function,
      settings: config.api,
      logRetention,
      tracing: config.tracing,
      alarms,
      serverErrorAlarmThreshold: config.alarms.api5xxPer5Minutes,
      alarmThresholds: config.alarms,
      metricsNamespace: config.metricsNamespace,
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

    this.dns = new RegionalDns(this, 'Dns', {
      api: this.api.api,
      stageName: config.api.stageName,
      realtime: { api: this.realtime.api, stage: this.realtime.stage },
      dns: config.dns,
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

    const functions = Object.values<ServiceFunction>(this.functions);
    const queues = Object.values<MonitoredQueue>(this.queues);
    this.dashboard = new ServiceDashboard(this, 'Operations', {
      api: this.api,
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
  }

  /**
   * Secret rotation (issue 9): every catalogued secret on its catalogued schedule, rotated by the
   * SecretRotation function, here in the primary region where the secrets live (Secrets Manager then
   * replicates each new version). The schedules are made in this stack, not with
   * `secret.addRotationSchedule` (which would put them in the data stack, pointing back at this
   * stack's function: a cycle). Each schedule grants the function DescribeSecret, GetSecretValue,
   * PutSecretValue and UpdateSecretVersionStage on its one secret, and Secrets Manager the invoke.
   * Also the alarm on failed steps (`SecretRotationFailures`, any in 5 minutes).
   */
  private rotateSecrets(
    secrets: Readonly<Record<SecretId, secretsmanager.ISecret>>,
    rotation: ServiceFunction,
    config: WedSyncConfig,
  ): secretsmanager.RotationSchedule[] {
    const schedules = SECRETS.map(
      (def) =>
        new secretsmanager.RotationSchedule(this, `${def.id}Rotation`, {
          secret: secrets[def.id],
          rotationLambda: rotation.function,
          automaticallyAfter: Duration.days(def.rotation.everyDays),
        }),
    );
    Validations.of(rotation.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'secretsmanager:GetRandomPassword, added by the RotationSchedule construct, has no resource-level ' +
        'permissions (Service Authorization Reference); our function generates keys with node:crypto and never ' +
        'calls it. Every other action is on the one secret each schedule rotates.',
    });
    this.alarms.create(this, 'SecretRotationFailedAlarm', 'secretRotationFailed', undefined, {
      name: 'secret-rotation-failed',
      description:
        'A step of a secret rotation failed (the current secret stays in use; Secrets Manager retries the rotation).',
      metric: new cloudwatch.Metric({
        namespace: config.metricsNamespace,
        metricName: SERVICE_METRICS.secretRotationFailures,
        dimensionsMap: { service: config.serviceName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    return schedules;
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
      tableStreamArn: describe.getResponseField('Table.LatestStreamArn'),
    });
  }
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
