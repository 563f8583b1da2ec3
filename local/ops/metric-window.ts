/**
 * The last hour of metrics in one-minute buckets, as CloudWatch keeps a metric at a 60 s period:
 * each bucket holds, per series (metric name and dimensions), the sum, the sample count and the
 * maximum of the values recorded in that minute. Older buckets are dropped as time moves on.
 * Pure: the time is always passed in.
 */
import type { MetricPoint } from './emf';

export const MINUTE_MS = 60_000;

export type Statistic = 'sum' | 'max' | 'count';

interface Aggregate {
  sum: number;
  count: number;
  max: number;
}

interface Series {
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Minute start (epoch ms) -> aggregate. */
  readonly buckets: Map<number, Aggregate>;
}

/** The minute a time falls in (its start, epoch ms). */
export const minuteOf = (time: number): number => Math.floor(time / MINUTE_MS) * MINUTE_MS;

/** Matches a series by some of its dimensions (every given one must be equal). */
export type DimensionFilter = Readonly<Record<string, string>>;

const matches = (dimensions: Readonly<Record<string, string>>, filter: DimensionFilter = {}): boolean =>
  Object.entries(filter).every(([name, value]) => dimensions[name] === value);

const seriesKey = (name: string, dimensions: Readonly<Record<string, string>>): string =>
  JSON.stringify([name, Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b))]);

export class MetricWindow {
  private readonly series = new Map<string, Series>();

  /** @param minutes how many one-minute buckets are kept (the current minute included). */
  constructor(readonly minutes = 60) {}

  /** The start of the oldest minute still in the window at `now`. */
  private oldest(now: number): number {
    return minuteOf(now) - (this.minutes - 1) * MINUTE_MS;
  }

  /**
   * Adds a point to its minute. A point older than the window, or more than a minute ahead of
   * `now` (a skewed clock), is ignored rather than kept forever.
   */
  record(point: MetricPoint, now: number): void {
    const minute = minuteOf(point.timestamp);
    if (minute < this.oldest(now) || minute > minuteOf(now) + MINUTE_MS) return;
    const key = seriesKey(point.name, point.dimensions);
    let series = this.series.get(key);
    if (!series) {
      series = { name: point.name, dimensions: { ...point.dimensions }, buckets: new Map() };
      this.series.set(key, series);
    }
    const bucket = series.buckets.get(minute) ?? { sum: 0, count: 0, max: -Infinity };
    for (const value of point.values) {
      bucket.sum += value;
      bucket.count += 1;
      bucket.max = Math.max(bucket.max, value);
    }
    series.buckets.set(minute, bucket);
  }

  /** Drops the minutes that left the window (and series left empty). */
  prune(now: number): void {
    const oldest = this.oldest(now);
    for (const [key, series] of this.series) {
      for (const minute of series.buckets.keys()) if (minute < oldest) series.buckets.delete(minute);
      if (series.buckets.size === 0) this.series.delete(key);
    }
  }

  /** The window's minute starts at `now`, oldest first (`minutes` of them, the current one last). */
  minuteStarts(now: number): number[] {
    const oldest = this.oldest(now);
    return Array.from({ length: this.minutes }, (_, i) => oldest + i * MINUTE_MS);
  }

  /**
   * One value per minute of the window (oldest first) for the series of `name` that match
   * `filter`: their sum, sample count, or maximum (max over the series too; 0 for an empty minute).
   */
  perMinute(name: string, now: number, statistic: Statistic = 'sum', filter?: DimensionFilter): number[] {
    const starts = this.minuteStarts(now);
    const values = starts.map(() => 0);
    for (const series of this.series.values()) {
      if (series.name !== name || !matches(series.dimensions, filter)) continue;
      starts.forEach((minute, i) => {
        const bucket = series.buckets.get(minute);
        if (!bucket) return;
        if (statistic === 'sum') values[i]! += bucket.sum;
        else if (statistic === 'count') values[i]! += bucket.count;
        else values[i] = Math.max(values[i]!, bucket.max);
      });
    }
    return values;
  }

  /** The sum of `name` (matching `filter`) over the whole window at `now`. */
  total(name: string, now: number, filter?: DimensionFilter): number {
    return this.perMinute(name, now, 'sum', filter).reduce((a, b) => a + b, 0);
  }

  /** The values a dimension takes among the series of `name` in the window, sorted. */
  dimensionValues(name: string, dimension: string, now: number): string[] {
    const oldest = this.oldest(now);
    const found = new Set<string>();
    for (const series of this.series.values()) {
      const value = series.dimensions[dimension];
      if (series.name !== name || value === undefined) continue;
      if ([...series.buckets.keys()].some((minute) => minute >= oldest)) found.add(value);
    }
    return [...found].sort();
  }
}
