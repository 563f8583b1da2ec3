/**
 * The real-time WebSocket API as deployed in every region (issue 14, ADR 0017): its routes on the
 * RealtimeSocket function, the stage's throttling and access logs, the Connections table's TTL and
 * the RealtimeLog's stream feeding RealtimeFanout (with retries, bisection and an on-failure queue),
 * the management API grant (only the functions that post, on this stage's connections only), and
 * the channel log's one writer (RealtimeRecorder, in the primary region only, no cross-region grant).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, SERVICE_FUNCTIONS, type ServiceFunctionId } from '#src/catalog/functions';
import { keyAliasName } from '#src/catalog/physical-names';
import { ROUTE_ACTIONS } from '#src/realtime';
import { REALTIME_STAGE } from '../../lib/constructs/realtime-api';
import { REALTIME_ALARMS } from '../../lib/constructs/realtime-monitoring';
import type { ServiceStack } from '../../lib/stacks/service-stack';
import { liveAliasOf, logicalIdOf, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

type Resource = { Type: string; Properties: Record<string, unknown> };

const resourcesOf = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.findResources(type)) as [string, Resource][];

/** The IAM statements attached to each role of the template, by the role's logical id. */
function statementsByRole(template: Template): Map<string, Record<string, unknown>[]> {
  const byRole = new Map<string, Record<string, unknown>[]>();
  for (const [, policy] of resourcesOf(template, 'AWS::IAM::Policy')) {
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    for (const role of policy.Properties.Roles as { Ref: string }[]) {
      byRole.set(role.Ref, [...(byRole.get(role.Ref) ?? []), ...statements]);
    }
  }
  return byRole;
}

const actionsOf = (statement: Record<string, unknown>): string[] =>
  ([] as string[]).concat(statement.Action as string | string[]);

it('the channel log has one writer: RealtimeRecorder, its stream consumed in the primary region only', () => {
  const writers = FUNCTIONS.filter((f) => f.tables.RealtimeLog && f.tables.RealtimeLog !== 'read');
  expect(writers.map((f) => [f.id, f.streamRegions])).toEqual([['RealtimeRecorder', 'primary']]);
});

