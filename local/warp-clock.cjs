'use strict';
// A scaled wall clock for the local mode (ADR 0022, "Bench run time"): a run of segments, each
// saying "from real epoch ms `fromRealMs` on, the clock reads `clockAtFromMs` and advances `rate`
// ms per real ms". Every process and thread of the local mode that is started with it agrees on
// the time, because a segment names absolute real times and every participant reads the same
// real clock: the bench announces a new segment a little ahead of the moment it starts.
//
// `installClockWarp` patches this thread's globals, before a function's bundle loads:
// - `Date.now()` and `new Date()` (no argument) read the scaled clock; every other use of Date is
//   untouched, and `x instanceof Date` still holds for every Date;
// - `AbortSignal.timeout(ms)` times out after `ms` of the scaled clock (a platform call's 10 s
//   timeout is 1 s at 10x), as the rate stands when the signal is made.
// Timers (setTimeout), performance.now() and everything Node does internally stay in real time, so
// the SDK's own request timeouts and the pollers' waits are not squeezed. Production code is not
// involved: it reads the time through its Clock port (systemClock: `new Date()`) and Date.now().

/** @typedef {{ readonly fromRealMs: number; readonly clockAtFromMs: number; readonly rate: number }} ClockSegment */

/**
 * The clock's reading at real epoch ms `realMs`: the last segment that has started; real time
 * before the first one.
 * @param {readonly ClockSegment[]} segments oldest first
 * @param {number} realMs
 * @returns {number}
 */
function warpedTime(segments, realMs) {
  const segment = activeSegment(segments, realMs);
  return segment === undefined
    ? realMs
    : segment.clockAtFromMs + (realMs - segment.fromRealMs) * segment.rate;
}

/**
 * The clock's rate at real epoch ms `realMs` (1 before the first segment).
 * @param {readonly ClockSegment[]} segments
 * @param {number} realMs
 * @returns {number}
 */
function warpedRate(segments, realMs) {
  return activeSegment(segments, realMs)?.rate ?? 1;
}

/**
 * The segment that makes the clock run at `rate` from real epoch ms `fromRealMs` on, continuing
 * from where the clock stands then (the clock never jumps, and never goes back).
 * @param {readonly ClockSegment[]} segments
 * @param {number} rate
 * @param {number} fromRealMs
 * @returns {ClockSegment}
 */
function nextSegment(segments, rate, fromRealMs) {
  if (!(rate > 0) || !Number.isFinite(rate))
    throw new Error(`clock rate must be a positive number, not ${rate}`);
  const last = segments[segments.length - 1];
  if (last !== undefined && fromRealMs < last.fromRealMs) {
    throw new Error('a clock segment must start after the last one');
  }
  return { fromRealMs, clockAtFromMs: warpedTime(segments, fromRealMs), rate };
}

/**
 * @param {readonly ClockSegment[]} segments
 * @param {number} realMs
 * @returns {ClockSegment | undefined}
 */
function activeSegment(segments, realMs) {
  for (let i = segments.length - 1; i >= 0; i -= 1) {
    const segment = segments[i];
    if (segment.fromRealMs <= realMs) return segment;
  }
  return undefined;
}

/**
 * Patches this thread's (or process's) Date and AbortSignal.timeout to the scaled clock; returns
 * a function that adds a segment (announced by the bench through the local mode).
 * @param {readonly ClockSegment[]} [initial]
 * @returns {(segment: ClockSegment) => void}
 */
function installClockWarp(initial = []) {
  const RealDate = globalThis.Date;
  const realNow = RealDate.now.bind(RealDate);
  const realTimeout = AbortSignal.timeout.bind(AbortSignal);
  /** @type {ClockSegment[]} */
  const segments = [...initial];
  const now = () => Math.floor(warpedTime(segments, realNow()));
  globalThis.Date = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      return args.length === 0
        ? Reflect.construct(target, [now()], newTarget)
        : Reflect.construct(target, args, newTarget);
    },
    apply() {
      // Date() called as a function gives the current time as a string.
      return new RealDate(now()).toString();
    },
    get(target, property, receiver) {
      if (property === 'now') return now;
      return Reflect.get(target, property, receiver);
    },
  });
  AbortSignal.timeout = (ms) => realTimeout(Math.max(1, Math.ceil(ms / warpedRate(segments, realNow()))));
  return (segment) => {
    segments.push(segment);
  };
}

module.exports = { warpedTime, warpedRate, nextSegment, installClockWarp };
