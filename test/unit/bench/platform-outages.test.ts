/**
 * The outage phase's scaled clock (bench/platform-outages.ts, ADR 0022 "Bench run time, fifth
 * round"): when a fast stretch may start, when it returns to real time, and how the stretches are
 * described.
 */
import {
  describeStretches,
  fastUntilBeforeEndMs,
  REAL_TIME_BEFORE_END_MS,
  returnToRealTimeAt,
} from '../../../bench/platform-outages';
import { ANNOUNCE_LEAD_MS } from '../../../local/local-clock';

describe('the fast stretches', () => {
  it('return to real time 5 s before the outage ends, whatever the scale', () => {
    expect(REAL_TIME_BEFORE_END_MS).toBe(5_000);
    expect(returnToRealTimeAt(300_000)).toBe(295_000);
  });

  it('start only when the announcement and at least one real second at the fast rate fit before that', () => {
    // 1 s announced at 1x, then at least ANNOUNCE_LEAD_MS real at the fast rate, then 5 s of real time.
    expect(fastUntilBeforeEndMs(10)).toBe(REAL_TIME_BEFORE_END_MS + ANNOUNCE_LEAD_MS + 10 * ANNOUNCE_LEAD_MS);
    expect(fastUntilBeforeEndMs(10)).toBe(16_000);
    expect(fastUntilBeforeEndMs(20)).toBe(26_000);
  });

  it('are described in clock seconds of the phase', () => {
    expect(describeStretches({ stretches: [] })).toBe('never');
    expect(
      describeStretches({
        stretches: [
          { fromSeconds: 1.6, toSeconds: 25 },
          { fromSeconds: 39.2, toSeconds: 295 },
        ],
      }),
    ).toBe('from 1.6 s to 25 s and from 39.2 s to 295 s');
  });
});
