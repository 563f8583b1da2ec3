/**
 * One value per metric name per invocation (issue section 8). Handlers used to call
 * `metrics.addMetric(name, Count, 1)` per message, so each EMF line carried an array of up to a
 * hundred 1s. A `MetricTally` collects instead, and `flush` hands Powertools one value per name.
 *
 * The rule:
 * - `add` (counts, sums): summed per name; one value per invocation. CloudWatch's Sum over a
 *   period is then the same as before, and SampleCount is the number of invocations.
 * - `sample` (distributions): kept per value, only where the distribution is the point (latency
 *   percentiles such as `WebhookAttemptLatency` p99). EMF carries up to 100 values per name.
 * - `addDimensioned` (counts with one extra dimension, e.g. `platform`): summed per name and
 *   value; each published as its own EMF line (Powertools `singleMetric`), one per value.
 * Never mix the kinds under one name.
 *
 * `publishingMetrics` wraps a handler: after every invocation (success or throw) it flushes the
 * tally and publishes the stored metrics as one EMF line. It replaces Powertools' `logMetrics`
 * middleware so the local mode, which calls the raw handler, publishes exactly as Lambda does,
 * and an invocation without metrics prints nothing (no "No application metrics" warning).
 *
 * Each invocation run through `publishingMetrics` collects into its own state (AsyncLocalStorage):
 * Lambda runs one invocation per environment, but the local mode runs up to 16 of a handler's
 * invocations at once in one thread, and a shared tally would put a neighbour's counts in an
 * invocation's line. Values added outside any invocation (at init) go out with the next flush.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** What one invocation has collected. */
class TallyState {
  readonly sums = new Map<string, { unit: Unit; value: number }>();
  readonly samples: { name: string; unit: Unit; value: number }[] = [];
  readonly sampled = new Set<string>();
  readonly dimensioned = new Map<
    string,
    { name: string; dimension: string; dimensionValue: string; unit: Unit; value: number }
  >();
}

export class MetricTally {
  private readonly invocation = new AsyncLocalStorage<TallyState>();
  private readonly outside = new TallyState();

  constructor(private readonly metrics: Metrics) {}

  private get state(): TallyState {
    return this.invocation.getStore() ?? this.outside;
  }

  /** Runs `fn` as one invocation: what it adds is its own until `flush`. */
  scoped<R>(fn: () => Promise<R>): Promise<R> {
    return this.invocation.run(new TallyState(), fn);
  }

  /** Adds `value` (default 1) to the invocation's total for `name`. */
  add(name: string, unit: Unit, value = 1): void {
    const { sums, sampled } = this.state;
    if (sampled.has(name)) throw new Error(`metric ${name} is a distribution, not a sum`);
    const current = sums.get(name);
    if (current && current.unit !== unit) throw new Error(`metric ${name} used with two units`);
    sums.set(name, { unit, value: (current?.value ?? 0) + value });
  }

  /** Adds `value` to the invocation's total for `name` with `dimension` = `dimensionValue`. */
  addDimensioned(name: string, dimension: string, dimensionValue: string, unit: Unit, value = 1): void {
    const { sums, sampled, dimensioned } = this.state;
    if (sums.has(name) || sampled.has(name)) {
      throw new Error(`metric ${name} is already used without a dimension`);
    }
    const key = JSON.stringify([name, dimension, dimensionValue]);
    const current = dimensioned.get(key);
    if (current && current.unit !== unit) throw new Error(`metric ${name} used with two units`);
    dimensioned.set(key, {
      name,
      dimension,
      dimensionValue,
      unit,
      value: (current?.value ?? 0) + value,
    });
  }

  /** Keeps one value of a distribution (latency): every sample reaches EMF. */
  sample(name: string, unit: Unit, value: number): void {
    const { sums, sampled, samples } = this.state;
    if (sums.has(name)) throw new Error(`metric ${name} is a sum, not a distribution`);
    sampled.add(name);
    samples.push({ name, unit, value });
  }

  /**
   * Hands the invocation's values (and any added outside an invocation) to Powertools, one
   * `addMetric` per summed name, and starts afresh.
   */
  flush(): void {
    const current = this.state;
    if (current !== this.outside) this.drain(this.outside);
    this.drain(current);
  }

  private drain(state: TallyState): void {
    for (const [name, { unit, value }] of state.sums) this.metrics.addMetric(name, unit, value);
    for (const { name, unit, value } of state.samples) this.metrics.addMetric(name, unit, value);
    for (const { name, dimension, dimensionValue, unit, value } of state.dimensioned.values()) {
      // A single metric keeps the default dimensions (service) and adds its own; it prints at once.
      const single = this.metrics.singleMetric();
      single.addDimension(dimension, dimensionValue);
      single.addMetric(name, unit, value);
    }
    state.dimensioned.clear();
    state.sums.clear();
    state.samples.length = 0;
    state.sampled.clear();
  }
}

/** Flushes the tally and publishes one EMF line after each call of `run`, if there is anything to publish. */
export function publishingMetrics<A extends unknown[], R>(
  tally: MetricTally,
  metrics: Metrics,
  run: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return (...args: A) =>
    tally.scoped(async () => {
      try {
        return await run(...args);
      } finally {
        // Flush and publish with no await between: no other invocation's values can slip in.
        tally.flush();
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      }
    });
}
