/**
 * The REST API of every region (in its API stack, issue 11), checked against the route table
 * (ROUTES) and the request-body schemas: resources and methods, authorizer on every method,
 * validation, catch-alls, gateway responses, throttling, usage plan, access logs, WAF; and how it
 * meets the service stack: the functions by their derived names, its metrics by name.
 */
import { API_CATCH_ALL_FUNCTION, apiFunctionOfRoute } from '#src/catalog/api-functions';
import type { FunctionId } from '#src/catalog/functions';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { queryParameterNames, ROUTES } from '#src/catalog/routes';
import { serviceFunctionName } from '#src/catalog/physical-names';
import { SHARED_USAGE_KEYS, USAGE_PLANS, usagePlanName } from '#src/catalog/usage-plans';
import { apiNames, pathPrefixes, requestParametersOf } from '../../lib/constructs/service-api';
import { FRONT_DOOR_FUNCTIONS, type ApiStack } from '../../lib/stacks/api-stack';
import type { ServiceStack } from '../../lib/stacks/service-stack';
import { logicalIdOf, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

const logicalId = logicalIdOf;

/** Every path that gets a resource: each route path and all its prefixes. */
const RESOURCE_PATHS = [...new Set(ROUTES.flatMap((r) => pathPrefixes(r.path)))];

describe.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])('REST API in %s', (region) => {
  let stack: ApiStack;
  let template: Template;
  let service: ServiceStack;
  let serviceTemplate: Template;
  let api: apigw.RestApi;
  let authorizerRef: { Ref: string };
  beforeAll(() => {
    stack = synth.apis.find((s) => s.region === region)!;
    template = synth.apiTemplates.get(region)!;
    service = synth.services.find((s) => s.region === region)!;
    serviceTemplate = synth.serviceTemplates.get(region)!;
    api = stack.api.api;
    authorizerRef = { Ref: logicalId(stack, stack.api.authorizer) };
  });
  const resource = (path: string): apigw.IResource => api.root.resourceForPath(path);
  const method = (path: string, verb: string): IConstruct => {
    const found = resource(path).node.tryFindChild(verb);
    if (!found) throw new Error(`no ${verb} method on ${path}`);
    return found;
  };

  describe('resources and methods (derived from ROUTES)', () => {
    it('has one resource per path segment of the routes, plus the root {proxy+}', () => {
      template.resourceCountIs('AWS::ApiGateway::Resource', RESOURCE_PATHS.length + 1);
      template.hasResourceProperties('AWS::ApiGateway::Resource', {
        PathPart: '{proxy+}',
        ParentId: { 'Fn::GetAtt': [logicalId(stack, api), 'RootResourceId'] },
      });
    });

    it('has the route methods, ANY on every resource, ANY on the root and on {proxy+}, nothing else', () => {
      template.resourceCountIs('AWS::ApiGateway::Method', ROUTES.length + RESOURCE_PATHS.length + 2);
    });

    it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
      '%s: its own method, validated, behind the authorizer unless public, proxied to the Api function',
      (_name, route) => {
        resourceOf(template, stack, method(route.path, route.method)).hasResourceProperties(
          'AWS::ApiGateway::Method',
          {
            HttpMethod: route.method,
            ResourceId: { Ref: logicalId(stack, resource(route.path)) },
            OperationName: route.operation,
            ...(route.auth === 'public'
              ? { AuthorizationType: 'NONE', AuthorizerId: Match.absent(), ApiKeyRequired: Match.absent() }
              : { AuthorizationType: 'CUSTOM', AuthorizerId: authorizerRef, ApiKeyRequired: true }),
            RequestValidatorId: { Ref: logicalId(stack, stack.api.requestValidator) },
            RequestParameters: requestParametersOf(route),
            Integration: Match.objectLike({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' }),
          },
        );
      },
    );

    it('declares the path and query parameters of each route', () => {
      const byId = ROUTES.find((r) => r.path.includes('{id}'));
      expect(byId && requestParametersOf(byId)).toEqual({ 'method.request.path.id': true });
      const listing = ROUTES.find((r) => queryParameterNames(r).length > 0);
      expect(Object.keys(listing ? requestParametersOf(listing) : {})).toEqual(
        listing ? queryParameterNames(listing).map((q) => `method.request.querystring.${q}`) : [],
      );
    });

    it.each(RESOURCE_PATHS)('%s: ANY method, so a wrong method reaches the Api function (405)', (path) => {
      resourceOf(template, stack, method(path, 'ANY')).hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'ANY',
        AuthorizerId: authorizerRef,
        Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
      });
    });

    it('has the catch-all: ANY on the root and ANY on /{proxy+}, to the Api function', () => {
      const rootAny = api.root.node.tryFindChild('ANY');
      const proxy = api.root.node.tryFindChild('{proxy+}');
      expect(rootAny).toBeDefined();
      expect(proxy?.node.tryFindChild('ANY')).toBeDefined();
      for (const any of [rootAny!, proxy!.node.tryFindChild('ANY')!]) {
        resourceOf(template, stack, any).hasResourceProperties('AWS::ApiGateway::Method', {
          HttpMethod: 'ANY',
          AuthorizerId: authorizerRef,
          Integration: Match.objectLike({ Type: 'AWS_PROXY' }),
        });
      }
    });

    it("proxies each route's method to its area's function (ApiReviews for reviews) and every ANY to the Api", () => {
      const uriOf = (id: FunctionId) => `:function:${serviceFunctionName(synth.config, id)}:live/invocations`;
      for (const route of ROUTES) {
        const json = JSON.stringify(resourceOf(template, stack, method(route.path, route.method)).toJSON());
        expect(json).toContain(uriOf(apiFunctionOfRoute(route)));
      }
      expect(ROUTES.some((route) => apiFunctionOfRoute(route) === 'ApiReviews')).toBe(true);
      const anys = Object.values(
        template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'ANY' } }),
      );
      expect(anys.length).toBeGreaterThan(ROUTES.length / 2);
      for (const any of anys) expect(JSON.stringify(any)).toContain(uriOf(API_CATCH_ALL_FUNCTION));
    });
  });

  describe('authorization', () => {
    it('puts the REQUEST authorizer on every non-public method, catch-alls included', () => {
      const methods = template.findResources('AWS::ApiGateway::Method');
      const publicIds = new Set(
        ROUTES.filter((r) => r.auth === 'public').map((r) => logicalId(stack, method(r.path, r.method))),
      );
      const guarded = Object.entries(methods).filter(([id]) => !publicIds.has(id));
      expect(guarded).toHaveLength(Object.keys(methods).length - publicIds.size);
      for (const [id, resource] of guarded) {
        expect({ id, ...(resource as { Properties: Record<string, unknown> }).Properties }).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: authorizerRef,
          // Metered by the usage plans, by the key the authorizer returns (ADR 0036).
          ApiKeyRequired: true,
        });
      }
    });

    it('leaves only the public routes without an authorizer (the API description, the OAuth callback, the platform notifications)', () => {
      const open = Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
        (r) => (r as { Properties: { AuthorizationType: string } }).Properties.AuthorizationType === 'NONE',
      );
      expect(ROUTES.filter((r) => r.auth === 'public').map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /v1/openapi.json',
        'GET /v1/oauth/callback',
        'GET /v1/platforms/{platform}/notifications',
        'POST /v1/platforms/{platform}/notifications',
        // Route 53's health checkers send no credential (issue 11).
        'GET /v1/health',
      ]);
      expect(open).toHaveLength(5);
      expect(
        open.map((r) => (r as { Properties: { HttpMethod: string; OperationName: string } }).Properties),
      ).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ HttpMethod: 'GET', OperationName: 'getOpenApiDocument' }),
          expect.objectContaining({ HttpMethod: 'GET', OperationName: 'getHealth' }),
          expect.objectContaining({ HttpMethod: 'GET', OperationName: 'completeOAuthCallback' }),
          expect.objectContaining({ HttpMethod: 'GET', OperationName: 'verifyPlatformNotifications' }),
          expect.objectContaining({ HttpMethod: 'POST', OperationName: 'receivePlatformNotification' }),
        ]),
      );
    });

    it('uses the Authorizer function, the Authorization header as identity source and a 30 s cache', () => {
      const uri = new Capture();
      resourceOf(template, stack, stack.api.authorizer).hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'REQUEST',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 30,
        AuthorizerUri: uri,
      });
      // The derived name in this stack's own environment: a literal ARN, no reference to the service stack.
      expect(uri.asString()).toContain(
        `:function:${serviceFunctionName(synth.config, 'Authorizer')}:live/invocations`,
      );
    });
  });

  describe('request validation', () => {
    it('validates parameters only: bodies are validated by the handler (422 with field errors)', () => {
      resourceOf(template, stack, stack.api.requestValidator).hasResourceProperties(
        'AWS::ApiGateway::RequestValidator',
        { ValidateRequestBody: false, ValidateRequestParameters: true },
      );
      template.resourceCountIs('AWS::ApiGateway::Model', 0);
    });
  });

  describe('stage', () => {
    it('throttles, logs execution errors, emits metrics and traces as configured', () => {
      const { api: settings, tracing } = synth.config;
      resourceOf(template, stack, api.deploymentStage).hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: settings.stageName,
        TracingEnabled: tracing,
        MethodSettings: [
          Match.objectLike({
            HttpMethod: '*',
            ResourcePath: '/*',
            ThrottlingRateLimit: settings.throttlingRateLimit,
            ThrottlingBurstLimit: settings.throttlingBurstLimit,
            LoggingLevel: 'ERROR',
            MetricsEnabled: true,
            DataTraceEnabled: false,
          }),
        ],
      });
    });

    it('writes JSON access logs to a log group with retention', () => {
      const format = new Capture();
      resourceOf(template, stack, api.deploymentStage).hasResourceProperties('AWS::ApiGateway::Stage', {
        AccessLogSetting: { DestinationArn: Match.anyValue(), Format: format },
      });
      const fields = JSON.parse(format.asString()) as Record<string, string>;
      expect(fields).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
      resourceOf(template, stack, stack.api.accessLogGroup).hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: synth.config.logRetentionDays,
      });
    });

    it.each(USAGE_PLANS.map((p) => [p.id, p] as const))(
      'has the catalog usage plan %s on the stage, named, with its per-key throttle and quota',
      (id, plan) => {
        resourceOf(template, stack, stack.api.usagePlans[id]).hasResourceProperties(
          'AWS::ApiGateway::UsagePlan',
          {
            UsagePlanName: usagePlanName(apiNames(service.stackName).apiName, id),
            ApiStages: [
              {
                ApiId: { Ref: logicalId(stack, api) },
                Stage: { Ref: logicalId(stack, api.deploymentStage) },
              },
            ],
            Throttle: { RateLimit: plan.throttle.rateLimit, BurstLimit: plan.throttle.burstLimit },
            Quota:
              plan.quotaPerDay === undefined ? Match.absent() : { Limit: plan.quotaPerDay, Period: 'DAY' },
          },
        );
      },
    );

    it('names the suppliers plan as the CLI finds it (scripts/cli.ts usageKeyRegistry)', () => {
      expect(apiNames(service.stackName).apiName).toBe(`${synth.config.appName}-Service-${region}-api`);
    });

    it('holds each shared usage key, with its catalog value, in its plan and nothing else', () => {
      template.resourceCountIs('AWS::ApiGateway::UsagePlan', USAGE_PLANS.length);
      template.resourceCountIs('AWS::ApiGateway::ApiKey', SHARED_USAGE_KEYS.length);
      template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', SHARED_USAGE_KEYS.length);
      const keys = template.findResources('AWS::ApiGateway::ApiKey');
      for (const shared of SHARED_USAGE_KEYS) {
        const [keyId] = Object.entries(keys).find(
          ([, r]) => (r as { Properties: { Value: string } }).Properties.Value === shared.value,
        )!;
        template.hasResourceProperties('AWS::ApiGateway::ApiKey', {
          Name: `${apiNames(service.stackName).apiName}-${shared.id}`,
          Value: shared.value,
          Enabled: true,
        });
        template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
          KeyId: { Ref: keyId },
          KeyType: 'API_KEY',
          UsagePlanId: { Ref: logicalId(stack, stack.api.usagePlans[shared.plan]) },
        });
      }
    });

    it('pages on-call on server errors (the alarm in the service stack reads the API by its name)', () => {
      resourceOf(serviceTemplate, service, service.apiAlarms.serverErrorAlarm).hasResourceProperties(
        'AWS::CloudWatch::Alarm',
        {
          Namespace: 'AWS/ApiGateway',
          MetricName: '5XXError',
          Dimensions: [{ Name: 'ApiName', Value: apiNames(service.stackName).apiName }],
          Threshold: synth.config.alarms.api5xxPer5Minutes,
        },
      );
    });
  });

  describe('the service stack, by derived names (issue 11: no reference between the stacks)', () => {
    it('names the API and the web ACL as the service stack reads their metrics', () => {
      resourceOf(template, stack, api).hasResourceProperties('AWS::ApiGateway::RestApi', {
        Name: apiNames(service.stackName).apiName,
      });
      resourceOf(template, stack, stack.api.webAcl).hasResourceProperties('AWS::WAFv2::WebACL', {
        Name: apiNames(service.stackName).webAclName,
      });
      const wafAlarm = resourceOf(serviceTemplate, service, service.apiAlarms.wafBlocksAlarm).toJSON();
      expect(JSON.stringify(wafAlarm)).toContain(
        `{"Name":"WebACL","Value":"${apiNames(service.stackName).webAclName}"}`,
      );
    });

    it('calls the API functions and the Authorizer the service stack names so, with the invoke permissions here', () => {
      for (const id of FRONT_DOOR_FUNCTIONS) {
        const name = serviceFunctionName(synth.config, id);
        expect(name.length).toBeLessThanOrEqual(64);
        resourceOf(serviceTemplate, service, service.functions[id].function).hasResourceProperties(
          'AWS::Lambda::Function',
          { FunctionName: name },
        );
        template.hasResourceProperties('AWS::Lambda::Permission', {
          Action: 'lambda:InvokeFunction',
          Principal: 'apigateway.amazonaws.com',
          FunctionName: `arn:aws:lambda:${region}:${synth.config.account}:function:${name}:live`,
        });
      }
      template.resourceCountIs('AWS::Lambda::Permission', FRONT_DOOR_FUNCTIONS.length);
      // None on them in the service stack (its API Gateway permissions are the WebSocket routes').
      for (const id of FRONT_DOOR_FUNCTIONS) {
        serviceTemplate.resourcePropertiesCountIs(
          'AWS::Lambda::Permission',
          {
            FunctionName: Match.objectLike({
              'Fn::GetAtt': [logicalId(service, service.functions[id].function), 'Arn'],
            }),
          },
          0,
        );
      }
    });
  });

  describe('gateway responses (RFC 9457 problem+json)', () => {
    const REQUIRED = [
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'UNAUTHORIZED',
      'ACCESS_DENIED',
      'THROTTLED',
      'BAD_REQUEST_BODY',
      'BAD_REQUEST_PARAMETERS',
      'REQUEST_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
      'MISSING_AUTHENTICATION_TOKEN',
      'WAF_FILTERED',
      'QUOTA_EXCEEDED',
    ];

    it.each(REQUIRED)('%s answers application/problem+json with a body whose status matches', (type) => {
      const headers = new Capture();
      const templates = new Capture();
      const status = new Capture();
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: status,
        ResponseParameters: headers,
        ResponseTemplates: templates,
      });
      expect(headers.asObject()).toMatchObject({
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
      });
      const body = JSON.parse(
        (templates.asObject() as Record<string, string>)['application/json']!,
      ) as Record<string, unknown>;
      expect(body).toEqual({
        type: expect.stringMatching(/^urn:wedsync:problem:/),
        title: expect.any(String),
        status: Number(status.asString()),
        detail: expect.any(String),
        requestId: '$context.requestId',
      });
    });

    it('maps unknown routes to 404, throttling to 429 and authorizer failures to 503 with Retry-After, oversized bodies to 413', () => {
      const statusOf = (type: string, code: string) =>
        template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
          ResponseType: type,
          StatusCode: code,
        });
      statusOf('MISSING_AUTHENTICATION_TOKEN', '404');
      statusOf('UNAUTHORIZED', '401');
      statusOf('ACCESS_DENIED', '403');
      statusOf('REQUEST_TOO_LARGE', '413');
      statusOf('UNSUPPORTED_MEDIA_TYPE', '415');
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'THROTTLED',
        StatusCode: '429',
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Retry-After': Match.stringLikeRegexp("^'\\d+'$"),
        }),
      });
      // A failed authorizer (its store throttled or down) is transient: 503 with a wait, not 500.
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'AUTHORIZER_FAILURE',
        StatusCode: '503',
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Retry-After': Match.stringLikeRegexp("^'\\d+'$"),
        }),
      });
    });
  });

  describe('WAF', () => {
    it('has a regional web ACL with a per-IP rate limit and the AWS managed common rule set', () => {
      resourceOf(template, stack, stack.api.webAcl).hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        Rules: Match.arrayWith([
          Match.objectLike({
            Statement: {
              RateBasedStatement: Match.objectLike({
                Limit: synth.config.api.wafRateLimitPer5Minutes,
                AggregateKeyType: 'IP',
              }),
            },
            Action: { Block: { CustomResponse: Match.objectLike({ ResponseCode: 429 }) } },
          }),
          Match.objectLike({
            Statement: {
              ManagedRuleGroupStatement: Match.objectLike({
                VendorName: 'AWS',
                Name: 'AWSManagedRulesCommonRuleSet',
              }),
            },
          }),
        ]),
      });
    });

    it('is associated with the API stage', () => {
      template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        WebACLArn: { 'Fn::GetAtt': [logicalId(stack, stack.api.webAcl), 'Arn'] },
        ResourceArn: {
          'Fn::Join': [
            '',
            Match.arrayWith([{ Ref: logicalId(stack, api) }, { Ref: logicalId(stack, api.deploymentStage) }]),
          ],
        },
      });
    });
  });
});
