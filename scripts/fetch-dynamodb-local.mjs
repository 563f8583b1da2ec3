#!/usr/bin/env node
// Puts DynamoDB Local (the official jar) into .local/dynamodb-local/ for the local mode and tests.
// The jar ships inside the npm package amplify-dynamodb-simulator; installing that package would
// drag in 200+ unrelated packages, so we `npm pack` the one pinned version from the npm registry,
// check its integrity against the pinned hash, and keep only its emulator/ folder.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const INTEGRITY =
  'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.local', 'dynamodb-local');

if (existsSync(join(target, 'DynamoDBLocal.jar'))) {
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'ddb-local-'));
try {
  console.log(`[dynamodb-local] fetching ${PACKAGE} from the npm registry (about 57 MB, once)...`);
  const out = execFileSync('npm', ['pack', PACKAGE, '--json', '--pack-destination', work], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'inherit'],
  }).toString();
  const [{ filename }] = JSON.parse(out);
  const tarball = join(work, filename);
  const digest = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
  if (digest !== INTEGRITY) {
    throw new Error(`integrity mismatch for ${PACKAGE}: got ${digest}`);
  }
  execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/emulator'], { stdio: 'inherit' });
  mkdirSync(dirname(target), { recursive: true });
  rmSync(target, { recursive: true, force: true });
  renameSync(join(work, 'package', 'emulator'), target);
  console.log(`[dynamodb-local] ready in ${target}`);
} catch (err) {
  console.error(`[dynamodb-local] could not prepare DynamoDB Local: ${err.message}`);
  console.error('[dynamodb-local] the local mode and integration tests need it; rerun `npm install`.');
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
