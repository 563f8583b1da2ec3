/**
 * The global dashboard's real-time rows (issue 14), synthesized alone: the construct in a bare
 * stack of the primary region, so this runs without the whole app (test/infra/alarms.spec.ts checks
 * the same dashboard inside the synthesized app). Per region, side by side: connections (opened,
 * closed, refused), the fan-out's lag (recorded -> posted) and its errors, each reading that
 * region's metrics of the real-time handlers.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SERVICE_METRICS } from '#src/catalog/metrics';
import { GLOBAL_ROWS, GlobalDashboard } from '../../lib/constructs/global-dashboard';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
const NAMESPACE = 'WedSync';
const SERVICE = 'integration-platform';

interface Widget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly region?: string;
    readonly metrics?: unknown[][];
  };
}

function widgets(): Widget[] {
  const app = new App();
  const stack = new Stack(app, 'Dash', { env: { account: '123456789012', region: REGIONS[0] } });
  new GlobalDashboard(stack, 'Global', {
    appName: 'WedSync',
    regions: REGIONS,
    apiName: (region) => `WedSync-Service-${region}-api`,
    metricsNamespace: NAMESPACE,
    serviceName: SERVICE,
  });
  const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  const body = (dashboard as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody;
  // A plain string, or an Fn::Join of strings and the stack's own pseudo-parameters.
  const text =
    typeof body === 'string'
      ? body
      : ((body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] ?? [])
          .map((part) => (typeof part === 'string' ? part : REGIONS[0]))
          .join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

/** The metrics of a graph as [namespace, name, ...dimensions, {options}] rows, expressions as `{expression}`. */
const metricNames = (widget: Widget) =>
  (widget.properties.metrics ?? []).map((row) => {
    const options = row[row.length - 1] as { expression?: string; label?: string; stat?: string };
    return options.expression ? `expr:${options.label ?? ''}` : `${String(row[1])}/${options.stat ?? ''}`;
  });

let all: Widget[];
beforeAll(() => {
  all = widgets();
});

const row = (title: string, region: string) => {
  const found = all.filter((w) => w.properties.title === `${title}: ${region}`);
  expect(found).toHaveLength(1);
  return found[0]!;
};

it('has a real-time section with one graph per region for each real-time row, in its region', () => {
  expect(all.some((w) => w.properties.markdown === '# Real time (per region)')).toBe(true);
  for (const region of REGIONS) {
    for (const title of GLOBAL_ROWS.realtime) {
      const widget = row(title, region);
      expect(widget.type).toBe('metric');
      expect(widget.properties.region).toBe(region);
      // Every metric of the graph is that region's, of this service.
      for (const metric of widget.properties.metrics ?? []) {
        const options = metric[metric.length - 1] as { region?: string; expression?: string };
        if (options.expression) continue;
        expect(metric.slice(0, 4)).toEqual([NAMESPACE, expect.any(String), 'service', SERVICE]);
        expect(options.region).toBe(region);
      }
    }
  }
});

it('shows connections opened, closed and refused; the fan-out lag p50/p99/max; its failures and failed-post share', () => {
  for (const region of REGIONS) {
    expect(metricNames(row('Real-time connections', region))).toEqual([
      `${SERVICE_METRICS.realtimeConnections}/Sum`,
      `${SERVICE_METRICS.realtimeDisconnects}/Sum`,
      `${SERVICE_METRICS.realtimeConnectRejected}/Sum`,
    ]);
    expect(metricNames(row('Real-time fan-out lag', region))).toEqual([
      `${SERVICE_METRICS.realtimeFanoutLagMs}/p50`,
      `${SERVICE_METRICS.realtimeFanoutLagMs}/p99`,
      `${SERVICE_METRICS.realtimeFanoutLagMs}/Maximum`,
    ]);
    const errors = row('Real-time errors', region);
    expect(metricNames(errors)).toEqual(
      expect.arrayContaining([
        `${SERVICE_METRICS.realtimeFanoutFailures}/Sum`,
        `${SERVICE_METRICS.realtimePostFailures}/Sum`,
        'expr:posts failed (%)',
      ]),
    );
    const expression = (errors.properties.metrics ?? [])
      .map((m) => m[m.length - 1] as { expression?: string })
      .find((o) => o.expression)!.expression!;
    expect(expression).toContain('100 * FILL(failed, 0) / (FILL(sent, 0) + FILL(failed, 0))');
  }
});
