/**
 * The regional REST API, generated from the route table (`ROUTES`): one resource and method per
 * route, each proxied to the Api function behind the REQUEST authorizer (none for the route table's
 * `public` routes, such as GET /v1/openapi.json), with request validation
 * (parameters, and bodies against models derived from the zod schemas). Every resource also has an
 * `ANY` method and the root a `/{proxy+}` catch-all, so a wrong method or an unknown path reaches
 * the Api function and gets its own 405/404 problem; whatever API Gateway answers itself is mapped
 * to an RFC 9457 `application/problem+json` body by the gateway responses.
 *
 * Also here: stage throttling, a usage plan, JSON access logs, execution logging, optional X-Ray,
 * a WAFv2 web ACL (AWS common rules, known bad inputs, per-IP rate limit), and a 5xx alarm.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { queryParameterNames, type RouteDefinition } from '#src/catalog/routes';
import { problemOf } from '#src/shared/problem';
import { gatewayAnswer, gatewayProblems } from '../gateway-responses';
import { runbookReference } from '../runbooks';

export interface ServiceApiSettings {
  readonly stageName: string;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly usagePlanQuotaPerDay: number;
  readonly wafRateLimitPer5Minutes: number;
  readonly authorizerCacheSeconds: number;
  /** How long API Gateway waits for the Api function (the local gateway uses the same value). */
  readonly integrationTimeoutSeconds: number;
}

export interface ServiceApiProps {
  readonly routes: readonly RouteDefinition[];
  readonly apiFunction: lambda.IFunction;
  readonly authorizerFunction: lambda.IFunction;
  readonly settings: ServiceApiSettings;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
  readonly alarmTopic: ITopic;
  readonly serverErrorAlarmThreshold: number;
}

