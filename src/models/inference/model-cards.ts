/** Model cards beside the artifacts (`<dir>/<task>/<version>/card.json`), read once each. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultModelDir, modelPath, type Task } from '../ml';

const cache = new Map<string, Record<string, unknown> | null>();

export function modelCard(
  task: Task,
  version: string,
  dir: string = defaultModelDir(),
): Record<string, unknown> | null {
  const path = join(dirname(modelPath(task, dir, version)), 'card.json');
  if (!cache.has(path))
    cache.set(
      path,
      existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : null,
    );
  return cache.get(path) ?? null;
}

/** The agreement live predictions should reach: the card's out-of-domain (leave-one-domain-out) accuracy. */
export function referenceAgreement(card: Record<string, unknown> | null): number | null {
  // A retrained model's card names the reference it is held to: the one of the model it came from (ADR 0026).
  if (typeof card?.referenceAgreement === 'number') return card.referenceAgreement;
  const evaluation = card?.evaluation as
    { chosenModel?: { leaveOneDomainOut?: { all?: { accuracy?: number } } } } | undefined;
  return evaluation?.chosenModel?.leaveOneDomainOut?.all?.accuracy ?? null;
}
