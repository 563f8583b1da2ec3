/**
 * Summarises V8 CPU profiles (`node --cpu-prof`) for the ADRs on where time goes (issue 12):
 * the top frames by self time, self time per package (node_modules/<package>, or our own folder),
 * and the inclusive time of frames whose name matches `--focus=<regexp>`.
 *   `npx tsx bench/profile-summary.ts <file.cpuprofile> [--top=25] [--focus=handleApiEvent|submitReview]`
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}
interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly topFrames: { frame: string; selfMs: number; share: number }[];
  readonly byPackage: { name: string; selfMs: number; share: number }[];
  readonly focus: { frame: string; inclusiveMs: number; share: number }[];
}

/** Where a script belongs: `node_modules/<pkg>` (scoped too), our top folder, or node's internals. */
export function packageOf(url: string): string {
  if (url === '') return '(native / vm)';
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) {
    const [first = '', second = ''] = url.slice(at + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith('node:')) return 'node:internal';
  const match = /\/(src|functions|bench|local|lib)\/([^/]+)/.exec(url);
  return match ? `${match[1]}/${match[2]}` : url;
}

const frameName = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.split('/').slice(-2).join('/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
};

export function summarise(profile: CpuProfile, top = 25, focus?: RegExp): ProfileSummary {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
  const share = (us: number) => Math.round((us / totalUs) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;

  const frames = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const name = idle.has(node.callFrame.functionName) ? node.callFrame.functionName : frameName(node);
    frames.set(name, (frames.get(name) ?? 0) + us);
    const pkg = idle.has(node.callFrame.functionName)
      ? node.callFrame.functionName
      : packageOf(node.callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  // Inclusive time of the focused frames: each sample counted once per distinct focused frame on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  if (focus) {
    for (const [id, us] of selfUs) {
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const node = byId.get(at)!;
        if (focus.test(node.callFrame.functionName)) seen.add(frameName(node));
      }
      for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: ms(totalUs),
    topFrames: sorted(frames)
      .slice(0, top)
      .map(([frame, us]) => ({ frame, selfMs: ms(us), share: share(us) })),
    byPackage: sorted(packages)
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: ms(us), share: share(us) })),
    focus: sorted(inclusive).map(([frame, us]) => ({ frame, inclusiveMs: ms(us), share: share(us) })),
  };
}

if (require.main === module) {
  const [file, ...flags] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--top=N] [--focus=regexp]');
  const flag = (name: string) => flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3);
  const focus = flag('focus');
  const summary = summarise(
    JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
    Number(flag('top') ?? 25),
    focus ? new RegExp(focus) : undefined,
  );
  console.log(`total ${summary.totalMs} ms\n\nself time by package:`);
  for (const p of summary.byPackage)
    console.log(`  ${String(p.selfMs).padStart(8)} ms ${String(p.share).padStart(5)}%  ${p.name}`);
  console.log('\ntop frames by self time:');
  for (const f of summary.topFrames)
    console.log(`  ${String(f.selfMs).padStart(8)} ms ${String(f.share).padStart(5)}%  ${f.frame}`);
  if (summary.focus.length > 0) {
    console.log('\ninclusive time of focused frames:');
    for (const f of summary.focus)
      console.log(`  ${String(f.inclusiveMs).padStart(8)} ms ${String(f.share).padStart(5)}%  ${f.frame}`);
  }
}
