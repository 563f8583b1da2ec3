/**
 * Rounds of init measurements for the bundles phase (issue 12: each function's init against a bare
 * handler that loads the same AWS SDK packages, <= 1.2x), in fewer fresh processes than one bare
 * run beside every function run:
 *
 * - **One bare handler per SDK package set.** A bare handler is the packages' `require` calls and
 *   nothing else, so every function that loads the same set has the same bare handler (23
 *   functions had 4 sets when this was written, 16 of them the same). A round runs each function
 *   still measured once, and its bare handler once after every 4 of them (so a bare handler shared
 *   by 16 functions runs 4 times a round: one unlucky bare run cannot move 16 ratios alike; with a
 *   single bare run per round it did, by about 0.2 at load 15), in an order rotated every round by a share of the
 *   round (over the rounds each run takes places early, midway and late in a round, so a noisy
 *   stretch or an order effect hits functions and bare handlers alike).
 *   A function's ratio is the median of its init runs over the median of its bare handler's runs
 *   in the same rounds.
 * - **Stop a function once its side of the target is clear.** From `minRounds` on, a function whose
 *   every round so far (its run over its bare handler's run in that round) is on one side of the
 *   target takes no more rounds: were its median ratio on the other side, each round would land on
 *   this side with a chance of at most one half, so all of 5 rounds would with at most 1/32
 *   (a sign test). The others take `maxRounds`. The rounds each took are reported.
 * - **Several at once, in order** (`concurrency`): a round's runs start in its rotated order, that
 *   many at a time; meant for CPU time, which a run waiting for a core does not inflate.
 * - **A same-code control.** A copy of a bare handler under another name, measured as a function
 *   (every round, never stopped early) against the original: its ratio shows the bias of the method
 *   itself (sharing a bare run, the rotation, the machine's noise); it should be close to 1.
 */

import { mapWithConcurrency } from '../src/shared/concurrency';

/** A file whose `require` is timed in a fresh process, with the environment it gets. */
export interface InitRun {
  readonly file: string;
  readonly env: Record<string, string>;
}

export interface InitSubject extends InitRun {
  readonly id: string;
  /** The key of its bare handler in `bares` (its SDK package set). */
  readonly bare: string;
  /** Measured every round (the control), never stopped early. */
  readonly allRounds?: boolean;
}

export interface InitRoundsOptions {
  readonly minRounds: number;
  readonly maxRounds: number;
  /**
   * A bare run for every this many subjects that share its bare handler, in each round (default 4):
   * the bare handler of many functions is measured as often as a few of them, so an unlucky bare
   * run does not move the ratios of all of them alike.
   */
  readonly subjectsPerBareRun?: number;
  /** The ratio target (init over bare at most this). */
  readonly atMost: number;
  /** Milliseconds the `require` of `file` took in a fresh process. */
  readonly measure: (run: InitRun) => number | Promise<number>;
  /**
   * Runs measured at once (default 1): a round's runs are started in its order, this many at a
   * time. Meant for CPU time, which waiting for a core does not inflate.
   */
  readonly concurrency?: number;
  /** After each round: its number (from 1) and the subjects measured in it. */
  readonly onRound?: (round: number, measured: number) => void;
}

export interface InitSamples {
  readonly id: string;
  /** Its init runs, one per round it took. */
  readonly init: readonly number[];
  /** Its bare handler's runs in the same rounds (one for every `subjectsPerBareRun` of its subjects a round). */
  readonly bare: readonly number[];
  /** The median of its bare handler's runs in each of those rounds (what a round's ratio is against). */
  readonly bareByRound: readonly number[];
  readonly rounds: number;
  /** Stopped before `maxRounds` because every round was on one side of the target. */
  readonly stoppedEarly: boolean;
}

export interface InitRoundsResult {
  readonly subjects: readonly InitSamples[];
  /** Fresh processes started (subjects' runs plus bare runs). */
  readonly processes: number;
}

