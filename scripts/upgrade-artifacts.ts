/**
 * Rewrites `wedsync-linear-v1` and `wedsync-linear-v2` artifacts in the layer and the
 * evaluation-only folder as `wedsync-linear-v3` (ADR 0021, cold start third and fourth rounds):
 * the same quantised weights in the layout inference reads, the arrays in `weights.bin` beside
 * `model.json`, so every prediction stays bit-identical (test/unit/models/golden-predictions.test.ts).
 * Updates the `artifact` entry of each card (size and SHA-256 of both files); nothing else in a card
 * changes. Artifacts already in v3 are left alone, so running it twice changes nothing.
 *
 *   npx tsx scripts/upgrade-artifacts.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FILES_ARTIFACT_FORMAT, listVersions, parseArtifact, TASKS } from '#src/models/ml';
import { artifactFiles, cardArtifact, writeArtifactFiles } from '#src/models/training/card';

const REPO = resolve(__dirname, '..');
const DIRS = [join(REPO, 'layers', 'models', 'nodejs', 'models'), join(REPO, 'models-eval')];

function main(): void {
  for (const dir of DIRS) {
    for (const task of TASKS) {
      for (const version of listVersions(task, dir)) {
        const folder = join(dir, task, version);
        const raw = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as Record<string, unknown>;
        if (raw.format === FILES_ARTIFACT_FORMAT) continue;
        const upgraded = parseArtifact(raw);
        // The stored object with its weights replaced: every other field keeps its place.
        const files = artifactFiles({ ...raw, weights: upgraded.weights } as never);
        writeArtifactFiles(folder, files);
        const cardPath = join(folder, 'card.json');
        if (existsSync(cardPath)) {
          const card = JSON.parse(readFileSync(cardPath, 'utf8')) as { artifact: Record<string, unknown> };
          card.artifact = { ...card.artifact, ...cardArtifact(files) };
          writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
        }
        console.log(
          `${task}@${version}: ${folder} -> ${FILES_ARTIFACT_FORMAT} (model.json ${Buffer.byteLength(files.model)} bytes, ` +
            `weights.bin ${files.weights.length} bytes)`,
        );
      }
    }
  }
}

main();
