/**
 * `npm run train` - rebuilds every model artifact from the data in `data/` (deterministic:
 * running it twice gives byte-identical files).
 *
 *   tsx scripts/train.ts [--allow-noncommercial] [--only=<task>[,<task>]]
 *
 * Deployable artifacts go to layers/models/nodejs/models/<task>/<version>/{model.json,weights.bin,card.json}.
 * Artifacts whose card lists a non-commercial licence (deception, op_spam) go to
 * models-eval/<task>/<version>/ unless --allow-noncommercial is given; the layer is checked by the
 * licence gate at the end either way.
 */
import { resolve } from 'node:path';
import { TASKS, type Task } from '#src/models/ml/artifact';
import { defaultPaths, RUNNERS, writeRuns } from '#src/models/training/pipeline';

function parseArgs(argv: readonly string[]): { allowNonCommercial: boolean; tasks: Task[] } {
  let allowNonCommercial = false;
  let tasks: Task[] = [...TASKS];
  for (const a of argv) {
    if (a === '--allow-noncommercial') allowNonCommercial = true;
    else if (a.startsWith('--only=')) {
      const wanted = a.slice('--only='.length).split(',');
      const unknown = wanted.filter((t) => !(TASKS as readonly string[]).includes(t));
      if (unknown.length > 0) throw new Error(`unknown task(s): ${unknown.join(', ')}`);
      tasks = wanted as Task[];
    } else throw new Error(`unknown argument ${a}`);
  }
  return { allowNonCommercial, tasks };
}

function main(): void {
  const { allowNonCommercial, tasks } = parseArgs(process.argv.slice(2));
  const paths = defaultPaths(resolve(__dirname, '..'), allowNonCommercial);
  const started = Date.now();
  const runs = tasks.map((task) => {
    const t0 = Date.now();
    const run = RUNNERS[task](paths);
    console.log(`${task}: trained and evaluated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return run;
  });
  for (const w of writeRuns(runs, paths)) {
    const where = w.card.deployable ? 'layer' : 'evaluation only';
    console.log(`${w.card.modelVersion} -> ${w.dir} (${w.card.artifact.bytes} bytes, ${where})`);
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();
