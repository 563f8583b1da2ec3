/**
 * The alarms on a region's REST API (issue 10), made in the service stack with every other alarm of
 * the region while the API itself is in the API stack (issue 11): each reads the API's metrics by
 * name (`ApiMetrics`), so the alarms, the `service-degraded` composite and the dashboard stay in one
 * stack and nothing refers across the two. 5xx, p99 latency above the SLO, 4xx and 429 surges, WAF
 * blocks (severities in lib/alarm-table.ts).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { ApiMetrics } from './service-api';
import type { ServiceAlarms } from './service-alarms';

/** The API alarms' thresholds (cdk.json `alarms`). */
export interface ApiAlarmThresholds {
  readonly api5xxPer5Minutes: number;
  readonly apiLatencyP99Ms: number;
  readonly api4xxPercent: number;
  readonly api429Per5Minutes: number;
  readonly surgeMinRequests: number;
  readonly wafBlockedPer5Minutes: number;
}

export interface ApiAlarmsProps {
  readonly metrics: ApiMetrics;
  readonly alarms: ServiceAlarms;
  readonly thresholds: ApiAlarmThresholds;
}

export class ApiAlarms extends Construct {
  readonly serverErrorAlarm: cloudwatch.Alarm;
  readonly latencyAlarm: cloudwatch.Alarm;
  readonly clientErrorSurgeAlarm: cloudwatch.Alarm;
  readonly throttledSurgeAlarm: cloudwatch.Alarm;
  readonly wafBlocksAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ApiAlarmsProps) {
    super(scope, id);
    const { metrics, alarms, thresholds: t } = props;
    const period = Duration.minutes(5);
    const sum = cloudwatch.Stats.SUM;

    this.serverErrorAlarm = alarms.create(this, 'ServerErrorsAlarm', 'api5xx', undefined, {
      name: 'api-5xx',
      description: `The API answered ${t.api5xxPer5Minutes}+ 5xx responses in 5 minutes.`,
      metric: metrics.serverErrors({ period, statistic: sum }),
      threshold: t.api5xxPer5Minutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    this.latencyAlarm = alarms.create(this, 'LatencyAlarm', 'apiLatencyP99', undefined, {
      name: 'api-latency-p99',
      description: `The API's p99 latency was above the ${t.apiLatencyP99Ms} ms SLO for 15 minutes.`,
      metric: metrics.latency({ period, statistic: cloudwatch.Stats.p(99) }),
      threshold: t.apiLatencyP99Ms,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
    this.clientErrorSurgeAlarm = alarms.create(this, 'ClientErrorSurgeAlarm', 'api4xxSurge', undefined, {
      name: 'api-4xx-surge',
      description:
        `More than ${t.api4xxPercent}% of API requests were answered 4xx for 10 minutes ` +
        `(with at least ${t.surgeMinRequests} requests per 5 minutes).`,
      metric: new cloudwatch.MathExpression({
        expression: `IF(requests >= ${t.surgeMinRequests}, 100 * FILL(clientErrors, 0) / requests, 0)`,
        usingMetrics: {
          requests: metrics.count({ period, statistic: sum }),
          clientErrors: metrics.clientErrors({ period, statistic: sum }),
        },
        label: '4xx share of requests (%)',
        period,
      }),
      threshold: t.api4xxPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
    this.throttledSurgeAlarm = alarms.create(this, 'ThrottledSurgeAlarm', 'api429Surge', undefined, {
      name: 'api-429-surge',
      description: `The API answered more than ${t.api429Per5Minutes} 429 (rate limited) responses in 5 minutes, twice in a row.`,
      metric: metrics.throttledResponses({ period, statistic: sum }),
      threshold: t.api429Per5Minutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
    this.wafBlocksAlarm = alarms.create(this, 'WafBlocksAlarm', 'wafBlocks', undefined, {
      name: 'waf-blocked-requests',
      description: `The web ACL blocked more than ${t.wafBlockedPer5Minutes} requests in 5 minutes.`,
      metric: metrics.wafBlockedRequests({ period, statistic: sum }),
      threshold: t.wafBlockedPer5Minutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
  }
}
