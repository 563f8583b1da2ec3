/**
 * Client routing between regions (issue 11), over the default synth (the dev stage, whose example
 * configuration has `dns`): in every region's API stack a Route 53 health check on the region's own
 * `/v1/health` and latency records for the API and the WebSocket API under the configured zone, each
 * tied to that region's health check; in its service stack, the region-unhealthy alarm.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { logicalIdOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthesize();
});

describe.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])('the regional DNS in %s', (region) => {
  const serviceIn = () => {
    const stack = synth.services.find((s) => s.region === region)!;
    return { stack, template: synth.serviceTemplates.get(region)! };
  };
  const apiIn = () => {
    const stack = synth.apis.find((s) => s.region === region)!;
    return { stack, template: synth.apiTemplates.get(region)! };
  };

  it("health-checks this region's /v1/health on its own execute-api endpoint, from the API stack", () => {
    const { stack, template } = apiIn();
    synth.serviceTemplates.get(region)!.resourceCountIs('AWS::Route53::HealthCheck', 0);
    template.resourceCountIs('AWS::Route53::HealthCheck', 1);
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'HTTPS',
        FullyQualifiedDomainName: {
          'Fn::Join': [
            '',
            [
              { Ref: logicalIdOf(stack, stack.api.api) },
              `.execute-api.${region}.`,
              { Ref: 'AWS::URLSuffix' },
            ],
          ],
        },
        ResourcePath: `/${synth.config.api.stageName}/v1/health`,
        Port: 443,
        EnableSNI: true,
        RequestInterval: 30,
        FailureThreshold: 3,
      },
    });
  });

  it('alarms (critical, with its runbook) when the health route keeps answering 503', () => {
    const { stack, template } = serviceIn();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${stack.stackName}-region-unhealthy`,
      MetricName: 'HealthChecksFailed',
      Namespace: synth.config.metricsNamespace,
      AlarmDescription: Match.stringLikeRegexp('Severity: critical.*runbooks/region-failover\\.md'),
    });
  });

  it('routes the API and WebSocket names by latency to this region, tied to its health check', () => {
    const { stack, template } = apiIn();
    const dns = synth.config.dns!;
    const healthCheckId = { 'Fn::GetAtt': [logicalIdOf(stack, stack.dns.healthCheck), 'HealthCheckId'] };
    for (const [name, prefix] of [
      [dns.apiDomainName, 'api'],
      [dns.realtimeDomainName!, 'realtime'],
    ] as const) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `${name}.`,
        Type: 'A',
        HostedZoneId: dns.hostedZoneId,
        Region: region,
        SetIdentifier: `${prefix}-${region}`,
        HealthCheckId: healthCheckId,
        AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
      });
    }
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: dns.apiDomainName,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: dns.apiDomainName,
      SubjectAlternativeNames: [dns.realtimeDomainName],
      ValidationMethod: 'DNS',
    });
  });

  it("maps the realtime name to the service stack's WebSocket API, read from that stack in this region", () => {
    const { stack, template } = apiIn();
    const service = serviceIn().stack;
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: {
        'Fn::GetStackOutput': Match.objectLike({ StackName: service.stackName, Region: stack.region }),
      },
      Stage: service.realtime.stage.stageName,
    });
  });
});
