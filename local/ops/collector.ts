/**
 * What the local operations page charts, collected from the running local mode: the EMF metric
 * lines the functions print (what CloudWatch would read from their logs), the function errors the
 * local runtime sees (Lambda's `Errors`), and the queues' depths sampled from the SQS emulator
 * (SQS's own metrics in AWS). Kept for the last hour in one-minute buckets; the page reads a
 * snapshot as JSON (`GET /ops/metrics.json`, behind the ops key).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueId } from '../../src/catalog/queues';
import { queueDepth } from '../inspect';
import { parseEmfLine } from './emf';
import { computeCharts, computeKpis, LOCAL_AWS_METRICS, type ChartSet, type KpiFigures } from './kpis';
import { MetricWindow } from './metric-window';

export interface QueueFigures {
  readonly queue: string;
  readonly depth: number;
  readonly dlqDepth: number;
}

/** The JSON the page reads. */
export interface OpsSnapshot extends ChartSet {
  readonly generatedAt: string;
  readonly windowMinutes: number;
  readonly kpis: KpiFigures;
  /** Sampled now; null when the SQS emulator did not answer. */
  readonly queues: readonly QueueFigures[] | null;
}

export interface OpsCollectorOptions {
  readonly sqs: SQSClient;
  readonly queues: Readonly<Record<QueueId, { readonly url: string; readonly dlqUrl: string }>>;
  /** Only metrics of this namespace are the service's (Powertools `namespace`). */
  readonly namespace: string;
  /** Sample the queues this often in the background as well (default: only when a snapshot is read). */
  readonly sampleEveryMs?: number;
  readonly clock?: () => number;
}

export class OpsCollector {
  private readonly window = new MetricWindow(60);
  private readonly clock: () => number;
  private readonly timer?: NodeJS.Timeout;
  private sampling?: Promise<readonly QueueFigures[] | null>;

  constructor(private readonly options: OpsCollectorOptions) {
    this.clock = options.clock ?? Date.now;
    if (options.sampleEveryMs) {
      this.timer = setInterval(() => void this.sampleQueues(), options.sampleEveryMs);
      this.timer.unref();
    }
  }

  /** One line a function printed: its metrics, if it is an EMF document of the service. */
  readonly onOutputLine = (line: string): void => {
    const now = this.clock();
    for (const point of parseEmfLine(line)) {
      if (point.namespace === this.options.namespace) this.window.record(point, now);
    }
  };

  /** A handler threw or timed out (not a throttle: that invocation never ran). */
  recordFunctionError(functionId: string): void {
    const now = this.clock();
    this.window.record(
      {
        namespace: 'AWS/Lambda',
        name: LOCAL_AWS_METRICS.functionErrors,
        timestamp: now,
        dimensions: { FunctionName: functionId },
        values: [1],
      },
      now,
    );
  }

  /** Every queue's and DLQ's depth now, also recorded for the charts (one sampling at a time). */
  sampleQueues(): Promise<readonly QueueFigures[] | null> {
    this.sampling ??= this.readQueues().finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private async readQueues(): Promise<readonly QueueFigures[] | null> {
    try {
      const figures = await Promise.all(
        Object.entries(this.options.queues).map(async ([queue, { url, dlqUrl }]) => ({
          queue,
          depth: await queueDepth(this.options.sqs, url),
          dlqDepth: await queueDepth(this.options.sqs, dlqUrl),
        })),
      );
      const now = this.clock();
      for (const { queue, depth, dlqDepth } of figures) {
        for (const [kind, value] of [
          ['queue', depth],
          ['dlq', dlqDepth],
        ] as const) {
          this.window.record(
            {
              namespace: 'AWS/SQS',
              name: LOCAL_AWS_METRICS.queueDepth,
              timestamp: now,
              dimensions: { QueueName: queue, kind },
              values: [value],
            },
            now,
          );
        }
      }
      return figures;
    } catch {
      // The emulator is stopping or busy: the page shows "no data" for the queues this time.
      return null;
    }
  }

  async snapshot(): Promise<OpsSnapshot> {
    const queues = await this.sampleQueues();
    const now = this.clock();
    this.window.prune(now);
    return {
      generatedAt: new Date(now).toISOString(),
      windowMinutes: this.window.minutes,
      kpis: computeKpis(this.window, now),
      queues,
      ...computeCharts(this.window, now),
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