/** `/v1/reviews/{id}` -> `['/v1', '/v1/reviews', '/v1/reviews/{id}']`. */
export const pathPrefixes = (path: string): string[] => {
  const segments = path.split('/').filter(Boolean);
  return segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}`);
};

/** Request parameters API Gateway validates: path parameters required, listed query optional. */
export const requestParametersOf = (route: RouteDefinition): Record<string, boolean> => ({
  ...Object.fromEntries(
    [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [`method.request.path.${m[1]}`, true]),
  ),
  ...Object.fromEntries(
    queryParameterNames(route).map((name) => [`method.request.querystring.${name}`, false]),
  ),
});

/** A `public` route has no authorizer: cdk-nag's APIG4 and COG4 findings, answered on that method only. */
function acknowledgePublicMethod(method: apigw.Method, route: RouteDefinition): void {
  const what = `${route.method} ${route.path} (${route.operation}) is public by design in the route table`;
  if (route.path.startsWith('/v1/platforms/')) {
    acknowledgeNotificationMethod(method, what);
    return;
  }
  Validations.of(method).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      `${what}: it serves the API description, generated from the route table at build time, and reads no ` +
      'tenant data and no credential; stage throttling, the usage plan and the WAF rate limit still apply.',
  });
  Validations.of(method).acknowledge({
    id: 'AwsSolutions-COG4',
    reason:
      `${what}: API consumers must be able to read the API description before they hold a key, so neither a ` +
      'Cognito user pool nor the REQUEST authorizer sits in front of it; it returns the same document to all.',
  });
}

/**
 * The inbound platform notification routes are called by Facebook, Google Pub/Sub and Trustpilot,
 * which cannot hold our API keys: the Api function authenticates each request with the platform's
 * own proof (HMAC over the raw body, verify token, secret URL token from Secrets Manager).
 */
function acknowledgeNotificationMethod(method: apigw.Method, what: string): void {
  const proof =
    "the Api function verifies the platform's own proof on the raw body (Facebook X-Hub-Signature-256 with the " +
    "app secret, the verify token, the secret token in Google's and Trustpilot's URLs, all from Secrets " +
    'Manager) and answers 401/403 before anything is queued; the body is never trusted (each review is ' +
    're-fetched), replays are dropped, bodies are capped at 1 MB; stage throttling and the WAF rate limit apply.';
  Validations.of(method).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: `${what}: review platforms call it without our API keys; ${proof}`,
  });
  Validations.of(method).acknowledge({
    id: 'AwsSolutions-COG4',
    reason: `${what}: the callers are review platforms, not Cognito users; ${proof}`,
  });
}

export class ServiceApi extends Construct {
  readonly api: apigw.RestApi;
  readonly authorizer: apigw.RequestAuthorizer;
  readonly requestValidator: apigw.RequestValidator;
  readonly accessLogGroup: logs.LogGroup;
  readonly webAcl: wafv2.CfnWebACL;
  readonly usagePlan: apigw.UsagePlan;
  readonly serverErrorAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { settings } = props;

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });

    this.authorizer = new apigw.RequestAuthorizer(this, 'Authorizer', {
      handler: props.authorizerFunction,
      identitySources: [apigw.IdentitySource.header('Authorization')],
      resultsCacheTtl: Duration.seconds(settings.authorizerCacheSeconds),
    });

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `${stack.stackName}-api`,
      description: 'WedSync Integration Platform HTTP API (generated from src/catalog/routes.ts)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // Usage plans identify callers by the key our authorizer returns (usageIdentifierKey).
      apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER,
      // Execution logging needs the account-level CloudWatch role (see the IAM4 acknowledgement).
      cloudWatchRole: true,
      deployOptions: {
        stageName: settings.stageName,
        throttlingRateLimit: settings.throttlingRateLimit,
        throttlingBurstLimit: settings.throttlingBurstLimit,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: props.tracing,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: accessLogFormat(),
      },
      defaultIntegration: new apigw.LambdaIntegration(props.apiFunction, {
        proxy: true,
        allowTestInvoke: false,
        timeout: Duration.seconds(settings.integrationTimeoutSeconds),
      }),
      // No default authorizer: every method names its own (see addRoutes), so that a `public`
      // route can have none (CDK refuses to override a default authorizer with NONE).
    });

    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      // Bodies are validated by the handler alone (422 with field errors, the same locally and in
      // AWS; ADR 0002), so no request models: API Gateway checks the parameters only.
      validateRequestBody: false,
      validateRequestParameters: true,
    });

    this.addRoutes(props);
    this.addGatewayResponses(settings);

    this.usagePlan = this.api.addUsagePlan('UsagePlan', {
      description: 'Default per-caller plan (applies to callers the authorizer gives a usage identifier key)',
      throttle: { rateLimit: settings.throttlingRateLimit, burstLimit: settings.throttlingBurstLimit },
      quota: { limit: settings.usagePlanQuotaPerDay, period: apigw.Period.DAY },
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });

    this.webAcl = this.addWebAcl(settings);

    this.serverErrorAlarm = new cloudwatch.Alarm(this, 'ServerErrorsAlarm', {
      alarmName: `${stack.stackName}-api-5xx`,
      alarmDescription:
        `The API answered ${props.serverErrorAlarmThreshold}+ 5xx responses in 5 minutes. ` +
        runbookReference('api-5xx'),
      metric: this.api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: props.serverErrorAlarmThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new cloudwatchActions.SnsAction(props.alarmTopic);
    this.serverErrorAlarm.addAlarmAction(action);
    this.serverErrorAlarm.addOkAction(action);

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Callers are supplier systems with API keys and couples with signed review-link tokens, not Cognito ' +
        'users: every method (including the ANY and {proxy+} catch-alls) uses the REQUEST Lambda authorizer, ' +
        'which resolves the credential to a supplier id (DESIGN "Tenancy"); the only exceptions are the ' +
        "route table's `public` routes (the API description, the OAuth callback, the platform notification " +
        'routes), acknowledged on their own methods.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Request parameters are validated by API Gateway; bodies and query values by the Api handler, with the ' +
        'zod schemas each route names in src/catalog/routes.ts, answering 422/400 problem+json with field paths. ' +
        'One validator keeps the local mode and AWS answering the same (ADR 0007); no Lambda runs for unauthorized calls.',
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'Account-level role API Gateway uses to write execution logs (required for AwsSolutions-APIG6). API ' +
          'Gateway creates the log groups itself (API-Gateway-Execution-Logs_<api>/<stage>), so the role needs ' +
          'the log actions on groups that do not exist yet; the AWS-managed policy is the documented one.',
      });
    }
  }

  /**
   * One resource per path segment, the route methods, and `ANY` everywhere for 404/405. Every
   * method is behind the REQUEST authorizer except the routes whose auth is `public`.
   */
  private addRoutes(props: ServiceApiProps): void {
    const guarded: apigw.MethodOptions = {
      authorizer: this.authorizer,
      authorizationType: apigw.AuthorizationType.CUSTOM,
    };
    const resources = new Map<string, apigw.IResource>();
    const resourceFor = (path: string): apigw.IResource => {
      let resource = resources.get(path);
      if (!resource) {
        resource = this.api.root.resourceForPath(path);
        resources.set(path, resource);
        resource.addMethod('ANY', undefined, guarded);
      }
      return resource;
    };

    for (const route of props.routes) {
      for (const prefix of pathPrefixes(route.path)) resourceFor(prefix);
      const method = resourceFor(route.path).addMethod(route.method, undefined, {
        ...(route.auth === 'public' ? { authorizationType: apigw.AuthorizationType.NONE } : guarded),
        operationName: route.operation,
        requestValidator: this.requestValidator,
        requestParameters: requestParametersOf(route),
      });
      if (route.auth === 'public') acknowledgePublicMethod(method, route);
    }

    this.api.root.addMethod('ANY', undefined, guarded);
    this.api.root.addProxy({ anyMethod: true, defaultMethodOptions: guarded });
  }

  /** Everything API Gateway answers by itself, as problem+json with a status matching the body. */
  private addGatewayResponses(settings: ServiceApiSettings): void {
    // The same table the local gateway answers from (lib/gateway-responses.ts).
    for (const { type } of gatewayProblems(settings)) {
      const { statusCode, headers, problem } = gatewayAnswer(type, settings, '$context.requestId');
      this.api.addGatewayResponse(`${type}Response`, {
        type: apigw.ResponseType.of(type),
        statusCode: `${statusCode}`,
        responseHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, `'${v}'`])),
        templates: { 'application/json': JSON.stringify(problem) },
      });
    }
  }

  /** WAFv2: per-IP rate limit (429 problem body), AWS common rules and known bad inputs. */
  private addWebAcl(settings: ServiceApiSettings): wafv2.CfnWebACL {
    const metricPrefix = Stack.of(this).stackName.replace(/[^A-Za-z0-9]/g, '');
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${metricPrefix}${name}`,
    });
    const managed = (
      name: string,
      priority: number,
      excluded: string[] = [],
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ruleActionOverrides: excluded.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: visibility(name),
    });
    const rateLimited = problemOf('rate-limited', 'Too many requests from this address; retry later.');

    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('WebAcl'),
      customResponseBodies: {
        rateLimited: { contentType: 'APPLICATION_JSON', content: JSON.stringify(rateLimited) },
      },
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: {
            block: {
              customResponse: {
                responseCode: rateLimited.status,
                customResponseBodyKey: 'rateLimited',
                responseHeaders: [{ name: 'Retry-After', value: '60' }],
              },
            },
          },
          statement: {
            rateBasedStatement: {
              limit: settings.wafRateLimitPer5Minutes,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        // Counted, not blocked, because they would block legitimate calls: SizeRestrictions_BODY (over
        // 8 KB; reviews may be 10,000 characters, the handler enforces the real limit with a 413),
        // SizeRestrictions_QUERYSTRING (over 2 KB; list cursors may be up to 2,048 characters), and
        // NoUserAgent_HEADER (supplier systems are machine clients that need not send one).
        managed('AWSManagedRulesCommonRuleSet', 1, [
          'SizeRestrictions_BODY',
          'SizeRestrictions_QUERYSTRING',
          'NoUserAgent_HEADER',
        ]),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });

    const association = new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    association.node.addDependency(this.api.deploymentStage);
    return webAcl;
  }
}

