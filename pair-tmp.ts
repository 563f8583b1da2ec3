// Alternating loads (CPU and wall ms to require each bundle in a fresh Node process), as ADR 0022's earlier rounds.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { functionDefinition, type FunctionId } from './src/catalog/functions';
import { functionBundle } from './local/function-bundles';
import { REPO_ROOT } from './local/processes';
import { bundleFacts } from './bench/bundles';
import { placeholderEnvironment } from './bench/placeholder-env';

const ids = process.argv.slice(2) as FunctionId[];
const ROUNDS = Number(process.env.ROUNDS ?? 15);
function load(file: string, env: Record<string, string>): { cpu: number; wall: number } {
  const script = `const c=process.cpuUsage();const t=performance.now();require(${JSON.stringify(file)});const u=process.cpuUsage(c);process.stdout.write(JSON.stringify({wall:performance.now()-t,cpu:(u.user+u.system)/1000}));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' }));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function main() {
  mkdirSync(join(REPO_ROOT, '.cache', 'pair-tmp'), { recursive: true });
  const subjects = [];
  for (const id of ids) {
    const fn = functionDefinition(id);
    const deployed = await functionBundle(fn);
    const { bytes, sdkPackages } = bundleFacts(readFileSync(deployed, 'utf8'));
    const bare = join(REPO_ROOT, '.cache', 'pair-tmp', `${id}-bare.js`);
    writeFileSync(bare, sdkPackages.map((p) => `require(${JSON.stringify(p)});`).join('\n'));
    const env = { ...placeholderEnvironment(fn, (q) => `http://127.0.0.1:1/queue/${q}`), AWS_REGION: 'us-east-1', NODE_OPTIONS: '--enable-source-maps' };
    subjects.push({ id, bytes, deployed, bare, env, runs: [] as { cpu: number; wall: number }[], bareRuns: [] as { cpu: number; wall: number }[] });
  }
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const s of subjects) {
      s.runs.push(load(s.deployed, s.env));
      s.bareRuns.push(load(s.bare, s.env));
    }
  }
  for (const s of subjects) {
    const cpu = median(s.runs.map((x) => x.cpu)), bcpu = median(s.bareRuns.map((x) => x.cpu));
    const wall = median(s.runs.map((x) => x.wall)), bwall = median(s.bareRuns.map((x) => x.wall));
    console.log(`${s.id} ${s.bytes} bytes; CPU ${cpu.toFixed(1)} / bare ${bcpu.toFixed(1)} = ${(cpu / bcpu).toFixed(2)}x; wall ${wall.toFixed(1)} / ${bwall.toFixed(1)} = ${(wall / bwall).toFixed(2)}x`);
  }
}
void main();
