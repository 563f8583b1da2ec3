/**
 * The one global dashboard (issue 10), in the primary region: every region side by side (one
 * widget per region in each row, same scales) for API traffic and latency, Lambda errors and
 * throttles, queue age, webhook success; then the business KPIs the code emits (KPI_METRICS):
 * review requests sent and completed (conversion), reviews stored per hour by platform, average
 * rating and negative share, and integration health per platform. Real time per region: WebSocket
 * connections opened, closed and refused, the fan-out's lag (recorded -> posted), and its errors.
 *
 * It reads other regions' metrics by name only (API name derived from the stack name, custom
 * metrics by namespace and `service`, account-level AWS metrics, Metrics Insights queries), so it
 * needs no cross-region reference and deploys with the primary region's stack. The real-time rows
 * read the EMF metrics the RealtimeSocket and RealtimeFanout handlers emit: the WebSocket API's own
 * metrics carry its generated ApiId, which only its region's stack knows (that region's operations
 * dashboard shows them, with the fan-out's IteratorAge, beside its alarms).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { KPI_METRICS, PLATFORM_DIMENSION, SERVICE_METRICS } from '#src/catalog/metrics';
import { PLATFORM_METRICS } from '#src/platforms';
import { serviceMetric } from './service-metric';

export interface GlobalDashboardProps {
  readonly appName: string;
  /** Every region, the primary first. */
  readonly regions: readonly string[];
  /** The REST API name in a region (API Gateway's `ApiName` dimension). */
  readonly apiName: (region: string) => string;
  readonly metricsNamespace: string;
  readonly serviceName: string;
}

const HOUR = Duration.hours(1);
const FIVE_MINUTES = Duration.minutes(5);
const HEIGHT = 6;

/** The row titles, in order (the infra tests check each is there, once per region where regional). */
export const GLOBAL_ROWS = {
  regional: ['API traffic', 'API latency', 'Lambda', 'Queues', 'Webhooks'],
  realtime: ['Real-time connections', 'Real-time fan-out lag', 'Real-time errors'],
  kpis: ['Review requests', 'Reviews by platform', 'Ratings', 'Integration health'],
} as const;

