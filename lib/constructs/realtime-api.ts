/**
 * The real-time WebSocket API of a region (issue 14; docs/realtime.md): API Gateway WebSocket API
 * with route selection on `$request.body.action`, one stage with throttling and access logs, and
 * its routes on the RealtimeSocket function. Built in two steps because the functions need the
 * management endpoint in their environment before the routes can name the function:
 * `new RealtimeApi(...)` (API and stage), then `addRoutes(fn)`.
 */
import { Arn, ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTE_ACTIONS } from '#src/realtime';

export const REALTIME_STAGE = 'v1';

export interface RealtimeApiProps {
  /** Steady rate and burst of the stage's routes (new connections and frames, per region). */
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly logRetention: logs.RetentionDays;
}

export class RealtimeApi extends Construct {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;

  constructor(scope: Construct, id: string, props: RealtimeApiProps) {
    super(scope, id);
    this.api = new apigwv2.WebSocketApi(this, 'Api', {
      description: 'WedSync real-time updates (docs/realtime.md).',
      routeSelectionExpression: '$request.body.action',
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: REALTIME_STAGE,
      autoDeploy: true,
      throttle: { rateLimit: props.throttlingRateLimit, burstLimit: props.throttlingBurstLimit },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });
  }

  /** Where PostToConnection goes (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`). */
  get managementEndpoint(): string {
    return this.stage.callbackUrl;
  }

  /** `execute-api:ManageConnections` reaches this stage's connections only. */
  get connectionsArn(): string {
    return Arn.format(
      {
        service: 'execute-api',
        resource: this.api.apiId,
        resourceName: `${REALTIME_STAGE}/POST/@connections/*`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      },
      Stack.of(this),
    );
  }

  /** $connect, $disconnect, $default and the protocol's actions, all on the one function. */
  addRoutes(fn: lambda.IFunction): void {
    const integration = (name: string) => new WebSocketLambdaIntegration(`${name}Integration`, fn);
    const routes = [
      this.api.addRoute('$connect', { integration: integration('Connect') }),
      this.api.addRoute('$disconnect', { integration: integration('Disconnect') }),
      this.api.addRoute('$default', { integration: integration('Default') }),
      ...ROUTE_ACTIONS.map((action) =>
        this.api.addRoute(action, { integration: integration(action[0]!.toUpperCase() + action.slice(1)) }),
      ),
    ];
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Browsers cannot set headers on a WebSocket: $connect carries a 5-minute HMAC-signed connection token in its ' +
          'query string, which the RealtimeSocket function verifies before the connection exists (401/403, as an ' +
          'authorizer would); API Gateway runs only $connect with authorization on WebSocket APIs, so the other ' +
          "routes exist only on connections it accepted, and each frame is checked against the connection's grant.",
      });
    }
  }

  /** Acknowledges the wildcard of `execute-api:ManageConnections` on a role: connection ids are made per connection. */
  acknowledgeConnectionsWildcard(role: Construct): void {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagText(this, this.connectionsArn)}]`,
      reason:
        'PostToConnection names a connection id API Gateway makes per connection: the grant is on this one stage of ' +
        'this one WebSocket API (POST @connections/* only).',
    });
  }
}

/** A token as cdk-nag prints it in a finding: Refs as <LogicalId>, pseudo parameters resolved, other intrinsics as JSON. */
export function nagText(scope: Construct, value: string): string {
  const stack = Stack.of(scope);
  const resolved = stack.resolve(value) as unknown;
  const part = (p: unknown): string => {
    if (typeof p === 'string') return p;
    const ref = (p as { Ref?: string }).Ref;
    if (ref === 'AWS::Partition') return 'aws';
    if (ref === 'AWS::Region') return stack.region;
    if (ref === 'AWS::AccountId') return stack.account;
    if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
    if (typeof ref === 'string') return `<${ref}>`;
    const join = (p as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(part).join(join[0]);
    return JSON.stringify(p);
  };
  return part(resolved);
}
