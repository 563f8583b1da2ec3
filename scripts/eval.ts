/**
 * `npm run eval` - re-runs every evaluation (our models and the lexicon baselines `sentiment`,
 * `vader-sentiment`, `wink-nlp` in the same run), prints the tables and writes the results into
 * the model cards' `evaluation` sections. Warns when a stored artifact no longer matches what the
 * current data and config produce (then run `npm run train`).
 *
 *   tsx scripts/eval.ts [--allow-noncommercial] [--only=<task>[,<task>]]
 */
import { resolve } from 'node:path';
import { TASKS, type Task } from '#src/models/ml/artifact';
import { updateCardEvaluation } from '#src/models/training/card';
import { defaultPaths, locate, RUNNERS } from '#src/models/training/pipeline';

function main(): void {
  const argv = process.argv.slice(2);
  const allowNonCommercial = argv.includes('--allow-noncommercial');
  const only = argv.find((a) => a.startsWith('--only='));
  const tasks = only ? (only.slice('--only='.length).split(',') as Task[]) : [...TASKS];
  const paths = defaultPaths(resolve(__dirname, '..'), allowNonCommercial);
  let stale = 0;
  for (const task of tasks) {
    if (!(TASKS as readonly string[]).includes(task)) throw new Error(`unknown task ${task}`);
    const t0 = Date.now();
    const run = RUNNERS[task](paths);
    console.log(`\n${run.report}\n(${task} evaluated in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    const where = locate(run, paths);
    if (!where.current) {
      stale++;
      console.warn(
        `WARNING: ${where.dir}/model.json ${where.storedSha ? 'differs from' : 'is missing for'} the current data/config: run npm run train`,
      );
    }
    if (updateCardEvaluation(where.dir, run.draft.evaluation))
      console.log(`evaluation written to ${where.dir}/card.json`);
  }
  if (stale > 0) process.exitCode = 1;
}

main();
