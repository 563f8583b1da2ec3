/**
 * The front door of one region (issue 11): the REST API generated from `ROUTES` (resources and
 * methods, the REQUEST authorizer, gateway responses, request validator, usage plan, WAF, access
 * logs) and the regional DNS (the Route 53 health check, the custom domains and the latency
 * records). Split from the service stack, which would otherwise pass CloudFormation's 500-resource
 * limit (ADR 0031).
 *
 * It deploys after its region's service stack and refers to it by derived names only: the Api and
 * Authorizer functions by `serviceFunctionName` (their invoke permissions are made here), the API
 * and the web ACL by `apiNames(<service stack name>)`, so the service stack's alarms and dashboards
 * read this API's metrics by name. The one value read from the service stack is its WebSocket API
 * (same region), mapped to the realtime custom domain. Nothing is read from another region.
 */
import { ArnFormat, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ServiceFunctionId } from '#src/catalog/functions';
import { API_CATCH_ALL_FUNCTION, API_FUNCTION_IDS, apiFunctionOfRoute } from '#src/catalog/api-functions';
import { serviceFunctionName } from '#src/catalog/physical-names';
import { ROUTES } from '#src/catalog/routes';
import type { WedSyncConfig } from '../config';
import { RegionalDns } from '../constructs/regional-dns';
import { apiNames, ServiceApi } from '../constructs/service-api';
import { LIVE_ALIAS } from '../constructs/service-function';
import type { RealtimeApi } from '../constructs/realtime-api';

/**
 * The service functions the API stack calls, named by `serviceFunctionName` in the service stack:
 * the authorizer and every API function (one per route area, src/catalog/api-functions.ts).
 */
export const FRONT_DOOR_FUNCTIONS: readonly ServiceFunctionId[] = [
  ...(API_FUNCTION_IDS as readonly ServiceFunctionId[]),
  'Authorizer',
];
export type FrontDoorFunctionId = ServiceFunctionId;

export interface ApiStackProps extends StackProps {
  readonly config: WedSyncConfig;
  /** The name of this region's service stack: the API and web ACL names derive from it. */
  readonly serviceStackName: string;
  /** The service stack's WebSocket API, for the realtime custom domain (same region). */
  readonly realtime: RealtimeApi;
}

export class ApiStack extends Stack {
  /** The service stack's functions, imported by their derived names. */
  readonly functions: Readonly<Partial<Record<FrontDoorFunctionId, lambda.IFunction>>>;
  readonly api: ServiceApi;
  /** The Route 53 health check of this region and, with `wedsync.dns`, the custom domains and latency records. */
  readonly dns: RegionalDns;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;

    // `sameEnvironment`: the invoke permissions (API Gateway on the Api function and the authorizer)
    // are made in this stack, on the functions the service stack made under these names. API
    // Gateway calls their `live` alias, which CodeDeploy shifts to each new version by a canary.
    const imported = (fnId: FrontDoorFunctionId): lambda.IFunction =>
      lambda.Function.fromFunctionAttributes(this, `${fnId}Function`, {
        functionArn: this.formatArn({
          service: 'lambda',
          resource: 'function',
          resourceName: `${serviceFunctionName(config, fnId)}:${LIVE_ALIAS}`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
        sameEnvironment: true,
      });
    const functions = Object.fromEntries(FRONT_DOOR_FUNCTIONS.map((fnId) => [fnId, imported(fnId)]));
    this.functions = functions;
    const fn = (fnId: ServiceFunctionId): lambda.IFunction => functions[fnId]!;

    this.api = new ServiceApi(this, 'Http', {
      routes: ROUTES,
      apiFunction: fn(API_CATCH_ALL_FUNCTION as ServiceFunctionId),
      routeFunction: (route) => fn(apiFunctionOfRoute(route) as ServiceFunctionId),
      authorizerFunction: fn('Authorizer'),
      settings: config.api,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      tracing: config.tracing,
      names: apiNames(props.serviceStackName),
      metricsNamespace: config.metricsNamespace,
    });

    this.dns = new RegionalDns(this, 'Dns', {
      api: this.api.api,
      stageName: config.api.stageName,
      realtime: { api: props.realtime.api, stage: props.realtime.stage },
      dns: config.dns,
    });
  }
}
