/**
 * The regional REST API, generated from the route table (`ROUTES`): one resource and method per
 * route, each proxied to the Api function behind the REQUEST authorizer (none for the route table's
 * `public` routes, such as GET /v1/openapi.json), with request validation
 * (parameters, and bodies against models derived from the zod schemas). Every resource also has an
 * `ANY` method and the root a `/{proxy+}` catch-all, so a wrong method or an unknown path reaches
 * the Api function and gets its own 405/404 problem; whatever API Gateway answers itself is mapped
 * to an RFC 9457 `application/problem+json` body by the gateway responses.
 *
 * Also here: stage throttling, a usage plan, JSON access logs (and the 429 count taken from them),
 * execution logging, optional X-Ray, and a WAFv2 web ACL (AWS common rules, known bad inputs, per-IP
 * rate limit). It lives in the region's API stack (lib/stacks/api-stack.ts, issue 11) and calls the
 * service stack's Api and Authorizer functions by their derived names. The API's alarms (5xx, p99
 * latency above the SLO, 4xx and 429 surges, WAF blocks) are in the service stack with every other
 * alarm of the region (lib/constructs/api-alarms.ts): they read `ApiMetrics`, which names the API
 * and the web ACL exactly as this construct does.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { queryParameterNames, type RouteDefinition } from '#src/catalog/routes';
import { problemOf } from '#src/shared/problem';
import { gatewayAnswer, gatewayProblems } from '../gateway-responses';
import { SHARED_USAGE_KEYS, USAGE_PLANS, usagePlanName, type UsagePlanId } from '#src/catalog/usage-plans';

export interface ServiceApiSettings {
  readonly stageName: string;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly wafRateLimitPer5Minutes: number;
  readonly authorizerCacheSeconds: number;
  /** How long API Gateway waits for the Api function (the local gateway uses the same value). */
  readonly integrationTimeoutSeconds: number;
}

export interface ServiceApiProps {
  readonly routes: readonly RouteDefinition[];
  /** The service stack's functions, by their derived names (imported with `sameEnvironment`). */
  readonly apiFunction: lambda.IFunction;
  readonly authorizerFunction: lambda.IFunction;
  readonly settings: ServiceApiSettings;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
  /** The API's and the web ACL's names (`apiNames`), which its metrics are published under. */
  readonly names: ApiNames;
  /** Namespace of the metrics counted from the access log. */
  readonly metricsNamespace: string;
}

/** The access-log metric of 429 answers. */
export const API_THROTTLED_METRIC = 'ApiThrottledResponses';

/**
 * The REST API's name (API Gateway's `ApiName` metric dimension), derived from the name of the
 * region's service stack: the API stack names its API so, and the service stack's alarms and the
 * dashboards read its metrics by this name, with no reference between the stacks.
 */
export const serviceApiName = (serviceStackName: string): string => `${serviceStackName}-api`;

/** The names a region's REST API and its web ACL publish their metrics under. */
export interface ApiNames {
  readonly apiName: string;
  /** The WAFv2 web ACL's name (`AWS/WAFV2` metrics' `WebACL` dimension). */
  readonly webAclName: string;
}

/** Both names, from the name of the region's service stack. */
export const apiNames = (serviceStackName: string): ApiNames => ({
  apiName: serviceApiName(serviceStackName),
  webAclName: `${serviceStackName}-web-acl`,
});

/**
 * The REST API's metrics by name (the API lives in the API stack; its alarms and dashboard widgets
 * in the service stack read these): API Gateway's by `ApiName`, the web ACL's blocked requests by
 * `WebACL` and region, the 429 count the access log's metric filter publishes.
 */
export class ApiMetrics {
  constructor(
    readonly names: ApiNames,
    private readonly region: string,
    private readonly metricsNamespace: string,
  ) {}