export class GlobalDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  private readonly props: GlobalDashboardProps;

  constructor(scope: Construct, id: string, props: GlobalDashboardProps) {
    super(scope, id);
    this.props = props;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.appName}-global`,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          `# ${props.appName}: every region\n` +
          `Regions side by side (${props.regions.join(', ')}); each region's details are on its ` +
          '`<stack>-operations` dashboard, its alarms under `<stack>-service-degraded`.',
        width: 24,
        height: 2,
      }),
    );

    this.regionalRow('API traffic', (region) => {
      const api = (metricName: string, label: string) => this.apiMetric(region, metricName, 'Sum', label);
      return {
        left: [api('Count', 'requests')],
        right: [api('4XXError', '4xx'), api('5XXError', '5xx')],
      };
    });
    this.regionalRow('API latency', (region) => ({
      left: [
        this.apiMetric(region, 'Latency', 'p50', 'p50 (ms)'),
        this.apiMetric(region, 'Latency', 'p99', 'p99 (ms)'),
      ],
    }));
    this.regionalRow('Lambda', (region) => {
      const lambda = (metricName: string, statistic: string, label: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/Lambda',
          metricName,
          statistic,
          label,
          region,
          period: FIVE_MINUTES,
        });
      return {
        left: [lambda('Errors', 'Sum', 'errors'), lambda('Throttles', 'Sum', 'throttles')],
        right: [lambda('ConcurrentExecutions', 'Maximum', 'concurrency')],
      };
    });
    this.regionalRow('Queues', (region) => ({
      left: [
        this.insights(
          region,
          'SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName)',
          'oldest message (s)',
        ),
      ],
    }));
    this.regionalRow('Webhooks', (region) => ({
      left: [
        new cloudwatch.MathExpression({
          expression: 'IF(attempts > 0, 100 * FILL(succeeded, 0) / attempts)',
          usingMetrics: {
            attempts: this.custom(region, SERVICE_METRICS.webhookAttempts, 'Sum', HOUR),
            succeeded: this.custom(region, SERVICE_METRICS.webhookSucceeded, 'Sum', HOUR),
          },
          label: 'success ratio (%)',
          period: HOUR,
          searchRegion: region,
        }),
      ],
    }));

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '# Real time (per region)', width: 24, height: 1 }),
    );
    this.regionalRow('Real-time connections', (region) => ({
      left: [
        this.custom(region, SERVICE_METRICS.realtimeConnections, 'Sum', FIVE_MINUTES, 'connects accepted'),
        this.custom(region, SERVICE_METRICS.realtimeDisconnects, 'Sum', FIVE_MINUTES, 'disconnects'),
      ],
      right: [
        this.custom(region, SERVICE_METRICS.realtimeConnectRejected, 'Sum', FIVE_MINUTES, 'connects refused'),
      ],
    }));
    this.regionalRow('Real-time fan-out lag', (region) => ({
      left: [
        this.custom(
          region,
          SERVICE_METRICS.realtimeFanoutLagMs,
          'p50',
          FIVE_MINUTES,
          'recorded -> posted p50 (ms)',
        ),
        this.custom(
          region,
          SERVICE_METRICS.realtimeFanoutLagMs,
          'p99',
          FIVE_MINUTES,
          'recorded -> posted p99 (ms)',
        ),
        this.custom(region, SERVICE_METRICS.realtimeFanoutLagMs, 'Maximum', FIVE_MINUTES, 'max (ms)'),
      ],
    }));
    this.regionalRow('Real-time errors', (region) => ({
      left: [
        this.custom(
          region,
          SERVICE_METRICS.realtimeFanoutFailures,
          'Sum',
          FIVE_MINUTES,
          'fan-out batches failed',
        ),
        this.custom(
          region,
          SERVICE_METRICS.realtimePostFailures,
          'Sum',
          FIVE_MINUTES,
          'subscriptions unserved',
        ),
      ],
      right: [
        new cloudwatch.MathExpression({
          expression:
            'IF(FILL(sent, 0) + FILL(failed, 0) > 0, 100 * FILL(failed, 0) / (FILL(sent, 0) + FILL(failed, 0)))',
          usingMetrics: {
            sent: this.custom(region, SERVICE_METRICS.realtimeMessagesSent, 'Sum', FIVE_MINUTES),
            failed: this.custom(region, SERVICE_METRICS.realtimePostFailures, 'Sum', FIVE_MINUTES),
          },
          label: 'posts failed (%)',
          period: FIVE_MINUTES,
          searchRegion: region,
        }),
      ],
    }));

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '# Business KPIs (per region)', width: 24, height: 1 }),
    );
    this.regionalRow('Review requests', (region) => ({
      left: [
        this.custom(region, SERVICE_METRICS.reviewRequestsSent, 'Sum', HOUR, 'sent'),
        this.custom(region, KPI_METRICS.requestsCompleted, 'Sum', HOUR, 'completed'),
      ],
      right: [
        new cloudwatch.MathExpression({
          expression: 'IF(sent > 0, 100 * FILL(completed, 0) / sent)',
          usingMetrics: {
            sent: this.custom(region, SERVICE_METRICS.reviewRequestsSent, 'Sum', HOUR),
            completed: this.custom(region, KPI_METRICS.requestsCompleted, 'Sum', HOUR),
          },
          label: 'conversion (%)',
          period: HOUR,
          searchRegion: region,
        }),
      ],
    }));
    this.regionalRow('Reviews by platform', (region) => ({
      left: [
        this.insights(
          region,
          `SELECT SUM(${KPI_METRICS.reviewsByPlatform}) FROM SCHEMA("${props.metricsNamespace}", service, ${PLATFORM_DIMENSION}) ` +
            `WHERE service = '${props.serviceName}' GROUP BY ${PLATFORM_DIMENSION}`,
          'reviews stored per hour',
          HOUR,
        ),
      ],
    }));
    this.regionalRow('Ratings', (region) => ({
      left: [
        new cloudwatch.MathExpression({
          expression: 'IF(rated > 0, ratingSum / rated)',
          usingMetrics: {
            ratingSum: this.custom(region, KPI_METRICS.ratingSum, 'Sum', HOUR),
            rated: this.custom(region, KPI_METRICS.rated, 'Sum', HOUR),
          },
          label: 'average rating (stars)',
          period: HOUR,
          searchRegion: region,
        }),
      ],
      right: [
        new cloudwatch.MathExpression({
          expression: 'IF(stored > 0, 100 * FILL(negative, 0) / stored)',
          usingMetrics: {
            negative: this.custom(region, KPI_METRICS.negative, 'Sum', HOUR),
            stored: this.custom(region, SERVICE_METRICS.reviewsStored, 'Sum', HOUR),
          },
          label: 'negative share (%)',
          period: HOUR,
          searchRegion: region,
        }),
      ],
    }));
    this.regionalRow('Integration health', (region) => {
      const byPlatform = (metric: string, fn: string, label: string) =>
        this.insights(
          region,
          `SELECT ${fn}(${metric}) FROM SCHEMA("${props.metricsNamespace}", service, platform) ` +
            `WHERE service = '${props.serviceName}' GROUP BY platform`,
          label,
        );
      return {
        left: [byPlatform(PLATFORM_METRICS.errorRate5m, 'MAX', 'error rate 5 min (%)')],
        right: [byPlatform(PLATFORM_METRICS.breakerOpen, 'MAX', 'breaker open')],
      };
    });
  }

  /** One graph per region, side by side, for the same figures. */
  private regionalRow(
    title: (typeof GLOBAL_ROWS)['regional' | 'realtime' | 'kpis'][number],
    figures: (region: string) => { left: cloudwatch.IMetric[]; right?: cloudwatch.IMetric[] },
  ): void {
    const width = Math.max(6, Math.floor(24 / this.props.regions.length));
    this.dashboard.addWidgets(
      ...this.props.regions.map((region) => {
        const { left, right = [] } = figures(region);
        return new cloudwatch.GraphWidget({
          title: `${title}: ${region}`,
          left,
          right,
          region,
          width,
          height: HEIGHT,
        });
      }),
    );
  }

  private apiMetric(region: string, metricName: string, statistic: string, label: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: this.props.apiName(region) },
      statistic,
      label,
      region,
      period: FIVE_MINUTES,
    });
  }

  private custom(
    region: string,
    metricName: string,
    statistic: string,
    period: Duration,
    label?: string,
  ): cloudwatch.Metric {
    return serviceMetric(this.props, metricName, { statistic, period, region, label });
  }

  private insights(
    region: string,
    expression: string,
    label: string,
    period = FIVE_MINUTES,
  ): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression,
      usingMetrics: {},
      label,
      period,
      searchRegion: region,
    });
  }
}
