/** The bench's run-time clock: each stretch's wall time, the whole run's, and its gap to 5 minutes. */
import { RUN_TIME_TARGET_SECONDS, RunClock, runTimeRows } from '../../../bench/run-time';

/** A clock the test moves by hand (milliseconds since the process started). */
function manualTime(startMs = 0) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
}

describe('RunClock', () => {
  it('records each stretch in the order it ended, and the time outside them', async () => {
    const time = manualTime(1_500); // the process had run 1.5 s (loading) before the first stretch
    const clock = new RunClock(time.now);
    const value = await clock.time('bundles', async () => {
      time.advance(40_000);
      return 'built';
    });
    time.advance(250); // printing between stretches
    const started = time.now();
    time.advance(12_340);
    clock.record('baseline', started);

    expect(value).toBe('built');
    const summary = clock.summary();
    expect(summary.stretches).toEqual([
      { name: 'bundles', seconds: 40 },
      { name: 'baseline', seconds: 12.3 },
    ]);
    expect(summary.totalSeconds).toBe(54.1);
    expect(summary.otherSeconds).toBe(1.8);
    expect(summary.targetSeconds).toBe(RUN_TIME_TARGET_SECONDS);
    expect(summary.gap).toBe('met by 245.9');
  });

  it('records a stretch that failed, and lets its error through', async () => {
    const time = manualTime();
    const clock = new RunClock(time.now);
    await expect(
      clock.time('query-100k', async () => {
        time.advance(3_000);
        throw new Error('no stack');
      }),
    ).rejects.toThrow('no stack');
    expect(clock.summary().stretches).toEqual([{ name: 'query-100k', seconds: 3 }]);
  });

  it('prints a run over the 5 minutes as missed, by how much', async () => {
    const time = manualTime();
    const clock = new RunClock(time.now);
    await clock.time('realtime', async () => time.advance(310_000));
    const summary = clock.summary();
    expect(summary.gap).toBe('missed by 10');
    expect(runTimeRows(summary)).toEqual([
      ['realtime', '310', '', ''],
      ['(loading, printing, between stretches)', '0', '', ''],
      ['whole run', '310', '< 300', 'missed by 10'],
    ]);
  });
});
