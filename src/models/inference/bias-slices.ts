/**
 * Bias in production: agreement with star ratings and label mix per slice (platform, text
 * length, rating, supplier category), with an alarm when one slice falls well behind the rest.
 * Pure: the caller passes the window's predictions with their slice attributes. The outcome is a
 * flag for a human (an operator looks at the slice); a model never deletes or hides a review.
 */
import { expectedSentiment } from '../ml';
import type { AlarmState } from './model-alarms';

export const SLICE_DIMENSIONS = ['platform', 'length', 'rating', 'supplierCategory'] as const;
export type SliceDimension = (typeof SLICE_DIMENSIONS)[number];

export const BIAS_ALARM = {
  /** A slice's agreement this many points below the rest of the window: ALARM. */
  gapPoints: 10,
  /** Fewest rated (1-2 or 4-5 star) predictions in the slice AND in the rest before judging. */
  minRated: 30,
} as const;

export interface SlicedPrediction {
  readonly label: string;
  /** Star rating 1-5 when known. */
  readonly rating?: number;
  readonly platform: string;
  readonly supplierCategory: string;
  /** Words in the review (sliced as 1-15, 16-60, 61+). */
  readonly words: number;
}

export interface SliceReport {
  readonly dimension: SliceDimension;
  readonly slice: string;
  readonly predictions: number;
  readonly labelMix: Record<string, number>;
  readonly rated: number;
  /** Agreement with star ratings (>= 4 positive, <= 2 negative), null without rated predictions. */
  readonly agreement: number | null;
  /** Agreement of every other slice of the same dimension together. */
  readonly restAgreement: number | null;
  readonly state: AlarmState;
}

export function lengthSlice(words: number): string {
  return words <= 15 ? 'words:1-15' : words <= 60 ? 'words:16-60' : 'words:61+';
}

function sliceOf(p: SlicedPrediction, d: SliceDimension): string {
  switch (d) {
    case 'platform':
      return p.platform;
    case 'supplierCategory':
      return p.supplierCategory;
    case 'length':
      return lengthSlice(p.words);
    case 'rating':
      return p.rating === undefined ? 'stars:none' : `stars:${p.rating}`;
  }
}

/** Counts of one slice (or a whole dimension): predictions, rated ones, agreeing ones, labels. */
interface SliceCounts {
  predictions: number;
  rated: number;
  agreed: number;
  readonly labels: Map<string, number>;
}

const emptyCounts = (): SliceCounts => ({ predictions: 0, rated: 0, agreed: 0, labels: new Map() });

function count(into: SliceCounts, p: SlicedPrediction): void {
  into.predictions++;
  into.labels.set(p.label, (into.labels.get(p.label) ?? 0) + 1);
  const expected = expectedSentiment(p.rating);
  if (expected === null) return;
  into.rated++;
  if (p.label === expected) into.agreed++;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Every slice of every dimension, dimension by dimension, each dimension's slices in name order
 * (`slicesForReview` picks the ones in ALARM). One pass per dimension: a slice's rest is the
 * dimension's counts less its own (it runs after every worker batch over a window of 1,000
 * predictions; ADR 0022, "The pipeline's CPU per review").
 */
export function biasSlices(predictions: readonly SlicedPrediction[]): SliceReport[] {
  const out: SliceReport[] = [];
  for (const dimension of SLICE_DIMENSIONS) {
    const all = emptyCounts();
    const groups = new Map<string, SliceCounts>();
    for (const p of predictions) {
      const key = sliceOf(p, dimension);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = emptyCounts()));
      count(group, p);
      count(all, p);
    }
    for (const [slice, own] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const ownRate = own.rated === 0 ? null : own.agreed / own.rated;
      const restRated = all.rated - own.rated;
      const restRate = restRated === 0 ? null : (all.agreed - own.agreed) / restRated;
      const state: AlarmState =
        ownRate === null ||
        restRate === null ||
        own.rated < BIAS_ALARM.minRated ||
        restRated < BIAS_ALARM.minRated
          ? 'INSUFFICIENT_DATA'
          : (restRate - ownRate) * 100 > BIAS_ALARM.gapPoints
            ? 'ALARM'
            : 'OK';
      out.push({
        dimension,
        slice,
        predictions: own.predictions,
        labelMix: Object.fromEntries(
          [...own.labels.keys()].sort().map((l) => [l, round(own.labels.get(l)! / own.predictions)]),
        ),
        rated: own.rated,
        agreement: ownRate === null ? null : round(ownRate),
        restAgreement: restRate === null ? null : round(restRate),
        state,
      });
    }
  }
  return out;
}

/** Points the slice's agreement lies below the rest of its dimension (negative: above), 0 when unknown. */
export function sliceGapPoints(report: SliceReport): number {
  if (report.agreement === null || report.restAgreement === null) return 0;
  return Math.round((report.restAgreement - report.agreement) * 10_000) / 100;
}

/** The slices in ALARM: each goes to a human for review (nothing is removed or hidden). */
export function slicesForReview(reports: readonly SliceReport[]): SliceReport[] {
  return reports.filter((r) => r.state === 'ALARM');
}
