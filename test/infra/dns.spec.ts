/**
 * Client routing between regions (issue 11), over the default synth (the dev stage, whose example
 * configuration has `dns`): in every region a Route 53 health check on the region's own
 * `/v1/health`, the region-unhealthy alarm, and latency records for the API and the WebSocket API
 * under the configured zone, each tied to that region's health check.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { logicalIdOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthesize();
});

describe.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])('the service stack in %s', (region) => {
  const serviceIn = () => {
    const stack = synth.services.find((s) => s.region === region)!;
    return { stack, template: synth.serviceTemplates.get(region)! };
  };

  it("health-checks this region's /v1/health on its own execute-api endpoint", () => {
    const { stack, template } = serviceIn();
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
    const { stack, template } = serviceIn();
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
});
