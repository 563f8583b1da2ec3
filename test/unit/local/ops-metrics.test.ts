/**
 * The local operations page's pure parts: EMF lines as Powertools prints them -> metric points ->
 * one-minute buckets over the last hour -> the global dashboard's KPIs and charts.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { KPI_METRICS, SERVICE_METRICS } from '#src/catalog/metrics';
import { MetricTally } from '#src/shared/metric-tally';
import { parseEmfLine, type MetricPoint } from '../../../local/ops/emf';
import { MetricWindow, MINUTE_MS, minuteOf } from '../../../local/ops/metric-window';
import { computeCharts, computeKpis, LOCAL_AWS_METRICS } from '../../../local/ops/kpis';

const NOW = Date.UTC(2026, 11, 3, 17, 30, 20);

const point = (name: string, value: number | number[], at = NOW, dimensions = {}): MetricPoint => ({
  namespace: 'WedSync',
  name,
  timestamp: at,
  dimensions: { service: 'wedsync', ...dimensions },
  values: Array.isArray(value) ? value : [value],
});

describe('parseEmfLine', () => {
  it('reads the lines Powertools prints through MetricTally: sums, and a dimensioned single metric', () => {
    const lines: string[] = [];
    // Powertools prints with console.log; the local mode reads the same lines from the output.
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const previous = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    try {
      const enabled = new Metrics({ namespace: 'WedSync', serviceName: 'wedsync' });
      const tally = new MetricTally(enabled);
      tally.add(SERVICE_METRICS.reviewsStored, MetricUnit.Count, 2);
      tally.addDimensioned(KPI_METRICS.reviewsByPlatform, 'platform', 'google', MetricUnit.Count, 2);
      tally.flush();
      enabled.publishStoredMetrics();
    } finally {
      log.mockRestore();
      process.env.POWERTOOLS_METRICS_DISABLED = previous;
    }
    const points = lines.flatMap(parseEmfLine);
    expect(points).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          namespace: 'WedSync',
          name: SERVICE_METRICS.reviewsStored,
          dimensions: { service: 'wedsync' },
          values: [2],
        }),
        expect.objectContaining({
          name: KPI_METRICS.reviewsByPlatform,
          dimensions: { service: 'wedsync', platform: 'google' },
          values: [2],
        }),
      ]),
    );
    expect(points.every((p) => Number.isFinite(p.timestamp))).toBe(true);
  });

  it('reads distributions (arrays) and several metrics of one directive', () => {
    const line = JSON.stringify({
      _aws: {
        Timestamp: NOW,
        CloudWatchMetrics: [
          {
            Namespace: 'WedSync',
            Dimensions: [['service']],
            Metrics: [{ Name: 'Latency', Unit: 'Milliseconds' }, { Name: 'Calls' }],
          },
        ],
      },
      service: 'wedsync',
      Latency: [12, 30],
      Calls: 4,
    });
    expect(parseEmfLine(line)).toEqual([point('Latency', [12, 30]), point('Calls', 4)]);
  });

  it.each([
    ['a log line', '{"level":"INFO","message":"stored"}'],
    ['broken JSON', '{"_aws": {'],
    ['not an object', '"_aws"'],
    ['no timestamp', '{"_aws":{"CloudWatchMetrics":[]}}'],
    [
      'a value that is not a number',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[],"Metrics":[{"Name":"X"}]}]},"X":"1"}',
    ],
    ['a directive without metrics', '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N"}]}}'],
  ])('ignores %s', (_what, line) => {
    expect(parseEmfLine(line)).toEqual([]);
  });
});

describe('MetricWindow', () => {
  it('sums each minute apart, oldest first, the current minute last', () => {
    const window = new MetricWindow(60);
    window.record(point('ReviewsStored', 1, NOW - 2 * MINUTE_MS), NOW);
    window.record(point('ReviewsStored', 2, NOW - 2 * MINUTE_MS + 1000), NOW);
    window.record(point('ReviewsStored', 4, NOW), NOW);
    const values = window.perMinute('ReviewsStored', NOW);
    expect(values).toHaveLength(60);
    expect(values.at(-1)).toBe(4);
    expect(values.at(-3)).toBe(3);
    expect(values.slice(0, -3).every((v) => v === 0)).toBe(true);
    expect(window.minuteStarts(NOW).at(-1)).toBe(minuteOf(NOW));
    expect(window.total('ReviewsStored', NOW)).toBe(7);
  });

  it('keeps sample counts and maxima, and filters series by dimension', () => {
    const window = new MetricWindow(5);
    window.record(point('QueueDepth', 3, NOW, { QueueName: 'Ingest', kind: 'queue' }), NOW);
    window.record(point('QueueDepth', 9, NOW, { QueueName: 'Ingest', kind: 'queue' }), NOW);
    window.record(point('QueueDepth', 1, NOW, { QueueName: 'Ingest', kind: 'dlq' }), NOW);
    window.record(point('QueueDepth', 5, NOW, { QueueName: 'Events', kind: 'queue' }), NOW);
    expect(window.perMinute('QueueDepth', NOW, 'max', { QueueName: 'Ingest', kind: 'queue' }).at(-1)).toBe(9);
    expect(window.perMinute('QueueDepth', NOW, 'count', { kind: 'queue' }).at(-1)).toBe(3);
    expect(window.perMinute('QueueDepth', NOW, 'max', { kind: 'queue' }).at(-1)).toBe(9);
    expect(window.dimensionValues('QueueDepth', 'QueueName', NOW)).toEqual(['Events', 'Ingest']);
  });

  it('forgets what left the window and ignores points outside it', () => {
    const window = new MetricWindow(60);
    window.record(point('ReviewsStored', 1, NOW - 59 * MINUTE_MS), NOW);
    window.record(point('ReviewsStored', 100, NOW - 61 * MINUTE_MS), NOW); // too old
    window.record(point('ReviewsStored', 100, NOW + 5 * MINUTE_MS), NOW); // a skewed clock
    expect(window.total('ReviewsStored', NOW)).toBe(1);
    const later = NOW + MINUTE_MS;
    expect(window.total('ReviewsStored', later)).toBe(0);
    window.prune(later);
    expect(window.dimensionValues('ReviewsStored', 'service', later)).toEqual([]);
  });
});

describe('computeKpis', () => {
  it('gives nulls, not zeros or NaN, for ratios without data', () => {
    const kpis = computeKpis(new MetricWindow(), NOW);
    expect(kpis).toMatchObject({
      conversion: null,
      averageRating: null,
      negativeShare: null,
      webhookSuccessRatio: null,
      reviewsStored: 0,
      reviewsByPlatform: {},
    });
  });

  it('computes the dashboard figures from the hour of metrics', () => {
    const window = new MetricWindow();
    const add = (name: string, value: number, at = NOW, dims = {}) =>
      window.record(point(name, value, at, dims), NOW);
    add(SERVICE_METRICS.reviewRequestsSent, 4, NOW - 30 * MINUTE_MS);
    add(KPI_METRICS.requestsCompleted, 1);
    add(SERVICE_METRICS.reviewsStored, 3);
    add(KPI_METRICS.reviewsByPlatform, 2, NOW, { platform: 'google' });
    add(KPI_METRICS.reviewsByPlatform, 1, NOW - MINUTE_MS, { platform: 'direct' });
    add(KPI_METRICS.ratingSum, 10); // 5 + 4 + 1
    add(KPI_METRICS.rated, 3);
    add(KPI_METRICS.negative, 1);
    add(SERVICE_METRICS.webhookAttempts, 4);
    add(SERVICE_METRICS.webhookSucceeded, 3);
    add(SERVICE_METRICS.webhookFailed, 1);
    add(SERVICE_METRICS.rejectedMessages, 2);
    add(LOCAL_AWS_METRICS.functionErrors, 1, NOW, { FunctionName: 'IngestWorker' });
    add(SERVICE_METRICS.reviewsStored, 50, NOW - 70 * MINUTE_MS); // over an hour ago: not counted

    const kpis = computeKpis(window, NOW);
    expect(kpis).toEqual({
      reviewRequestsSent: 4,
      reviewRequestsCompleted: 1,
      conversion: 0.25,
      reviewsStored: 3,
      reviewsByPlatform: { direct: 1, google: 2 },
      averageRating: 10 / 3,
      negativeReviews: 1,
      negativeShare: 1 / 3,
      webhookAttempts: 4,
      webhookSucceeded: 3,
      webhookFailed: 1,
      webhookSuccessRatio: 0.75,
      rejectedMessages: 2,
      functionErrors: 1,
    });
  });
});

describe('computeCharts', () => {
  it('gives every line one value per minute, per-minute ratios null where there is no denominator', () => {
    const window = new MetricWindow(10);
    const add = (name: string, value: number, at = NOW, dims = {}) =>
      window.record(point(name, value, at, dims), NOW);
    add(KPI_METRICS.reviewsByPlatform, 2, NOW, { platform: 'google' });
    add(SERVICE_METRICS.reviewsStored, 2);
    add(KPI_METRICS.negative, 1);
    add(KPI_METRICS.ratingSum, 6);
    add(KPI_METRICS.rated, 2);
    add(LOCAL_AWS_METRICS.queueDepth, 7, NOW, { QueueName: 'Ingest', kind: 'queue' });
    add(LOCAL_AWS_METRICS.queueDepth, 1, NOW, { QueueName: 'Ingest', kind: 'dlq' });
    const { minutes, charts } = computeCharts(window, NOW);
    expect(minutes).toHaveLength(10);
    for (const chart of charts) for (const line of chart.lines) expect(line.values).toHaveLength(10);
    const byTitle = (prefix: string) => charts.find((c) => c.title.startsWith(prefix))!;
    expect(byTitle('Reviews stored').lines).toEqual([{ label: 'google', values: [...Array(9).fill(0), 2] }]);
    const [average] = byTitle('Average rating').lines;
    const [negativeShare] = byTitle('Negative share').lines;
    expect(average!.values).toEqual([...Array(9).fill(null), 3]);
    expect(negativeShare!.values).toEqual([...Array(9).fill(null), 50]);
    expect(byTitle('Queue depth').lines).toEqual([{ label: 'Ingest', values: [...Array(9).fill(0), 7] }]);
    expect(byTitle('Dead-letter').lines).toEqual([{ label: 'Ingest DLQ', values: [...Array(9).fill(0), 1] }]);
    expect(byTitle('Function errors').lines).toEqual([]);
  });
});
