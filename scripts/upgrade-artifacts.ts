/**
 * Rewrites `wedsync-linear-v1` artifacts in the layer and the evaluation-only folder as
 * `wedsync-linear-v2` (ADR 0021, cold start third round): the same quantised weights in the layout
 * inference reads, so every prediction stays bit-identical (test/unit/models/golden-predictions.test.ts).
 * Updates the size and SHA-256 of `model.json` in each card; nothing else in a card changes.
 * Artifacts already in the current format are left alone, so running it twice changes nothing.
 *
 *   npx tsx scripts/upgrade-artifacts.ts
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LEGACY_ARTIFACT_FORMAT, listVersions, parseArtifact, TASKS } from '#src/models/ml';
import { serialiseArtifact } from '#src/models/training/card';

const REPO = resolve(__dirname, '..');
const DIRS = [join(REPO, 'layers', 'models', 'nodejs', 'models'), join(REPO, 'models-eval')];

function main(): void {
  for (const dir of DIRS) {
    for (const task of TASKS) {
      for (const version of listVersions(task, dir)) {
        const modelPath = join(dir, task, version, 'model.json');
        const raw = JSON.parse(readFileSync(modelPath, 'utf8')) as Record<string, unknown>;
        if (raw.format !== LEGACY_ARTIFACT_FORMAT) continue;
        const upgraded = parseArtifact(raw);
        // The stored object with its format and weights replaced: every other field keeps its place.
        const text = serialiseArtifact({
          ...raw,
          format: upgraded.format,
          weights: upgraded.weights,
        } as never);
        writeFileSync(modelPath, text);
        const cardPath = join(dir, task, version, 'card.json');
        if (existsSync(cardPath)) {
          const card = JSON.parse(readFileSync(cardPath, 'utf8')) as { artifact: Record<string, unknown> };
          card.artifact = {
            ...card.artifact,
            bytes: Buffer.byteLength(text),
            sha256: createHash('sha256').update(text).digest('hex'),
          };
          writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
        }
        console.log(
          `${task}@${version}: ${modelPath} -> ${upgraded.format} (${Buffer.byteLength(text)} bytes)`,
        );
      }
    }
  }
}

main();
