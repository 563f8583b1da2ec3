/**
 * The bench's view of the local mode's scaled clock (local/local-clock.ts): a change of rate
 * scheduled for a later real moment is handed to every party at once and applies at that moment,
 * and `realAt` finds the real moment at which the clock will read a given time. The parties are a
 * recording `announce` here (the integration test `clock-warp` runs real threads and the SQS
 * emulator on it).
 */
import { ANNOUNCE_LEAD_MS, localClock } from '../../../local/local-clock';
import type { ClockSegment } from '../../../local/warp-clock.cjs';

function recordingClock() {
  const announced: ClockSegment[] = [];
  const clock = localClock(async (segment) => {
    announced.push(segment);
  });
  return { clock, announced };
}

it('hands a change scheduled ahead to the parties at once; it applies only at its moment', async () => {
  const { clock, announced } = recordingClock();
  const at = Date.now() + 5_000;
  const scheduled = await clock.scheduleRate(10, at);
  expect(scheduled).toEqual({ lateMs: 0, fromRealMs: at });
  expect(announced).toEqual([{ fromRealMs: at, clockAtFromMs: at, rate: 10 }]);
  // Still real time now; ten times as fast from the moment on.
  expect(clock.rate()).toBe(1);
  expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
  expect(clock.at(at + 1_000)).toBe(at + 10_000);
});

it('schedules a fast stretch and its return to real time together, ending at a chosen clock time', async () => {
  const { clock, announced } = recordingClock();
  const fastAt = Date.now() + ANNOUNCE_LEAD_MS;
  await clock.scheduleRate(10, fastAt);
  // Back in real time when the clock reads fastAt + 25 s: 2.5 real seconds into the stretch.
  const backAtClock = fastAt + 25_000;
  const back = await clock.scheduleRate(1, clock.realAt(backAtClock));
  expect(back.fromRealMs).toBe(fastAt + 2_500);
  expect(announced.map((s) => s.rate)).toEqual([10, 1]);
  expect(clock.at(back.fromRealMs)).toBe(backAtClock);
  // Never jumps: just before and after the return, 10x then 1x.
  expect(clock.at(back.fromRealMs - 100)).toBe(backAtClock - 1_000);
  expect(clock.at(back.fromRealMs + 100)).toBe(backAtClock + 100);
  // realAt inverts at for moments after the last change.
  expect(clock.realAt(backAtClock + 7_000)).toBe(back.fromRealMs + 7_000);
});

it('moves a change asked for too soon to ANNOUNCE_LEAD_MS ahead, and says when it applies', async () => {
  const { clock } = recordingClock();
  const before = Date.now();
  const scheduled = await clock.scheduleRate(10, before - 5_000);
  expect(scheduled.fromRealMs).toBeGreaterThanOrEqual(before + ANNOUNCE_LEAD_MS);
  expect(scheduled.fromRealMs).toBeLessThan(Date.now() + ANNOUNCE_LEAD_MS + 1);
  // And never before a change already scheduled.
  const later = Date.now() + 10_000;
  await clock.scheduleRate(1, later);
  expect((await clock.scheduleRate(10, Date.now() + 2_000)).fromRealMs).toBe(later);
});

it('setRate resolves once the new rate applies', async () => {
  const { clock } = recordingClock();
  const asked = Date.now();
  expect(await clock.setRate(10)).toEqual({ lateMs: 0 });
  expect(Date.now() - asked).toBeGreaterThanOrEqual(ANNOUNCE_LEAD_MS);
  expect(clock.rate()).toBe(10);
});
