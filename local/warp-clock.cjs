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
// - `AbortSignal.timeout(ms)` times out when the scaled clock has moved `ms` (a platform call's 10 s
//   timeout is 1 s of real time at 10x), whatever rates it runs at meanwhile: a signal made at 10x
//   that is pending when the clock returns to real time still times out 10 s after it was made on
//   the clock (until the fifth round of ADR 0022 it kept the real delay of the rate it was made at,
//   and fired up to 9 clock seconds early after a change).
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
 * The real epoch ms at which the clock reads `clockMs` (the first moment it does; the clock never
 * goes back): the inverse of `warpedTime`, through every segment, the last one extended.
 * @param {readonly ClockSegment[]} segments oldest first
 * @param {number} clockMs
 * @returns {number}
 */
function realTimeAt(segments, clockMs) {
  const first = segments[0];
  if (first === undefined || clockMs <= first.clockAtFromMs) return clockMs;
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i];
    const next = segments[i + 1];
    if (next === undefined || clockMs <= next.clockAtFromMs) {
      return segment.fromRealMs + (clockMs - segment.clockAtFromMs) / segment.rate;
    }
  }
  return clockMs;
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
  /** Signals made by AbortSignal.timeout and not yet timed out: each with its deadline on the clock. */
  /** @type {Set<{ controller: AbortController; deadline: number; timer?: NodeJS.Timeout }>} */
  const pending = new Set();
  /** @param {{ controller: AbortController; deadline: number; timer?: NodeJS.Timeout }} entry */
  const arm = (entry) => {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    const delay = Math.max(1, Math.ceil(realTimeAt(segments, entry.deadline) - realNow()));
    entry.timer = setTimeout(() => {
      pending.delete(entry);
      entry.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, delay);
    // Like Node's own AbortSignal.timeout, the timer does not keep the process alive.
    entry.timer.unref();
  };
  AbortSignal.timeout = (ms) => {
    const entry = { controller: new AbortController(), deadline: warpedTime(segments, realNow()) + ms };
    pending.add(entry);
    arm(entry);
    return entry.controller.signal;
  };
  return (segment) => {
    segments.push(segment);
    // The deadlines stay on the clock: their real delays follow the new rate from its moment on.
    for (const entry of pending) arm(entry);
  };
}

module.exports = { warpedTime, warpedRate, nextSegment, realTimeAt, installClockWarp };