/** JSON access log line: who, what, how it ended, and where the time went. */
function accessLogFormat(): apigw.AccessLogFormat {
  const F = apigw.AccessLogField;
  return apigw.AccessLogFormat.custom(
    JSON.stringify({
      requestId: F.contextRequestId(),
      extendedRequestId: F.contextExtendedRequestId(),
      requestTime: F.contextRequestTime(),
      ip: F.contextIdentitySourceIp(),
      userAgent: F.contextIdentityUserAgent(),
      httpMethod: F.contextHttpMethod(),
      resourcePath: F.contextResourcePath(),
      path: F.contextPath(),
      protocol: F.contextProtocol(),
      status: F.contextStatus(),
      responseLength: F.contextResponseLength(),
      responseLatency: F.contextResponseLatency(),
      integrationStatus: F.contextIntegrationStatus(),
      integrationLatency: F.contextIntegrationLatency(),
      // The Lambda request id of the integration call: find the Api function's log lines with it.
      integrationRequestId: F.contextAwsEndpointRequestId(),
      principalId: F.contextAuthorizerPrincipalId(),
      authorizeStatus: F.contextAuthorizeStatus(),
      authorizeLatency: F.contextAuthorizeLatency(),
      authorizeError: F.contextAuthorizeError(),
      errorType: F.contextErrorResponseType(),
      errorMessage: F.contextErrorMessage(),
      wafResponseCode: F.contextWafResponseCode(),
      xrayTraceId: F.contextXrayTraceId(),
    }),
  );
}
