/** What the model use cases need from the outside world. */
import type { Counters } from './inference/window-stats';

/** Prediction counters per model variant in hourly buckets, shared by every instance. */
export interface ModelStatsStore {
  add(task: string, variant: string, counters: Counters, at: Date): Promise<void>;
  window(task: string, variant: string, since: Date): Promise<Counters>;
}