/** Whether every round's ratio (init over that round's bare) is on one side of `atMost` (all at most it, or all above it). */
export function oneSideOfTarget(init: readonly number[], bare: readonly number[], atMost: number): boolean {
  const ratios = init.map((ms, i) => ms / bare[i]!);
  return ratios.every((r) => r <= atMost) || ratios.every((r) => r > atMost);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `list` rotated left by `by` places. */
export function rotated<T>(list: readonly T[], by: number): T[] {
  if (list.length === 0) return [];
  const k = ((by % list.length) + list.length) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

export async function measureInitRounds(
  subjects: readonly InitSubject[],
  bares: ReadonlyMap<string, InitRun>,
  options: InitRoundsOptions,
): Promise<InitRoundsResult> {
  if (options.minRounds < 1 || options.maxRounds < options.minRounds) {
    throw new Error(
      `init rounds: need 1 <= minRounds <= maxRounds (got ${options.minRounds}, ${options.maxRounds})`,
    );
  }
  for (const subject of subjects) {
    if (!bares.has(subject.bare))
      throw new Error(`init rounds: ${subject.id} has no bare handler ${subject.bare}`);
  }
  const init = new Map(subjects.map((s) => [s.id, [] as number[]]));
  const bare = new Map(subjects.map((s) => [s.id, [] as number[]]));
  const bareByRound = new Map(subjects.map((s) => [s.id, [] as number[]]));
  const perBare = options.subjectsPerBareRun ?? 4;
  const stopped = new Set<string>();
  let processes = 0;
  for (let round = 0; round < options.maxRounds; round += 1) {
    const active = subjects.filter((s) => !stopped.has(s.id));
    if (active.length === 0) break;
    type Item = { kind: 'subject'; subject: InitSubject } | { kind: 'bare'; key: string };
    // Per bare handler: its subjects, a bare run after every `subjectsPerBareRun` of them.
    const items: Item[] = [...new Set(active.map((s) => s.bare))].flatMap((key) =>
      active
        .filter((s) => s.bare === key)
        .flatMap((subject, i, group): Item[] => [
          { kind: 'subject', subject },
          ...((i + 1) % perBare === 0 || i === group.length - 1 ? [{ kind: 'bare', key } as Item] : []),
        ]),
    );
    const bareMs = new Map<string, number[]>();
    const subjectMs = new Map<string, number>();
    // Each round starts a stride further on, so over the rounds every run takes places spread over
    // the whole round (early, middle, late), however many runs a round has.
    const stride = Math.ceil(items.length / options.maxRounds);
    const order = rotated(items, round * stride);
    const times = await mapWithConcurrency(order, options.concurrency ?? 1, (item) =>
      options.measure(item.kind === 'bare' ? bares.get(item.key)! : item.subject),
    );
    processes += order.length;
    order.forEach((item, i) => {
      if (item.kind === 'bare') bareMs.set(item.key, [...(bareMs.get(item.key) ?? []), times[i]!]);
      else subjectMs.set(item.subject.id, times[i]!);
    });
    for (const subject of active) {
      init.get(subject.id)!.push(subjectMs.get(subject.id)!);
      const roundBare = bareMs.get(subject.bare)!;
      bare.get(subject.id)!.push(...roundBare);
      bareByRound.get(subject.id)!.push(median(roundBare));
      const rounds = round + 1;
      if (
        !subject.allRounds &&
        rounds >= options.minRounds &&
        rounds < options.maxRounds &&
        oneSideOfTarget(init.get(subject.id)!, bareByRound.get(subject.id)!, options.atMost)
      ) {
        stopped.add(subject.id);
      }
    }
    options.onRound?.(round + 1, active.length);
  }
  return {
    subjects: subjects.map((s) => ({
      id: s.id,
      init: init.get(s.id)!,
      bare: bare.get(s.id)!,
      bareByRound: bareByRound.get(s.id)!,
      rounds: init.get(s.id)!.length,
      stoppedEarly: stopped.has(s.id),
    })),
    processes,
  };
}
