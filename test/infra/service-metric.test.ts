import { Duration, Stack } from 'aws-cdk-lib';
import { serviceMetric } from '../../lib/constructs/service-metric';

const source = { metricsNamespace: 'WedSync', serviceName: 'wedsync-test' };

describe('serviceMetric', () => {
  it('is a five-minute sum of the service dimension unless told otherwise', () => {
    const config = serviceMetric(source, 'ReviewsStored').toMetricConfig().metricStat;
    expect(config).toMatchObject({
      namespace: 'WedSync',
      metricName: 'ReviewsStored',
      statistic: 'Sum',
      dimensions: [{ name: 'service', value: 'wedsync-test' }],
    });
    expect(config?.period.toSeconds()).toBe(300);
  });

  it('adds dimensions beside the service, and takes the statistic, period, label and region given', () => {
    const metric = serviceMetric(source, 'PlatformSyncLag', {
      dimensions: { platform: 'google' },
      statistic: 'Maximum',
      period: Duration.minutes(15),
      label: 'google lag',
      region: 'eu-west-1',
    });
    const config = metric.toMetricConfig();
    expect(config.metricStat?.dimensions).toHaveLength(2);
    expect(config.metricStat?.dimensions).toEqual(
      expect.arrayContaining([
        { name: 'service', value: 'wedsync-test' },
        { name: 'platform', value: 'google' },
      ]),
    );
    expect(config.metricStat?.statistic).toBe('Maximum');
    expect(config.metricStat?.period.toSeconds()).toBe(900);
    expect(config.metricStat?.region).toBe('eu-west-1');
    expect(config.renderingProperties?.label).toBe('google lag');
    // A region only pins the metric to it; in a stack of the same region it renders without one.
    expect(metric.attachTo(new Stack(undefined, 'S', { env: { region: 'eu-west-1' } })).region).toBe(
      'eu-west-1',
    );
  });
});
