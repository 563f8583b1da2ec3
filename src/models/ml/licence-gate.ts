/**
 * Licence gate for the deployable models layer: every `model.json` under
 * `<layer>/nodejs/models/<task>/<version>/` must sit beside a `card.json`, and a card that lists a
 * non-commercial licence (for the model or any training data) is refused unless the build
 * explicitly allows non-commercial artifacts. Used by `scripts/train.ts` before and after writing
 * and meant to be called by the layer packer (CDK) before bundling.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface DataLicence {
  readonly name: string;
  readonly licence: string;
  readonly nonCommercial: boolean;
}

/** The part of a model card the gate reads. */
export interface CardLicensing {
  readonly licence: {
    readonly model: string;
    readonly nonCommercial: boolean;
    readonly trainingData: readonly DataLicence[];
  };
}

/** Licence names that forbid commercial use (Creative Commons NC variants and explicit wording). */
export function isNonCommercialLicence(name: string): boolean {
  return /(^|[^a-z])nc([^a-z]|$)|non[\s-]?commercial/i.test(name);
}

export function cardIsNonCommercial(card: CardLicensing): boolean {
  const l = card.licence;
  return (
    l.nonCommercial ||
    isNonCommercialLicence(l.model) ||
    l.trainingData.some((d) => d.nonCommercial || isNonCommercialLicence(d.licence))
  );
}

export interface GateOptions {
  /** Explicit opt-in (e.g. `--allow-noncommercial`); default false. */
  readonly allowNonCommercial?: boolean;
}

export class LicenceGateError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`models layer refused:\n- ${problems.join('\n- ')}`);
    this.name = 'LicenceGateError';
  }
}

/** Throws when `card` may not go into the deployable layer. */
export function assertDeployable(card: CardLicensing, where: string, options: GateOptions = {}): void {
  if (cardIsNonCommercial(card) && !options.allowNonCommercial) {
    throw new LicenceGateError([
      `${where}: card lists a non-commercial licence (pass allowNonCommercial to override)`,
    ]);
  }
}

function modelDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const task of readdirSync(root).sort()) {
    const taskDir = join(root, task);
    if (!statSync(taskDir).isDirectory()) continue;
    for (const version of readdirSync(taskDir).sort()) {
      const dir = join(taskDir, version);
      if (statSync(dir).isDirectory() && existsSync(join(dir, 'model.json'))) out.push(dir);
    }
  }
  return out;
}

/**
 * Checks every artifact in a layer folder (`layers/models`): returns the artifact folders that
 * pass, or throws a {@link LicenceGateError} listing every problem.
 */
export function checkModelsLayer(layerDir: string, options: GateOptions = {}): string[] {
  const root = join(layerDir, 'nodejs', 'models');
  const problems: string[] = [];
  const ok: string[] = [];
  for (const dir of modelDirs(root)) {
    const where = relative(layerDir, dir);
    const cardPath = join(dir, 'card.json');
    if (!existsSync(cardPath)) {
      problems.push(`${where}: model.json has no card.json beside it`);
      continue;
    }
    const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Partial<CardLicensing>;
    if (!card.licence || !Array.isArray(card.licence.trainingData)) {
      problems.push(`${where}: card.json has no licence section`);
      continue;
    }
    try {
      assertDeployable(card as CardLicensing, where, options);
      ok.push(dir);
    } catch (e) {
      problems.push(...(e instanceof LicenceGateError ? e.problems : [String(e)]));
    }
  }
  if (problems.length > 0) throw new LicenceGateError(problems);
  return ok;
}