describe.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])('the real-time API in %s', (region) => {
  let stack: ServiceStack;
  let template: Template;
  beforeAll(() => {
    stack = synth.services.find((s) => s.region === region)!;
    template = synth.serviceTemplates.get(region)!;
  });
  // What callers invoke: the function's live alias (canary deploys, issue 11).
  const fnRef = (id: ServiceFunctionId) => liveAliasOf(stack, stack.functions[id]);
  const roleRef = (id: ServiceFunctionId) => logicalIdOf(stack, stack.functions[id].role);

  it('is a WebSocket API routed on the frame’s action, with $connect, $disconnect, $default and every action on RealtimeSocket', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
    const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const keys = routes.map((r) => r.RouteKey).sort();
    expect(keys).toEqual(['$connect', '$default', '$disconnect', ...ROUTE_ACTIONS].sort());
    expect(ROUTE_ACTIONS).toEqual(expect.arrayContaining(['subscribe', 'unsubscribe']));
    // Every route's integration invokes the RealtimeSocket function (a Lambda proxy integration).
    const integrations = new Map(resourcesOf(template, 'AWS::ApiGatewayV2::Integration'));
    for (const route of routes) {
      const target = JSON.stringify(route.Target);
      const integration = [...integrations].find(([id]) => target.includes(id));
      expect({ route: route.RouteKey, found: integration !== undefined }).toEqual({
        route: route.RouteKey,
        found: true,
      });
      expect(integration![1].Properties.IntegrationType).toBe('AWS_PROXY');
      expect(JSON.stringify(integration![1].Properties.IntegrationUri)).toContain(fnRef('RealtimeSocket'));
    }
  });

  it('has one stage, throttled and access-logged, auto-deployed', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: REALTIME_STAGE,
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('lets only the functions that post (RealtimeSocket answers, RealtimeFanout events) manage connections, on this stage only', () => {
    const posters = SERVICE_FUNCTIONS.filter((f) => f.manageConnections).map((f) => f.id);
    expect(posters.sort()).toEqual(['RealtimeFanout', 'RealtimeSocket']);
    const byRole = statementsByRole(template);
    const apiId = logicalIdOf(stack, stack.realtime.api);
    const granted: string[] = [];
    for (const [role, statements] of byRole) {
      for (const statement of statements) {
        const actions = actionsOf(statement);
        expect(actions.filter((a) => a === '*' || a === 'execute-api:*')).toEqual([]);
        if (!actions.includes('execute-api:ManageConnections')) continue;
        granted.push(role);
        expect(actions).toEqual(['execute-api:ManageConnections']);
        const resource = JSON.stringify(statement.Resource);
        expect(resource).toContain(apiId);
        expect(resource).toContain(`/${REALTIME_STAGE}/POST/@connections/*`);
      }
    }
    expect(granted.sort()).toEqual(posters.map((id) => roleRef(id)).sort());
    for (const id of posters) {
      resourceOf(template, stack, stack.functions[id].function).hasResourceProperties(
        'AWS::Lambda::Function',
        {
          Environment: { Variables: Match.objectLike({ REALTIME_MANAGEMENT_ENDPOINT: Match.anyValue() }) },
        },
      );
    }
  });

  it('feeds RealtimeFanout from the RealtimeLog replica’s stream: inserts only, bisected retries, then the on-failure queue', () => {
    const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m.Properties)
      .filter((m) => JSON.stringify(m.FunctionName).includes(fnRef('RealtimeFanout')));
    expect(mappings).toHaveLength(1);
    const skipped = logicalIdOf(stack, stack.realtimeMonitoring.skippedBatches);
    expect(mappings[0]).toMatchObject({
      StartingPosition: 'LATEST',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [skipped, 'Arn'] } } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
    });
    expect(JSON.stringify(mappings[0]!.EventSourceArn)).toMatch(/StreamArn|stream/i);
    // The function may park skipped batches there, and the queue is encrypted and TLS-only.
    const sends = (byRoleStatements(template, roleRef('RealtimeFanout')) ?? []).filter((s) =>
      actionsOf(s).includes('sqs:SendMessage'),
    );
    expect(JSON.stringify(sends)).toContain(skipped);
    resourceOf(template, stack, stack.realtimeMonitoring.skippedBatches).hasResourceProperties(
      'AWS::SQS::Queue',
      // Encrypted with the region's Queues key, by its alias.
      {
        KmsMasterKeyId: `arn:aws:kms:${region}:${synth.config.account}:${keyAliasName(synth.config, 'Queues')}`,
      },
    );
  });

  it('writes the channel log only in its own region: no function holds a grant on another region’s tables', () => {
    for (const [role, statements] of statementsByRole(template)) {
      const elsewhere = statements.filter(
        (s) =>
          /:dynamodb:(us|eu|ap|sa|ca|me|af)-[a-z]+-\d:/.test(JSON.stringify(s.Resource)) &&
          !JSON.stringify(s.Resource).includes(`:dynamodb:${region}:`),
      );
      expect({ role, elsewhere }).toEqual({ role, elsewhere: [] });
    }
    const recorder = resourcesOf(template, 'AWS::Lambda::EventSourceMapping')
      .map(([, m]) => m.Properties)
      .filter((m) => JSON.stringify(m.FunctionName).includes(fnRef('RealtimeRecorder')));
    // The one writer (ADR 0017): the recorder consumes the event log in the primary region only.
    expect(recorder).toHaveLength(region === synth.config.primaryRegion ? 1 : 0);
    for (const mapping of recorder) {
      const skipped = logicalIdOf(stack, stack.realtimeMonitoring.skippedBatches);
      expect(mapping).toMatchObject({
        BisectBatchOnFunctionError: true,
        // It writes the provisioned RealtimeLog (ADR 0035, addendum): a failed batch is retried
        // until its records are 15 minutes old, however many attempts that takes, then parked.
        MaximumRetryAttempts: -1,
        MaximumRecordAgeInSeconds: 900,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [skipped, 'Arn'] } } },
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      });
      // The event log's own table's stream (the deploy-time lookup of this region's replica), not Deliveries'.
      expect(JSON.stringify(mapping.EventSourceArn)).toContain('EventLogStreamArn');
    }
  });

  it('alarms on connection errors, fan-out lag, the error rate and skipped stream batches, all warnings on the realtime runbook', () => {
    const made = stack.alarms.made.filter((m) => m.kind.startsWith('realtime'));
    expect(made.map((m) => m.name).sort()).toEqual([
      'realtime-connection-errors',
      'realtime-error-rate',
      'realtime-fanout-lag',
      'realtime-stream-batches-skipped',
    ]);
    for (const m of made)
      expect({ name: m.name, severity: m.severity, runbook: m.runbook }).toEqual({
        name: m.name,
        severity: 'warning',
        runbook: 'realtime',
      });
    const props = (name: string) =>
      JSON.stringify(
        (
          resourceOf(template, stack, made.find((m) => m.name === name)!.alarm).toJSON() as {
            Resources: Record<string, Resource>;
          }
        ).Resources,
      );
    const apiId = logicalIdOf(stack, stack.realtime.api);
    const connection = props('realtime-connection-errors');
    for (const metric of [
      'ClientError',
      'IntegrationError',
      'ExecutionError',
      'ConnectCount',
      'MessageCount',
    ])
      expect(connection).toContain(metric);
    expect(connection).toContain(apiId);
    const lag = props('realtime-fanout-lag');
    expect(lag).toContain('"MetricName":"IteratorAge"');
    // The function's metric (every version), not the alias's.
    expect(lag).toContain(logicalIdOf(stack, stack.functions.RealtimeFanout.function));
    expect(lag).toContain(`"Threshold":${REALTIME_ALARMS.fanoutLagMs}`);
    const rate = props('realtime-error-rate');
    expect(rate).toContain('RealtimePostFailures');
    expect(rate).toContain('RealtimeMessagesSent');
    expect(props('realtime-stream-batches-skipped')).toContain(
      logicalIdOf(stack, stack.realtimeMonitoring.skippedBatches),
    );
  });

  it('shows the real-time row on the regional dashboard', () => {
    const body = JSON.stringify(resourceOf(template, stack, stack.dashboard.dashboard).toJSON());
    expect(body).toContain('## Real time');
    for (const metric of ['ConnectCount', 'IteratorAge', 'RealtimeFanoutLagMs', 'RealtimePostFailures'])
      expect(body).toContain(metric);
  });
});

