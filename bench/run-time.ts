/**
 * The bench's own run time (issue 12: `npm run bench` finishes in under 5 minutes): the wall time
 * of each stretch of the run (a phase, starting or stopping a stack, the baseline, a wait) and of
 * the whole run, from the process's start (tsx's load included) to the results being written.
 */
import { targetGap, type BenchTarget } from './support';

/** Issue 12: the whole run in under 5 minutes. */
export const RUN_TIME_TARGET_SECONDS = 300;
const RUN_TIME_TARGET: BenchTarget = { below: RUN_TIME_TARGET_SECONDS };

export interface Stretch {
  readonly name: string;
  readonly seconds: number;
}

export interface RunTime {
  /** Each timed stretch in the order it ended. */
  readonly stretches: readonly Stretch[];
  /** The process's wall time so far (since it started), in seconds. */
  readonly totalSeconds: number;
  /** Wall time outside the named stretches (loading, printing, small steps between them). */
  readonly otherSeconds: number;
  readonly targetSeconds: number;
  /** `met by 12.3` or `missed by 45.6` seconds (bench/support.ts targetGap). */
  readonly gap: string;
}

/** Times stretches of the run; `now` is milliseconds since the process started (`performance.now`). */
export class RunClock {
  private readonly done: Stretch[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs `work` and records its wall time under `name` (also when it throws). */
  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = this.now();
    try {
      return await work();
    } finally {
      this.done.push({ name, seconds: round((this.now() - started) / 1000) });
    }
  }

  /** Records a stretch that started at `startedMs` (from `now`) and ends now. */
  record(name: string, startedMs: number): void {
    this.done.push({ name, seconds: round((this.now() - startedMs) / 1000) });
  }

  /** What the run took so far, stretch by stretch, and its gap to the 5 minutes. */
  summary(): RunTime {
    const totalSeconds = round(this.now() / 1000);
    const named = this.done.reduce((sum, stretch) => sum + stretch.seconds, 0);
    return {
      stretches: [...this.done],
      totalSeconds,
      otherSeconds: round(Math.max(0, totalSeconds - named)),
      targetSeconds: RUN_TIME_TARGET_SECONDS,
      gap: targetGap(totalSeconds, RUN_TIME_TARGET).text,
    };
  }
}

/** The run-time table's rows: each stretch, the rest, and the whole run against the 5 minutes. */
export function runTimeRows(runTime: RunTime): string[][] {
  return [
    ...runTime.stretches.map((stretch) => [stretch.name, String(stretch.seconds), '', '']),
    ['(loading, printing, between stretches)', String(runTime.otherSeconds), '', ''],
    ['whole run', String(runTime.totalSeconds), `< ${runTime.targetSeconds}`, runTime.gap],
  ];
}

const round = (value: number) => Math.round(value * 10) / 10;
