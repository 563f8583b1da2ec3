/** What the model use cases need from the outside world. */
import type { Counters } from './inference/window-stats';

/** Prediction counters per model variant in hourly buckets, shared by every instance. */
export interface ModelStatsStore {
  add(task: string, variant: string, counters: Counters, at: Date): Promise<void>;
  window(task: string, variant: string, since: Date): Promise<Counters>;
}

/**
 * The versioned model store (an S3 bucket in AWS, the S3 emulator locally): retrained artifacts
 * with their cards under `<task>/<version>/`, and the active configuration of each task.
 */
export interface ModelStore {
  /** Writes an artifact and its card; returns the SHA-256 of the model.json written. */
  putArtifact(
    task: string,
    version: string,
    files: { readonly model: string; readonly card: string },
  ): Promise<string>;
  /** The model.json text of a stored artifact; throws when it is missing. */
  getArtifact(task: string, version: string): Promise<string>;
  getCard(task: string, version: string): Promise<Record<string, unknown> | null>;
  /** Versions with an artifact in the store. */
  listVersions(task: string): Promise<string[]>;
  /** The task's active configuration (unparsed JSON), null when none was ever written. */
  readActive(task: string): Promise<unknown>;
  writeActive(task: string, config: unknown): Promise<void>;
}

/** Where the rollout's events go (the events capability's publisher has this shape). */
export interface ModelEventSink {
  publish(
    events: readonly {
      readonly id: string;
      readonly type: string;
      readonly time: string;
      readonly supplierId: string;
      readonly subject: string;
      readonly data: Record<string, unknown>;
    }[],
  ): Promise<void>;
}
