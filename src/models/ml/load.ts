/**
 * Reading artifacts from a models directory laid out as `<dir>/<task>/<version>/model.json`
 * (`wedsync-linear-v3`: and `weights.bin` beside it; in the Lambda layer: `/opt/nodejs/models`).
 * Synchronous on purpose: called once at cold start.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArtifact, type ModelArtifact, type Task } from './artifact';
import { modelFromArtifact, type Model, type ModelOptions } from './model';

/** Where the layer puts the models in Lambda; `WEDSYNC_MODEL_DIR` overrides it (local mode, tests). */
export function defaultModelDir(): string {
  return process.env.WEDSYNC_MODEL_DIR ?? '/opt/nodejs/models';
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Versions of a task present in `dir`, ascending. */
export function listVersions(task: Task, dir: string): string[] {
  const taskDir = join(dir, task);
  if (!existsSync(taskDir)) return [];
  return readdirSync(taskDir)
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v) && existsSync(join(taskDir, v, 'model.json')))
    .sort(compareVersions);
}

export interface LoadOptions extends ModelOptions {
  /** Exact version to load; the newest present when omitted. */
  readonly version?: string;
}

export function modelPath(task: Task, dir: string, version: string): string {
  return join(dir, task, version, 'model.json');
}

/** The checked artifact of one version, with the files it names (v3: its weights) read beside it. */
export function readArtifact(task: Task, dir: string, version: string): ModelArtifact {
  const path = modelPath(task, dir, version);
  const artifact = parseArtifact(JSON.parse(readFileSync(path, 'utf8')), (file) =>
    readFileSync(join(dir, task, version, file)),
  );
  if (artifact.task !== task || artifact.version !== version) {
    throw new Error(`${path} holds ${artifact.task}@${artifact.version}, expected ${task}@${version}`);
  }
  return artifact;
}

export function loadModel(task: Task, dir: string = defaultModelDir(), options: LoadOptions = {}): Model {
  const version = options.version ?? listVersions(task, dir).at(-1);
  if (version === undefined) throw new Error(`no ${task} model under ${dir}`);
  return modelFromArtifact(readArtifact(task, dir, version), options);
}
