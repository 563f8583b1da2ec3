import { countersFor } from '../inference/window-stats';
import type { Observation } from '../inference/observation';
import type { ModelStatsStore } from '../ports';

/** Adds predictions to the shared statistics: one counter update per (task, variant). */
export async function recordObservations(
  observations: readonly Observation[],
  store: ModelStatsStore,
  at: Date,
): Promise<void> {
  const groups = new Map<string, Observation[]>();
  for (const o of observations) {
    const key = `${o.task}\u0000${o.variant}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  await Promise.all(
    [...groups.values()].map((group) => {
      const [first] = group as [Observation];
      return store.add(
        first.task,
        first.variant,
        countersFor(group, first.model.reference.confidenceEdges),
        at,
      );
    }),
  );
}
