/**
 * The local mode's scaled clock, seen from the process that started the stack (ADR 0022, "Bench
 * run time"). With `startLocalStack({ clockWarp: true })` every function thread (the API's, the
 * queue consumers' in their own process, the schedules') and the SQS emulator read the time from
 * local/warp-clock.cjs; `setRate` moves them all, at one announced real moment, to a new rate:
 * the bench runs a 5-minute platform outage at 10x, and every party (breakers, quota buckets,
 * token expiry, SQS delays and visibility timeouts, the platform calls' timeouts) sees 5 minutes.
 * The clock never jumps and never goes back: after a fast stretch it stays ahead of real time.
 * DynamoDB Local (no time in what we use of it) and the stack's own process stay in real time.
 */
import { nextSegment, realTimeAt, warpedRate, warpedTime, type ClockSegment } from './warp-clock.cjs';

/** How far ahead a new rate is announced: every party has it before it applies (even under load). */
export const ANNOUNCE_LEAD_MS = 1_000;

export interface LocalClock {
  /** The functions' epoch ms now. */
  now(): number;
  /** The functions' epoch ms at a real epoch ms of this process (a timestamp taken with Date.now()). */
  at(realMs: number): number;
  /** The real epoch ms at which the clock reads `clockMs` (with the changes announced so far): the inverse of `at`. */
  realAt(clockMs: number): number;
  /** Clock ms per real ms now. */
  rate(): number;
  /**
   * Runs the clock at `rate` from a moment just ahead; resolves once every party has it and it
   * applies, with how late the last party got it (0 when in time; if not, that party read the old
   * rate for that long and then caught up with the shared clock).
   */
  setRate(rate: number): Promise<{ lateMs: number }>;
  /**
   * Runs the clock at `rate` from the real epoch ms `fromRealMs` (at least ANNOUNCE_LEAD_MS ahead,
   * and not before the last change); resolves once every party has it, before it applies, with how
   * late the last party got it (as `setRate`) and the real moment it applies from. The bench schedules a return to real time at a
   * precise moment this way, instead of deciding it from a loop that looks at the clock now and
   * then.
   */
  scheduleRate(rate: number, fromRealMs: number): Promise<{ lateMs: number; fromRealMs: number }>;
}

/** `announce` hands a segment to every party (function threads, the consumers' process, the SQS emulator). */
export function localClock(announce: (segment: ClockSegment) => Promise<void>): LocalClock {
  const segments: ClockSegment[] = [];
  const schedule = async (rate: number, fromRealMs: number) => {
    const earliest = Math.max(Date.now() + ANNOUNCE_LEAD_MS, segments.at(-1)?.fromRealMs ?? 0);
    const segment = nextSegment(segments, rate, Math.max(Math.ceil(fromRealMs), earliest));
    await announce(segment);
    segments.push(segment);
    return { segment, lateMs: Math.max(0, Date.now() - segment.fromRealMs) };
  };
  return {
    now: () => Math.floor(warpedTime(segments, Date.now())),
    at: (realMs) => Math.floor(warpedTime(segments, realMs)),
    realAt: (clockMs) => realTimeAt(segments, clockMs),
    rate: () => warpedRate(segments, Date.now()),
    async setRate(rate) {
      const { segment, lateMs } = await schedule(rate, 0);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, segment.fromRealMs - Date.now() + 1)));
      return { lateMs };
    },
    async scheduleRate(rate, fromRealMs) {
      const { segment, lateMs } = await schedule(rate, fromRealMs);
      return { lateMs, fromRealMs: segment.fromRealMs };
    },
  };
}
