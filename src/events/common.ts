/** Field schemas shared by the inbound and outbound event catalogues. */
import * as z from '../shared/zod';
import { text } from '../shared/text';

/** The review platforms a review can come from (ours is `wedsync`). */
export const PLATFORMS = [
  'wedsync',
  'google',
  'facebook',
  'weddingwire',
  'theknot',
  'bridebook',
  'hitched',
  'yelp',
  'trustpilot',
] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Lengths of a review's text fields, the same in the API and in producer events. */
export const REVIEW_TEXT_LIMITS = { title: 200, reviewBody: 10_000, name: 120, externalId: 200 } as const;
const LIMITS = REVIEW_TEXT_LIMITS;

/** Identifiers from other WedSync services: opaque, 1..128 characters, no whitespace. */
export const externalRef = () =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(128),
      z.regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'),
    );

/** RFC 3339 date-time with seconds and an offset (`Z` or `+02:00`). */
export const dateTime = () => z.iso.datetime({ offset: true });
/** Calendar date `YYYY-MM-DD`. */
export const calendarDate = () => z.iso.date();

export const platform = () => z.enum(PLATFORMS);
export const rating = () => z.number().check(z.int(), z.gte(1), z.lte(5));
export const reviewTitle = () => text({ max: LIMITS.title });
export const reviewBody = () => text({ max: LIMITS.reviewBody });
export const reviewerName = () => text({ max: LIMITS.name });

/**
 * Active ISO 4217 currency codes (list one), without fund, precious-metal, testing and
 * "no currency" codes. Both codes are kept where a currency is being replaced (ANG/XCG,
 * SLL/SLE, ZWL/ZWG).
 */
// prettier-ignore
export const CURRENCIES = [
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN',
  'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF',
  'CLP', 'CNY', 'COP', 'CRC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB',
  'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG',
  'HUF', 'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES', 'KGS', 'KHR', 'KMF',
  'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA',
  'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO',
  'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD',
  'RUB', 'RWF', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SLL', 'SOS', 'SRD', 'SSP',
  'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TND', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH',
  'UGX', 'USD', 'UYU', 'UZS', 'VED', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XCG', 'XOF', 'XPF',
  'YER', 'ZAR', 'ZMW', 'ZWG', 'ZWL',
] as const;
export type Currency = (typeof CURRENCIES)[number];
export const currency = () => z.enum(CURRENCIES).check(z.describe('ISO 4217 currency code'));

/** The budget categories, in the order the WedSync app shows them. */
export const BUDGET_CATEGORIES = [
  'venue',
  'catering',
  'photography',
  'videography',
  'flowers',
  'music-and-entertainment',
  'attire',
  'hair-and-makeup',
  'rings-and-jewellery',
  'stationery',
  'cake',
  'decor-and-hire',
  'transport',
  'accommodation',
  'officiant-and-ceremony',
  'planner',
  'favours-and-gifts',
  'other',
] as const;
export type BudgetCategory = (typeof BUDGET_CATEGORIES)[number];
export const budgetCategory = () => z.enum(BUDGET_CATEGORIES);

/** Largest amount accepted (per expense or allocation), in major units. */
export const MAX_AMOUNT = 1_000_000_000_000;
/** Decimal places kept for amounts. */
export const AMOUNT_SCALE = 6;

const POSITIVE_DECIMAL = /^(?!0+(?:\.0+)?$)(?:0|[1-9]\d{0,12})(?:\.\d{1,6})?$/;
const NON_NEGATIVE_DECIMAL = /^(?:0|[1-9]\d{0,12})(?:\.\d{1,6})?$/;

/**
 * A money amount > 0 in major units: a decimal string (`"1250.50"`, exact; preferred) or a JSON
 * number (`1250.5`), at most 6 decimal places.
 */
export const positiveAmount = () =>
  z.union([
    z.string().check(z.regex(POSITIVE_DECIMAL, 'a decimal amount greater than 0, e.g. "1250.50"')),
    z
      .number()
      .check(z.positive(), z.lte(MAX_AMOUNT), z.refine(hasAtMostSixDecimals, 'at most 6 decimal places')),
  ]);

/** A money amount >= 0 (allocations may be zero). */
export const nonNegativeAmount = () =>
  z.union([
    z.string().check(z.regex(NON_NEGATIVE_DECIMAL, 'a decimal amount of 0 or more, e.g. "5000.00"')),
    z.number().check(z.gte(0), z.lte(MAX_AMOUNT), z.refine(hasAtMostSixDecimals, 'at most 6 decimal places')),
  ]);

/** Outbound amounts are always normalised decimal strings (no float rounding for consumers). */
export const decimalString = () =>
  z
    .string()
    .check(z.regex(NON_NEGATIVE_DECIMAL, 'a decimal string, e.g. "1250.5"'), z.describe('decimal amount'));

export type AmountInput = string | number;

function hasAtMostSixDecimals(value: number): boolean {
  const micros = value * 1e6;
  return Math.abs(micros - Math.round(micros)) < 1e-6;
}

const SCALE = 10n ** BigInt(AMOUNT_SCALE);

/** An amount as an exact integer number of millionths. Throws on anything that is not a valid amount. */
export function toMicros(amount: AmountInput): bigint {
  let text: string;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`invalid amount ${amount}`);
    text = amount.toFixed(AMOUNT_SCALE);
  } else {
    text = amount;
  }
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!match) throw new RangeError(`invalid amount ${JSON.stringify(amount)}`);
  const whole = BigInt(match[1] ?? '0');
  const fraction = BigInt((match[2] ?? '').padEnd(AMOUNT_SCALE, '0'));
  return whole * SCALE + fraction;
}

/** Millionths back to the shortest decimal string: 1250500000n -> "1250.5". */
export function fromMicros(micros: bigint): string {
  if (micros < 0n) throw new RangeError('negative amount');
  const whole = micros / SCALE;
  const fraction = (micros % SCALE).toString().padStart(AMOUNT_SCALE, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** Normalise an amount to its decimal-string form. */
export const normaliseAmount = (amount: AmountInput): string => fromMicros(toMicros(amount));
