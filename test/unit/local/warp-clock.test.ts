/**
 * The local mode's scaled clock (local/warp-clock.cjs): segment arithmetic, and what installing it
 * changes in a process (Date.now, new Date(), AbortSignal.timeout) and what it leaves alone. It
 * patches globals, so each case runs in a fresh Node process and reports JSON.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

jest.setTimeout(30_000);

const MODULE = pathToFileURL(join(__dirname, '..', '..', '..', 'local', 'warp-clock.cjs')).href;

/** Runs `body` (an async function body with the module as `warp`) in a fresh process; its JSON result. */
function inProcess<T>(body: string): T {
  const script = `const warp = await import(${JSON.stringify(MODULE)});
const result = await (async () => { ${body} })();
process.stdout.write(JSON.stringify(result));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out) as T;
}

describe('segments', () => {
  it('reads real time before the first segment, and rate x real time since a segment started', () => {
    const result = inProcess<number[]>(`
      const segments = [
        { fromRealMs: 1000, clockAtFromMs: 1000, rate: 10 },
        { fromRealMs: 2000, clockAtFromMs: 11000, rate: 1 },
      ];
      return [500, 1000, 1500, 2000, 2500].map((real) => warp.warpedTime(segments, real))
        .concat([500, 1500, 2500].map((real) => warp.warpedRate(segments, real)));`);
    expect(result).toEqual([500, 1000, 6000, 11000, 11500, 1, 10, 1]);
  });

  it('continues from where the clock stands: it never jumps or goes back at a change of rate', () => {
    const result = inProcess<{ next: unknown; before: number; after: number }>(`
      const segments = [{ fromRealMs: 0, clockAtFromMs: 0, rate: 10 }];
      const next = warp.nextSegment(segments, 1, 100);
      const all = [...segments, next];
      return { next, before: warp.warpedTime(all, 99), after: warp.warpedTime(all, 101) };`);
    expect(result.next).toEqual({ fromRealMs: 100, clockAtFromMs: 1000, rate: 1 });
    expect(result.before).toBe(990);
    expect(result.after).toBe(1001);
  });

  it('finds the real moment the clock reads a time, through every segment (the inverse of warpedTime)', () => {
    const result = inProcess<number[]>(`
      const segments = [
        { fromRealMs: 1000, clockAtFromMs: 1000, rate: 10 },
        { fromRealMs: 2000, clockAtFromMs: 11000, rate: 1 },
      ];
      return [500, 1000, 6000, 11000, 11500].map((clock) => warp.realTimeAt(segments, clock))
        .concat([warp.realTimeAt([], 700)]);`);
    expect(result).toEqual([500, 1000, 1500, 2000, 2500, 700]);
  });

  it('refuses a segment that starts before the last one, and a rate that is not positive', () => {
    const errors = inProcess<string[]>(`
      const segments = [{ fromRealMs: 100, clockAtFromMs: 100, rate: 2 }];
      const attempt = (f) => { try { f(); return 'none'; } catch (e) { return e.message; } };
      return [
        attempt(() => warp.nextSegment(segments, 1, 50)),
        attempt(() => warp.nextSegment(segments, 0, 200)),
        attempt(() => warp.nextSegment(segments, Number.NaN, 200)),
      ];`);
    expect(errors[0]).toMatch(/after the last one/);
    expect(errors[1]).toMatch(/positive/);
    expect(errors[2]).toMatch(/positive/);
  });
});

describe('installClockWarp', () => {
  it('moves Date.now and new Date() onto the clock, and leaves dates built from a value alone', () => {
    const result = inProcess<Record<string, number | boolean>>(`
      const before = new Date(1234);
      const realNow = Date.now();
      const add = warp.installClockWarp();
      const unwarped = Date.now() - realNow;
      add({ fromRealMs: realNow, clockAtFromMs: realNow, rate: 10 });
      const startReal = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const realMs = performance.now() - startReal;
      const aheadMs = Date.now() - (realNow + realMs);
      const made = new Date();
      return {
        unwarped,
        aheadRatio: aheadMs / (9 * realMs),
        newDateAgrees: Math.abs(made.getTime() - Date.now()) < 50,
        fromValue: new Date(86_400_000).getTime(),
        fromString: new Date('2026-01-01T00:00:00.000Z').getTime(),
        utc: Date.UTC(2026, 0, 1),
        oldIsDate: before instanceof Date,
        newIsDate: made instanceof Date,
        iso: typeof made.toISOString() === 'string',
        called: typeof Date() === 'string',
      };`);
    expect(result.unwarped).toBeLessThan(50);
    // 10x: after ~300 real ms the clock is ~2,700 ms ahead (the timer's lateness aside).
    expect(result.aheadRatio).toBeGreaterThan(0.9);
    expect(result.aheadRatio).toBeLessThan(1.1);
    expect(result).toMatchObject({
      newDateAgrees: true,
      fromValue: 86_400_000,
      fromString: Date.UTC(2026, 0, 1),
      utc: Date.UTC(2026, 0, 1),
      oldIsDate: true,
      newIsDate: true,
      iso: true,
      called: true,
    });
  });

  it('times AbortSignal.timeout on the clock', () => {
    const result = inProcess<{ fastMs: number; realMs: number }>(`
      const add = warp.installClockWarp();
      // AbortSignal.timeout's timer does not keep a process alive: this one does meanwhile.
      const aborted = (ms) => new Promise((resolve) => {
        const started = performance.now();
        const alive = setTimeout(() => resolve(Number.POSITIVE_INFINITY), 5000);
        AbortSignal.timeout(ms).addEventListener('abort', () => {
          clearTimeout(alive);
          resolve(performance.now() - started);
        });
      });
      const realMs = await aborted(200);
      add({ fromRealMs: Date.now(), clockAtFromMs: Date.now(), rate: 10 });
      const fastMs = await aborted(2000);
      return { fastMs, realMs };`);
    // 2,000 clock ms at 10x: about 200 real ms, like 200 ms before the clock ran faster.
    expect(result.realMs).toBeGreaterThanOrEqual(195);
    expect(result.fastMs).toBeGreaterThanOrEqual(195);
    expect(result.fastMs).toBeLessThan(1000);
  });

  it('keeps a pending AbortSignal.timeout on the clock when the rate changes before it fires', () => {
    const result = inProcess<{ realMs: number; clockMs: number; reason: string }>(`
      const add = warp.installClockWarp();
      const start = Date.now();
      add({ fromRealMs: start, clockAtFromMs: start, rate: 10 });
      const startedReal = performance.now();
      const startedClock = Date.now();
      const alive = setTimeout(() => undefined, 5000);
      const signal = AbortSignal.timeout(4000);
      // 100 real ms at 10x (1,000 clock ms), then real time: 3,000 clock ms are left, 3,000 real ms.
      const back = start + 100;
      add({ fromRealMs: back, clockAtFromMs: warp.warpedTime([{ fromRealMs: start, clockAtFromMs: start, rate: 10 }], back), rate: 1 });
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      clearTimeout(alive);
      return { realMs: performance.now() - startedReal, clockMs: Date.now() - startedClock, reason: signal.reason.name };`);
    // Made at 10x it kept its 4,000 clock ms: about 100 + 3,000 real ms (it used to fire after 400 real ms).
    expect(result.clockMs).toBeGreaterThanOrEqual(3990);
    expect(result.clockMs).toBeLessThan(4500);
    expect(result.realMs).toBeGreaterThan(3000);
    expect(result.realMs).toBeLessThan(3600);
    expect(result.reason).toBe('TimeoutError');
  });
});
