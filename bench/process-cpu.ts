/**
 * CPU time of the bench process and everything it started, by role (Linux /proc; ADR 0022, "The
 * pipeline's CPU per review"). On two cores every local hop shares the same CPUs, so a phase whose
 * processes together spend C seconds of CPU per item can do at most `cores / C` items a second:
 * this is what tells a ratio bound by the machine from one bound by waiting.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** The processes of a local stack, named from their command lines (local/*.ts start them). */
export type ProcessRole =
  'DynamoDB Local' | 'SQS emulator' | 'queue consumers' | 'bench process' | 'ended child processes' | 'other';

export const PROCESS_ROLES: readonly ProcessRole[] = [
  'DynamoDB Local',
  'SQS emulator',
  'queue consumers',
  'bench process',
  'ended child processes',
  'other',
];

/**
 * The key of the bench process's ended (waited-for) children in a snapshot: a load generator such
 * as autocannon runs and ends within a phase, and /proc counts its CPU in its parent's once it ends.
 */
const ENDED_CHILDREN = -1;

/** /proc reports CPU in USER_HZ ticks, 100 a second on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;

interface ProcessStat {
  readonly pid: number;
  readonly parent: number;
  /** User and system time of every thread, in seconds. */
  readonly cpuSeconds: number;
  /** The same of its children that ended and were waited for. */
  readonly endedChildrenCpuSeconds: number;
}

/** The fields of one /proc/<pid>/stat line (the command name may hold spaces and parentheses). */
export function parseProcStat(line: string): ProcessStat | undefined {
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(line.slice(0, line.indexOf(' ')));
  // After ") ": state, ppid, pgrp, session, tty, tpgid, flags, minflt, cminflt, majflt, cmajflt,
  // utime, stime, cutime, cstime.
  const fields = line.slice(close + 2).split(' ');
  const parent = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  const childTicks = Number(fields[13]) + Number(fields[14]);
  if (!Number.isInteger(pid) || !Number.isInteger(parent) || !Number.isFinite(ticks + childTicks)) {
    return undefined;
  }
  return {
    pid,
    parent,
    cpuSeconds: ticks / TICKS_PER_SECOND,
    endedChildrenCpuSeconds: childTicks / TICKS_PER_SECOND,
  };
}

export function roleOf(commandLine: string, isSelf: boolean): ProcessRole {
  if (isSelf) return 'bench process';
  if (commandLine.includes('DynamoDBLocal') || /\bjava\b/.test(commandLine)) return 'DynamoDB Local';
  if (commandLine.includes('fauxqs')) return 'SQS emulator';
  if (commandLine.includes('worker-host')) return 'queue consumers';
  return 'other';
}

/** CPU seconds so far of each process, keyed by pid (a pid's role is read once, when first seen). */
export type CpuSnapshot = ReadonlyMap<number, { readonly role: ProcessRole; readonly cpuSeconds: number }>;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended between the listing and the read
  }
}

/** This process and its descendants now; undefined where /proc is not there (not Linux). */
export function cpuSnapshot(): CpuSnapshot | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const stats = new Map<number, ProcessStat>();
  for (const pid of pids) {
    const line = readText(`/proc/${pid}/stat`);
    const stat = line === undefined ? undefined : parseProcStat(line);
    if (stat) stats.set(stat.pid, stat);
  }
  const children = new Map<number, number[]>();
  for (const stat of stats.values()) {
    const siblings = children.get(stat.parent);
    if (siblings) siblings.push(stat.pid);
    else children.set(stat.parent, [stat.pid]);
  }
  const snapshot = new Map<number, { role: ProcessRole; cpuSeconds: number }>();
  const pending = [process.pid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    const stat = stats.get(pid);
    if (!stat) continue;
    const commandLine = (readText(`/proc/${pid}/cmdline`) ?? '').replaceAll('\0', ' ');
    snapshot.set(pid, { role: roleOf(commandLine, pid === process.pid), cpuSeconds: stat.cpuSeconds });
    pending.push(...(children.get(pid) ?? []));
  }
  const self = stats.get(process.pid);
  if (self) {
    snapshot.set(ENDED_CHILDREN, { role: 'ended child processes', cpuSeconds: self.endedChildrenCpuSeconds });
  }
  return snapshot;
}

/**
 * CPU seconds each role spent between two snapshots. A process that started in between counts from
 * zero. One that ended in between counts under 'ended child processes' when the bench process
 * waited for it (a load generator); the stack's processes live through every phase.
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<ProcessRole, number> {
  const spent = Object.fromEntries(PROCESS_ROLES.map((role) => [role, 0])) as Record<ProcessRole, number>;
  for (const [pid, now] of after) {
    spent[now.role] += now.cpuSeconds - (before.get(pid)?.cpuSeconds ?? 0);
  }
  return spent;
}

/** Milliseconds of CPU per item, by role and in all, and the rate `cores` could reach at that cost. */
export function cpuPerItem(
  spent: Record<ProcessRole, number>,
  items: number,
  cores: number,
): {
  readonly msPerItem: Record<ProcessRole, number>;
  readonly totalMs: number;
  readonly ceilingPerSecond: number;
} {
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const msPerItem = Object.fromEntries(
    PROCESS_ROLES.map((role) => [role, round((spent[role] * 1000) / items)]),
  ) as Record<ProcessRole, number>;
  const totalSeconds = PROCESS_ROLES.reduce((sum, role) => sum + spent[role], 0);
  return {
    msPerItem,
    totalMs: round((totalSeconds * 1000) / items),
    ceilingPerSecond:
      totalSeconds > 0 ? Math.round((cores * items) / totalSeconds) : Number.POSITIVE_INFINITY,
  };
}

export interface CpuComparison {
  readonly cores: number;
  /** The baseline's raw calls: CPU per call, and what the cores allow at that cost. */
  readonly baseline: ReturnType<typeof cpuPerItem>;
  /** The path measured against it: CPU per item, and what the cores allow at that cost. */
  readonly measured: ReturnType<typeof cpuPerItem>;
  /** The measured path's ceiling on these cores against the baseline's measured rate. */
  readonly ceilingToBaselineRate: number;
}

/**
 * A path against its baseline in CPU: if the path's ceiling on these cores is itself under the
 * ratio's target, no shorter wait can reach the target here, only less CPU per item.
 */
export function compareCpu(
  baseline: {
    readonly spent: Record<ProcessRole, number>;
    readonly items: number;
    readonly perSecond: number;
  },
  measured: { readonly spent: Record<ProcessRole, number>; readonly items: number },
  cores: number,
): CpuComparison {
  const measuredCost = cpuPerItem(measured.spent, measured.items, cores);
  return {
    cores,
    baseline: cpuPerItem(baseline.spent, baseline.items, cores),
    measured: measuredCost,
    ceilingToBaselineRate: Math.round((measuredCost.ceilingPerSecond / baseline.perSecond) * 1000) / 1000,
  };
}
