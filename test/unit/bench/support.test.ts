/** The bench's pure helpers: the phase selector, the quota floor, the cool-down and the target gap. */
import {
  BENCH_PHASES,
  coolDownAfterOutageMs,
  describeTarget,
  firstAtOrAfter,
  quotaFloorSeconds,
  selectPhases,
  targetGap,
} from '../../../bench/support';
import { PLATFORM_BREAKER_CONFIG } from '../../../src/platforms/domain/platform-breaker';
import { QUOTA_POLICIES } from '../../../src/platforms/domain/quota-policy';

describe('selectPhases', () => {
  it('runs every phase when none is named', () => {
    expect(selectPhases([], undefined)).toEqual([...BENCH_PHASES]);
    expect(selectPhases([], ' ')).toEqual([...BENCH_PHASES]);
  });

  it('takes --phases= over BENCH_PHASES, and keeps the run order whatever the order named', () => {
    expect(selectPhases(['--phases=platform-outages,platform-sync'], 'latency')).toEqual([
      'platform-sync',
      'platform-outages',
    ]);
    expect(selectPhases([], 'webhooks, latency')).toEqual(['latency', 'webhooks']);
  });

  it('refuses an unknown phase rather than silently running nothing', () => {
    expect(() => selectPhases(['--phases=platform-synk'], undefined)).toThrow(
      /unknown bench phase.*platform-synk/,
    );
    expect(() => selectPhases(['--phases=,'], undefined)).toThrow(/unknown bench phase/);
  });
});

describe('quotaFloorSeconds', () => {
  const app = { capacity: 5, refillPerSecond: 5 };
  const location = { capacity: 5, refillPerSecond: 1 };

  it('is zero while the calls fit in the full buckets', () => {
    expect(quotaFloorSeconds(app, location, [3, 2])).toBe(0);
  });

  it('is bound by the app bucket for many locations, by a location bucket for one busy location', () => {
    // 4 x 9 = 36 calls: (36 - 5) / 5 = 6.2 s on the app bucket; (9 - 5) / 1 = 4 s per location.
    expect(quotaFloorSeconds(app, location, [9, 9, 9, 9])).toBeCloseTo(6.2);
    // One location with 20 calls: (20 - 5) / 1 = 15 s, the app allows (20 - 5) / 5 = 3 s.
    expect(quotaFloorSeconds(app, location, [20])).toBe(15);
  });

  it('reads the documented policies (Google: 36 listing calls over 4 locations need 6.2 s)', () => {
    const google = QUOTA_POLICIES.google;
    expect(quotaFloorSeconds(google.app, google.location, [9, 9, 9, 9])).toBeCloseTo(6.2);
  });
});

describe('coolDownAfterOutageMs', () => {
  it('follows the platform breaker: 1/20 of the outage, at least 1 s, at most 60 s', () => {
    expect(coolDownAfterOutageMs(PLATFORM_BREAKER_CONFIG, 5_000)).toBe(1_000);
    expect(coolDownAfterOutageMs(PLATFORM_BREAKER_CONFIG, 30_000)).toBe(1_500);
    expect(coolDownAfterOutageMs(PLATFORM_BREAKER_CONFIG, 300_000)).toBe(15_000);
    expect(coolDownAfterOutageMs(PLATFORM_BREAKER_CONFIG, 3_600_000)).toBe(60_000);
  });
});

describe('firstAtOrAfter', () => {
  it('finds the earliest time not before the bound, in any order', () => {
    expect(firstAtOrAfter([50, 120, 100, 99], 100)).toBe(100);
    expect(firstAtOrAfter([50, 99], 100)).toBeUndefined();
  });
});

describe('targetGap', () => {
  it('says by how much an at-least target is met or missed', () => {
    expect(targetGap(0.82, { atLeast: 0.7 })).toEqual({ met: true, text: 'met by 0.12' });
    expect(targetGap(0.62, { atLeast: 0.7 })).toEqual({ met: false, text: 'missed by 0.08' });
    expect(targetGap(0.7, { atLeast: 0.7 }).met).toBe(true);
  });

  it('treats a below target as strict, and a missing measure as missed', () => {
    expect(targetGap(3.2, { below: 5 })).toEqual({ met: true, text: 'met by 1.8' });
    expect(targetGap(5, { below: 5 }).met).toBe(false);
    expect(targetGap(7.5, { below: 5 })).toEqual({ met: false, text: 'missed by 2.5' });
    expect(targetGap(Number.NaN, { below: 5 })).toEqual({ met: false, text: 'not measured' });
  });

  it('treats an at-most target as inclusive', () => {
    expect(targetGap(250, { atMost: 250 })).toEqual({ met: true, text: 'met by 0' });
    expect(targetGap(260, { atMost: 250 })).toEqual({ met: false, text: 'missed by 10' });
  });

  it('prints targets as the tables do', () => {
    expect(describeTarget({ atLeast: 0.7 })).toBe('>= 0.7');
    expect(describeTarget({ below: 5 })).toBe('< 5');
    expect(describeTarget({ atMost: 250 })).toBe('<= 250');
  });
});
