/** Types of local/warp-clock.cjs (plain JavaScript: the function threads and the SQS emulator's process load it). */
export interface ClockSegment {
  readonly fromRealMs: number;
  readonly clockAtFromMs: number;
  readonly rate: number;
}
export function warpedTime(segments: readonly ClockSegment[], realMs: number): number;
export function warpedRate(segments: readonly ClockSegment[], realMs: number): number;
export function nextSegment(
  segments: readonly ClockSegment[],
  rate: number,
  fromRealMs: number,
): ClockSegment;
export function realTimeAt(segments: readonly ClockSegment[], clockMs: number): number;
export function installClockWarp(initial?: readonly ClockSegment[]): (segment: ClockSegment) => void;