it('keeps the event log in its own table: 14-day TTL, the replay index, streamed for the recorder', () => {
  resourceOf(synth.dataTemplate, synth.data, synth.data.tables.EventLog).hasResourceProperties(
    'AWS::DynamoDB::GlobalTable',
    {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byOwnerTime' })],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      Replicas: Match.arrayWith([Match.objectLike({ PointInTimeRecoverySpecification: Match.anyValue() })]),
    },
  );
  // Who may touch it (the catalog's grants): the fan-out appends, replay and the API read (redelivery in
  // the webhooks area, data subject exports in the privacy area's function), privacy erases.
  const access = Object.fromEntries(
    FUNCTIONS.flatMap((f) => (f.tables.EventLog ? [[f.id, f.tables.EventLog]] : [])),
  );
  expect(access).toEqual({
    ApiWebhooks: 'read',
    ApiAccess: 'read',
    EventFanout: 'append',
    ReplayWorker: 'read',
    PrivacyWorker: 'readwrite',
  });
});

it('keeps connection records for at most the 2-hour connection limit (TTL) and streams the channel log', () => {
  resourceOf(synth.dataTemplate, synth.data, synth.data.tables.RealtimeConnections).hasResourceProperties(
    'AWS::DynamoDB::GlobalTable',
    {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byChannel' })],
    },
  );
  resourceOf(synth.dataTemplate, synth.data, synth.data.tables.RealtimeLog).hasResourceProperties(
    'AWS::DynamoDB::GlobalTable',
    {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      // Global tables replicate through the stream, which they need with both images.
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    },
  );
});

function byRoleStatements(template: Template, role: string): Record<string, unknown>[] | undefined {
  return statementsByRole(template).get(role);
}
