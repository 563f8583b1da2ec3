/**
 * Client routing between regions (issue 11). Always: a Route 53 health check on this region's
 * `/v1/health` (DynamoDB, SQS and the signing secret, ADR 0019), and an alarm when the route keeps
 * answering 503. With `wedsync.dns`: the API's custom domain in this region (an ACM certificate
 * validated in the hosted zone, a regional API Gateway domain mapped to the stage) and a latency
 * record tied to the health check, so clients reach the nearest healthy region and fail over on
 * their own; the same for the WebSocket API when `realtimeDomainName` is set.
 *
 * The health check calls the region's execute-api endpoint, not the custom domain: the custom name
 * resolves to whichever region is nearest, and API Gateway routes a custom domain by its SNI, so a
 * check pinned to one region must use that region's own endpoint. Each region's records and check
 * are in its region's API stack (issue 11): nothing here reads another region. The alarm on the
 * health route (`regionUnhealthyAlarm`) is made in the service stack, beside the region's other
 * alarms and its `service-degraded` composite.
 */
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { SERVICE_METRICS } from '#src/catalog/metrics';
import type { WedSyncConfig } from '../config';
import type { ServiceAlarms } from './service-alarms';
import { serviceMetric } from './service-metric';

export type DnsSettings = NonNullable<WedSyncConfig['dns']>;

export interface RegionalDnsProps {
  readonly api: apigw.RestApi;
  /** The REST API's stage (`api.stageName`): the execute-api URL's first path segment. */
  readonly stageName: string;
  /** The WebSocket API of the region's service stack (the one value read from that stack). */
  readonly realtime?: { readonly api: apigwv2.IWebSocketApi; readonly stage: apigwv2.IWebSocketStage };
  readonly dns: DnsSettings | undefined;
}

export interface RegionUnhealthyAlarmProps {
  readonly alarms: ServiceAlarms;
  readonly metricsNamespace: string;
  readonly serviceName: string;
}

/** Route 53's checkers call every 30 s; three failures in a row mark the region unhealthy (~90 s). */
export const HEALTH_CHECK_INTERVAL_SECONDS = 30;
export const HEALTH_CHECK_FAILURE_THRESHOLD = 3;
/** Failed health answers per minute (from ~15 checker locations) that count as a failing region. */
const FAILED_HEALTH_ANSWERS_PER_MINUTE = 5;

export const NO_DNS_NOTE =
  'wedsync.dns is not configured: no custom domain and no latency records are made (clients call each ' +
  "region's execute-api URL); the Route 53 health check and its alarm are still deployed.";

/**
 * The alarm when this region's health route keeps answering 503 (made in the service stack).
 * Route 53's own HealthCheckStatus metric exists only in us-east-1, where an alarm in another
 * region cannot read it: the alarm counts the 503s the health route answers in this region.
 */
export function regionUnhealthyAlarm(scope: Construct, props: RegionUnhealthyAlarmProps): cloudwatch.Alarm {
  return props.alarms.create(scope, 'RegionUnhealthyAlarm', 'regionUnhealthy', undefined, {
    name: 'region-unhealthy',
    description:
      `GET /v1/health answered 503 (a dependency failed) ${FAILED_HEALTH_ANSWERS_PER_MINUTE} times a minute for 3 ` +
      'minutes: Route 53 has taken this region out of the latency records, clients go to the other regions.',
    metric: serviceMetric(props, SERVICE_METRICS.healthChecksFailed, { period: Duration.minutes(1) }),
    threshold: FAILED_HEALTH_ANSWERS_PER_MINUTE,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
  });
}

export class RegionalDns extends Construct {
  readonly healthCheck: route53.CfnHealthCheck;
  readonly apiDomain?: apigw.DomainName;
  readonly apiRecord?: route53.ARecord;
  readonly realtimeRecord?: route53.ARecord;

  constructor(scope: Construct, id: string, props: RegionalDnsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const region = stack.region;

    this.healthCheck = new route53.CfnHealthCheck(this, 'ApiHealthCheck', {
      healthCheckConfig: {
        type: 'HTTPS',
        fullyQualifiedDomainName: `${props.api.restApiId}.execute-api.${region}.${stack.urlSuffix}`,
        resourcePath: `/${props.stageName}/v1/health`,
        port: 443,
        enableSni: true,
        requestInterval: HEALTH_CHECK_INTERVAL_SECONDS,
        failureThreshold: HEALTH_CHECK_FAILURE_THRESHOLD,
      },
      healthCheckTags: [{ key: 'Name', value: `${stack.stackName}-api-health` }],
    });

    const dns = props.dns;
    if (!dns) {
      Annotations.of(this).addInfo(NO_DNS_NOTE);
      return;
    }
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: dns.hostedZoneId,
      zoneName: dns.zoneName,
    });
    const healthCheck = route53.HealthCheck.fromHealthCheckId(
      this,
      'HealthCheckRef',
      this.healthCheck.attrHealthCheckId,
    );
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: dns.apiDomainName,
      subjectAlternativeNames: dns.realtimeDomainName ? [dns.realtimeDomainName] : undefined,
      validation: acm.CertificateValidation.fromDns(zone),
    });

    this.apiDomain = new apigw.DomainName(this, 'ApiDomain', {
      domainName: dns.apiDomainName,
      certificate,
      endpointType: apigw.EndpointType.REGIONAL,
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      mapping: props.api,
    });
    // Latency routing: each region answers for the same name under its own set identifier, and
    // Route 53 leaves a region out while its health check fails.
    this.apiRecord = new route53.ARecord(this, 'ApiRecord', {
      zone,
      recordName: dns.apiDomainName,
      target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(this.apiDomain)),
      region,
      setIdentifier: `api-${region}`,
      healthCheck,
    });

    if (dns.realtimeDomainName && props.realtime) {
      const realtimeDomain = new apigwv2.DomainName(this, 'RealtimeDomain', {
        domainName: dns.realtimeDomainName,
        certificate,
        securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
      });
      new apigwv2.ApiMapping(this, 'RealtimeMapping', {
        api: props.realtime.api,
        domainName: realtimeDomain,
        stage: props.realtime.stage,
      });
      this.realtimeRecord = new route53.ARecord(this, 'RealtimeRecord', {
        zone,
        recordName: dns.realtimeDomainName,
        target: route53.RecordTarget.fromAlias(
          new targets.ApiGatewayv2DomainProperties(
            realtimeDomain.regionalDomainName,
            realtimeDomain.regionalHostedZoneId,
          ),
        ),
        region,
        setIdentifier: `realtime-${region}`,
        healthCheck,
      });
    }
  }
}