  /** An `AWS/ApiGateway` metric of this API (5 minutes unless told otherwise). */
  gateway(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: this.names.apiName },
      period: Duration.minutes(5),
      ...props,
    });
  }

  count(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.gateway('Count', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  clientErrors(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.gateway('4XXError', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  serverErrors(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.gateway('5XXError', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  latency(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.gateway('Latency', props);
  }

  integrationLatency(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.gateway('IntegrationLatency', props);
  }

  /** 429 answers counted from the access log (stage throttling, usage plan, WAF rate limit, quotas). */
  throttledResponses(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricsNamespace,
      metricName: API_THROTTLED_METRIC,
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** Requests the web ACL blocked, all rules (AWS/WAFV2 BlockedRequests). */
  wafBlockedRequests(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: this.names.webAclName, Region: this.region, Rule: 'ALL' },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }
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
  /** The catalog's usage plans (src/catalog/usage-plans.ts, ADR 0036), by id. */
  readonly usagePlans: Readonly<Record<UsagePlanId, apigw.UsagePlan>>;
  /** Counts the 429 answers of the access log (`ApiMetrics.throttledResponses`). */
  readonly throttledResponsesFilter: logs.MetricFilter;

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    const { settings } = props;

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });

    this.authorizer = new apigw.RequestAuthorizer(this, 'Authorizer', {
      handler: props.authorizerFunction,
      identitySources: [apigw.IdentitySource.header('Authorization')],
      resultsCacheTtl: Duration.seconds(settings.authorizerCacheSeconds),
    });

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: props.names.apiName,
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
        // One invoke permission for the whole API (its ARN, any stage and method) instead of one
        // per method: a hundred methods' permissions took a fifth of the stack's 500-resource
        // limit. It also admits API Gateway's test-invoke stage, which only the account can use.
        scopePermissionToMethod: false,
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

    this.usagePlans = this.addUsagePlans(props.names);

    this.webAcl = this.addWebAcl(settings, props.names);
    this.throttledResponsesFilter = this.countThrottledResponses(props);

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
   * API Gateway has no 429 metric (429s hide in 4XXError), so they are counted from the JSON access
   * log: stage throttling, the usage plan, the WAF rate limit and our own quotas alike.
   */
  private countThrottledResponses(props: ServiceApiProps): logs.MetricFilter {
    return new logs.MetricFilter(this, 'ThrottledResponses', {
      logGroup: this.accessLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: props.metricsNamespace,
      metricName: API_THROTTLED_METRIC,
      metricValue: '1',
    });
  }

  /**
   * One resource per path segment, the route methods, and `ANY` everywhere for 404/405. Every
   * method is behind the REQUEST authorizer except the routes whose auth is `public`.
   */
  private addRoutes(props: ServiceApiProps): void {
    const guarded: apigw.MethodOptions = {
      authorizer: this.authorizer,
      authorizationType: apigw.AuthorizationType.CUSTOM,
      // Metered by the usage plans, by the key the authorizer returns (ADR 0036). Public methods
      // have no authorizer, so no key: the stage's limits and the WAF hold them.
      apiKeyRequired: true,
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

  /**
   * The catalog's usage plans on this stage, each with its per-key throttle and quota, and the
   * shared usage keys in theirs (ADR 0036). Suppliers' keys are added to `suppliers` when a supplier
   * is created (src/access/adapters/api-gateway-usage-keys.ts finds the plan by its name); CloudFormation
   * does not own them, so a redeploy never removes one.
   */
  private addUsagePlans(names: ApiNames): Record<UsagePlanId, apigw.UsagePlan> {
    const plans = Object.fromEntries(
      USAGE_PLANS.map((plan) => [
        plan.id,
        this.api.addUsagePlan(`UsagePlan-${plan.id}`, {
          name: usagePlanName(names.apiName, plan.id),
          description: plan.description,
          throttle: { rateLimit: plan.throttle.rateLimit, burstLimit: plan.throttle.burstLimit },
          ...(plan.quotaPerDay !== undefined
            ? { quota: { limit: plan.quotaPerDay, period: apigw.Period.DAY } }
            : {}),
          apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
        }),
      ]),
    ) as Record<UsagePlanId, apigw.UsagePlan>;
    for (const shared of SHARED_USAGE_KEYS) {
      // A fixed value: the authorizer returns it for every caller of this kind. Not a credential
      // (the key source is AUTHORIZER: a caller cannot present a key), so it may sit in the template.
      const key = new apigw.ApiKey(this, `UsageKey-${shared.id}`, {
        apiKeyName: `${names.apiName}-${shared.id}`,
        description: `Shared usage identifier: ${shared.id} (ADR 0036); not a credential`,
        value: shared.value,
        enabled: true,
      });
      plans[shared.plan].addApiKey(key);
    }
    return plans;
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
  private addWebAcl(settings: ServiceApiSettings, names: ApiNames): wafv2.CfnWebACL {
    const metricPrefix = names.apiName.replace(/[^A-Za-z0-9]/g, '');
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
      // Named, so that its metrics (`WebACL` dimension) are found by name from the service stack.
      name: names.webAclName,
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
