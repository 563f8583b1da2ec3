/**
 * The figures of the global dashboard's KPI rows and health rows (lib/constructs/global-dashboard.ts),
 * computed the same way from the local mode's last hour of metrics (metric-window.ts):
 * - review requests sent and completed, conversion = completed / sent;
 * - reviews stored per platform (per hour, per minute for the chart);
 * - average rating = ratingSum / rated, negative share = negative / stored;
 * - webhook success ratio = succeeded / attempted;
 * - parked messages, function errors and queue depths (AWS/Lambda Errors and AWS/SQS depth in AWS).
 * A ratio without its denominator is null ("no data"), never 0 or NaN. Pure.
 */
import { KPI_METRICS, PLATFORM_DIMENSION, SERVICE_METRICS } from '../../src/catalog/metrics';
import type { MetricWindow } from './metric-window';

/**
 * The local stand-ins for the AWS metrics the dashboards read (the functions do not emit these:
 * Lambda and SQS do). Recorded by the local mode itself, under the names CloudWatch uses.
 */
export const LOCAL_AWS_METRICS = {
  /** A handler threw or timed out (AWS/Lambda `Errors`), dimension `FunctionName`. */
  functionErrors: 'Errors',
  /** Messages in a queue, visible + in flight + delayed; dimensions `QueueName`, `kind` (queue | dlq). */
  queueDepth: 'QueueDepth',
} as const;

export interface KpiFigures {
  readonly reviewRequestsSent: number;
  readonly reviewRequestsCompleted: number;
  /** completed / sent (0-1), null without sent requests. */
  readonly conversion: number | null;
  readonly reviewsStored: number;
  /** Reviews stored over the window per platform. */
  readonly reviewsByPlatform: Readonly<Record<string, number>>;
  /** Stars, null without rated reviews. */
  readonly averageRating: number | null;
  readonly negativeReviews: number;
  /** negative / stored (0-1), null without stored reviews. */
  readonly negativeShare: number | null;
  readonly webhookAttempts: number;
  readonly webhookSucceeded: number;
  readonly webhookFailed: number;
  /** succeeded / attempted (0-1), null without attempts. */
  readonly webhookSuccessRatio: number | null;
  readonly rejectedMessages: number;
  readonly functionErrors: number;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** The KPI figures over the whole window at `now`. */
export function computeKpis(window: MetricWindow, now: number): KpiFigures {
  const total = (name: string) => window.total(name, now);
  const sent = total(SERVICE_METRICS.reviewRequestsSent);
  const completed = total(KPI_METRICS.requestsCompleted);
  const stored = total(SERVICE_METRICS.reviewsStored);
  const negative = total(KPI_METRICS.negative);
  const attempts = total(SERVICE_METRICS.webhookAttempts);
  const succeeded = total(SERVICE_METRICS.webhookSucceeded);
  const platforms = window.dimensionValues(KPI_METRICS.reviewsByPlatform, PLATFORM_DIMENSION, now);
  return {
    reviewRequestsSent: sent,
    reviewRequestsCompleted: completed,
    conversion: ratio(completed, sent),
    reviewsStored: stored,
    reviewsByPlatform: Object.fromEntries(
      platforms.map((platform) => [
        platform,
        window.total(KPI_METRICS.reviewsByPlatform, now, { [PLATFORM_DIMENSION]: platform }),
      ]),
    ),
    averageRating: ratio(total(KPI_METRICS.ratingSum), total(KPI_METRICS.rated)),
    negativeReviews: negative,
    negativeShare: ratio(negative, stored),
    webhookAttempts: attempts,
    webhookSucceeded: succeeded,
    webhookFailed: total(SERVICE_METRICS.webhookFailed),
    webhookSuccessRatio: ratio(succeeded, attempts),
    rejectedMessages: total(SERVICE_METRICS.rejectedMessages),
    functionErrors: total(LOCAL_AWS_METRICS.functionErrors),
  };
}

/** One chart: a value per minute of the window for each named line. */
export interface Chart {
  readonly title: string;
  readonly unit: string;
  readonly lines: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
}

export interface ChartSet {
  /** Minute starts (epoch ms), oldest first; every line has one value per minute. */
  readonly minutes: readonly number[];
  readonly charts: readonly Chart[];
}

const perMinuteRatio = (parts: readonly number[], wholes: readonly number[], scale = 1) =>
  parts.map((part, i) => (wholes[i]! > 0 ? (scale * part) / wholes[i]! : null));

/**
 * The charts of the page, per minute over the window: reviews by platform, review requests,
 * ratings, webhooks, queues and DLQs, function errors. A series appears once it has data.
 */
export function computeCharts(window: MetricWindow, now: number): ChartSet {
  const sum = (name: string, filter?: Record<string, string>) => window.perMinute(name, now, 'sum', filter);
  const platforms = window.dimensionValues(KPI_METRICS.reviewsByPlatform, PLATFORM_DIMENSION, now);
  const queues = window.dimensionValues(LOCAL_AWS_METRICS.queueDepth, 'QueueName', now);
  const functions = window.dimensionValues(LOCAL_AWS_METRICS.functionErrors, 'FunctionName', now);
  const depth = (queue: string, kind: 'queue' | 'dlq') =>
    window.perMinute(LOCAL_AWS_METRICS.queueDepth, now, 'max', { QueueName: queue, kind });
  const stored = sum(SERVICE_METRICS.reviewsStored);
  return {
    minutes: window.minuteStarts(now),
    charts: [
      {
        title: 'Reviews stored per minute, by platform',
        unit: 'reviews',
        lines: platforms.map((platform) => ({
          label: platform,
          values: sum(KPI_METRICS.reviewsByPlatform, { [PLATFORM_DIMENSION]: platform }),
        })),
      },
      {
        title: 'Review requests',
        unit: 'requests',
        lines: [
          { label: 'sent', values: sum(SERVICE_METRICS.reviewRequestsSent) },
          { label: 'completed', values: sum(KPI_METRICS.requestsCompleted) },
        ],
      },
      {
        title: 'Average rating',
        unit: 'stars',
        lines: [
          {
            label: 'average rating (stars)',
            values: perMinuteRatio(sum(KPI_METRICS.ratingSum), sum(KPI_METRICS.rated)),
          },
        ],
      },
      {
        title: 'Negative share',
        unit: '%',
        lines: [
          { label: 'negative share (%)', values: perMinuteRatio(sum(KPI_METRICS.negative), stored, 100) },
        ],
      },
      {
        title: 'Webhook deliveries',
        unit: 'deliveries',
        lines: [
          { label: 'succeeded', values: sum(SERVICE_METRICS.webhookSucceeded) },
          { label: 'failed', values: sum(SERVICE_METRICS.webhookFailed) },
          { label: 'rate-limited', values: sum(SERVICE_METRICS.webhookRateLimited) },
        ],
      },
      {
        title: 'Queue depth (max per minute)',
        unit: 'messages',
        lines: queues.map((queue) => ({ label: queue, values: depth(queue, 'queue') })),
      },
      {
        title: 'Dead-letter queues (max per minute)',
        unit: 'messages',
        lines: queues.map((queue) => ({ label: `${queue} DLQ`, values: depth(queue, 'dlq') })),
      },
      {
        title: 'Function errors',
        unit: 'errors',
        lines: functions.map((fn) => ({
          label: fn,
          values: sum(LOCAL_AWS_METRICS.functionErrors, { FunctionName: fn }),
        })),
      },
    ],
  };
}
