/**
 * Reads the CloudWatch Embedded Metric Format lines the functions print (Powertools Metrics): the
 * very lines CloudWatch turns into the metrics that the dashboards chart. The local operations
 * page collects them from the functions' output instead of from CloudWatch.
 * Format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

/** One metric value (or several, for a distribution) with its dimensions, at a time. */
export interface MetricPoint {
  readonly namespace: string;
  readonly name: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: readonly number[];
}

interface Directive {
  readonly Namespace?: unknown;
  readonly Dimensions?: unknown;
  readonly Metrics?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The numbers of a metric member: a finite number or an array of them (anything else: none). */
function valuesOf(value: unknown): number[] {
  const candidates = Array.isArray(value) ? value : [value];
  return candidates.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/**
 * The metric points of one output line; [] for a line that is not an EMF document (a log line,
 * broken JSON, a document without `_aws`). Never throws: any function can print anything.
 */
export function parseEmfLine(line: string): MetricPoint[] {
  // Most lines are log lines: skip them before paying for JSON.parse.
  if (!line.includes('"_aws"')) return [];
  let document: unknown;
  try {
    document = JSON.parse(line);
  } catch {
    return [];
  }
  if (!isRecord(document) || !isRecord(document._aws)) return [];
  const { Timestamp, CloudWatchMetrics } = document._aws;
  if (typeof Timestamp !== 'number' || !Number.isFinite(Timestamp) || !Array.isArray(CloudWatchMetrics)) {
    return [];
  }
  const points: MetricPoint[] = [];
  for (const directive of CloudWatchMetrics as Directive[]) {
    if (!isRecord(directive) || typeof directive.Namespace !== 'string') continue;
    if (!Array.isArray(directive.Metrics)) continue;
    const dimensionNames = new Set(
      (Array.isArray(directive.Dimensions) ? directive.Dimensions : [])
        .filter(Array.isArray)
        .flat()
        .filter((name): name is string => typeof name === 'string'),
    );
    const dimensions: Record<string, string> = {};
    for (const name of dimensionNames) {
      const value = document[name];
      if (typeof value === 'string') dimensions[name] = value;
    }
    for (const metric of directive.Metrics as unknown[]) {
      if (!isRecord(metric) || typeof metric.Name !== 'string') continue;
      const values = valuesOf(document[metric.Name]);
      if (values.length === 0) continue;
      points.push({
        namespace: directive.Namespace,
        name: metric.Name,
        timestamp: Timestamp,
        dimensions: { ...dimensions },
        values,
      });
    }
  }
  return points;
}
