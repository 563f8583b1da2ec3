/**
 * RegionalDns without `wedsync.dns` (issue 11), on a small stack of its own: the health check (and,
 * in the service stack, its alarm) are still made, no record, domain or certificate, and the synth
 * says why.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { NO_DNS_NOTE, RegionalDns, regionUnhealthyAlarm } from '../../lib/constructs/regional-dns';
import { ServiceAlarms } from '../../lib/constructs/service-alarms';

it('keeps the health check and its alarm, makes no record, and notes why', () => {
  const stack = new Stack(new App(), 'NoDns', { env: { account: '111111111111', region: 'eu-west-1' } });
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addMethod('GET', new apigw.MockIntegration());
  const alarms = new ServiceAlarms(stack, 'Alarms', {
    paging: { pagesOnCall: false, warningEmails: ['ops@wedsync.example'] },
  });
  new RegionalDns(stack, 'Dns', { api, stageName: 'prod', dns: undefined });
  regionUnhealthyAlarm(stack, { alarms, metricsNamespace: 'WedSync', serviceName: 'wedsync' });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::Route53::HealthCheck', 1);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HealthChecksFailed' });
  template.resourceCountIs('AWS::Route53::RecordSet', 0);
  template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
  template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
  Annotations.fromStack(stack).hasInfo('/NoDns/Dns', NO_DNS_NOTE);
});
