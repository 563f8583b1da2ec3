/**
 * Row validation, the same rules as POST /v1/reviews (the reviews capability's schema and limits):
 * a CSV row of the documented template (docs/imports.md) or a JSON line becomes either a review to
 * import, with a deterministic external id, or a reason to reject it.
 */
import { deterministicId } from '../../shared/ids';
import { codePointLength, normaliseText, textProblem } from '../../shared/text';
import { LIMITS, submitReviewBody, type Platform } from '../../reviews';

/** The template's columns, in the documented order. */
export const CSV_COLUMNS = [
  'date',
  'rating',
  'author',
  'title',
  'text',
  'reply',
  'reply_date',
  'source_url',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

export const REQUIRED_CSV_COLUMNS: readonly CsvColumn[] = ['date', 'rating', 'author', 'text'];

/** Header names also accepted for a column (compared after lower-casing, spaces and dashes as `_`). */
const ALIASES: Readonly<Record<string, CsvColumn>> = {
  reviewer: 'author',
  reviewer_name: 'author',
  review: 'text',
  body: 'text',
  vendor_reply: 'reply',
  response: 'reply',
  response_date: 'reply_date',
  url: 'source_url',
};

const canonical = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

export type HeaderResult =
  | { readonly ok: true; readonly columns: (CsvColumn | null)[]; readonly ignored: string[] }
  | { readonly ok: false; readonly reason: string };

/** Maps the header row to template columns: required ones present, none twice, others ignored. */
export function readHeader(header: readonly string[]): HeaderResult {
  const columns: (CsvColumn | null)[] = [];
  const ignored: string[] = [];
  const seen = new Set<CsvColumn>();
  for (const raw of header) {
    const name = canonical(raw);
    const column = (CSV_COLUMNS as readonly string[]).includes(name) ? (name as CsvColumn) : ALIASES[name];
    if (column === undefined) {
      columns.push(null);
      if (raw.trim() !== '') ignored.push(raw.trim().slice(0, 100));
      continue;
    }
    if (seen.has(column)) return { ok: false, reason: `the header names the column "${column}" twice` };
    seen.add(column);
    columns.push(column);
  }
  const missing = REQUIRED_CSV_COLUMNS.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    return {
      ok: false,
      reason:
        `missing header row or required columns: ${missing.join(', ')} ` +
        `(the first row must name the columns: ${CSV_COLUMNS.join(',')})`,
    };
  }
  return { ok: true, columns, ignored };
}

/** A review ready to be queued for ingestion. */
export interface ImportedReview {
  readonly rating: number;
  readonly title: string;
  readonly body: string;
  readonly reviewerName: string;
  readonly platform: Platform;
  readonly externalId: string;
  readonly submittedAt: string;
  /** A JSON line without submittedAt: the receipt time stands in (as for POST /v1/reviews). */
  readonly submittedAtDefaulted?: true;
  /** The supplier's reply on the platform (CSV `reply`, `reply_date`), stored as the review's reply. */
  readonly reply?: { readonly comment: string; readonly repliedAt?: string };
}

export type RowResult =
  { readonly ok: true; readonly review: ImportedReview } | { readonly ok: false; readonly reason: string };

const reject = (reason: string): RowResult => ({ ok: false, reason: reason.slice(0, 500) });

/** Characters of the text that go into the external id (PLATFORMS.md §4: date, author, first N). */
export const EXTERNAL_ID_TEXT_CHARS = 200;

/**
 * There is no stable id on these platforms: a hash of (date, author, first 200 characters of the
 * text), after the same normalisation the review gets, so the same review in two exports (or the
 * same file imported twice) gets the same id, and so the same review id.
 */
export function externalIdFor(submittedAt: string, author: string, text: string): string {
  const head = Array.from(text).slice(0, EXTERNAL_ID_TEXT_CHARS).join('');
  return deterministicId('imp', ['import-v1', submittedAt, author, head]);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const EARLIEST = Date.UTC(2000, 0, 1);
/** A time zone ahead of UTC (up to +14:00) may already be in tomorrow. */
const FUTURE_TOLERANCE_MS = 24 * 3_600_000;

/** A review date: `YYYY-MM-DD` (a UTC day) or an RFC 3339 date-time; a real date, not in the future. */
export function parseReviewDate(
  value: string,
  now: Date,
): { ok: true; iso: string } | { ok: false; reason: string } {
  const trimmed = value.trim();
  if (trimmed === '') return { ok: false, reason: 'is empty' };
  let ms: number;
  const dateOnly = DATE_ONLY.exec(trimmed);
  if (dateOnly) {
    const [year, month, day] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    ms = Date.UTC(year, month - 1, day);
    const check = new Date(ms);
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      return { ok: false, reason: `"${trimmed.slice(0, 40)}" is not a calendar date` };
    }
  } else if (DATE_TIME.test(trimmed)) {
    ms = Date.parse(trimmed);
    const day = DATE_ONLY.exec(trimmed.slice(0, 10));
    const check = new Date(Date.UTC(Number(day?.[1]), Number(day?.[2]) - 1, Number(day?.[3])));
    if (Number.isNaN(ms) || check.getUTCDate() !== Number(day?.[3])) {
      return { ok: false, reason: `"${trimmed.slice(0, 40)}" is not a valid date-time` };
    }
  } else {
    return {
      ok: false,
      reason: `"${trimmed.slice(0, 40)}" is not a date: use YYYY-MM-DD (or an ISO 8601 date-time)`,
    };
  }
  if (ms < EARLIEST) return { ok: false, reason: 'is before 2000-01-01' };
  if (ms > now.getTime() + FUTURE_TOLERANCE_MS) return { ok: false, reason: 'is in the future' };
  return { ok: true, iso: new Date(ms).toISOString() };
}

/** A star rating written as 1-5 (also "5.0"). */
export function parseRating(value: string): number | undefined {
  const match = /^\s*([1-5])(\.0+)?\s*$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** The review fields of the body schema, named as the file names them. */
const CSV_FIELD_NAMES: Readonly<Record<string, string>> = {
  rating: 'rating',
  title: 'title',
  body: 'text',
  reviewerName: 'author',
  submittedAt: 'date',
  externalId: 'externalId',
  platform: 'platform',
};

/** Validated with the very schema of POST /v1/reviews; the first problem, named by its field. */
function validateBody(
  candidate: Record<string, unknown>,
  names: Readonly<Record<string, string>>,
): RowResult {
  const result = submitReviewBody().safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? 'row');
    return reject(`${names[field] ?? field}: ${issue?.message ?? 'invalid'}`);
  }
  const body = result.data;
  return {
    ok: true,
    review: {
      rating: body.rating,
      title: body.title,
      body: body.body,
      reviewerName: body.reviewerName,
      platform: body.platform!,
      externalId: body.externalId!,
      submittedAt: body.submittedAt!,
    },
  };
}

const INVALID_UTF8 = '\uFFFD';
const URL_MAX = 2048;

/** Normalised text for the id (the schema normalises the same way); undefined when not text. */
const normalised = (value: string): string | undefined =>
  textProblem(value) === undefined ? normaliseText(value) : undefined;

/** A title for a review whose file gives none: the start of its text, cut at a word. */
export function titleFromText(text: string): string {
  const firstLine = text.split('\n')[0]?.trim() ?? '';
  const chars = Array.from(firstLine);
  if (chars.length <= 60) return firstLine;
  const cut = chars.slice(0, 60).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > 20 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** One CSV data row (the header already mapped to `columns`). */
export function validateCsvRow(
  fields: readonly string[],
  columns: readonly (string | null)[],
  platform: Platform,
  now: Date,
): RowResult {
  if (fields.length !== columns.length) {
    return reject(`has ${fields.length} fields where the header has ${columns.length}`);
  }
  const row: Partial<Record<CsvColumn, string>> = {};
  columns.forEach((column, index) => {
    if (column !== null) row[column as CsvColumn] = fields[index] ?? '';
  });
  for (const [column, value] of Object.entries(row)) {
    if (value.includes(INVALID_UTF8)) return reject(`${column}: is not valid UTF-8 (save the file as UTF-8)`);
  }
  const date = parseReviewDate(row.date ?? '', now);
  if (!date.ok) return reject(`date: ${date.reason}`);
  const rating = parseRating(row.rating ?? '');
  if (rating === undefined) {
    return reject(`rating: "${(row.rating ?? '').trim().slice(0, 20)}" is not a whole number from 1 to 5`);
  }
  const extra = validateExtras(row, now);
  if (extra) return reject(extra);
  const author = row.author ?? '';
  const text = row.text ?? '';
  const normalisedText = normalised(text);
  const title =
    (row.title ?? '').trim() === '' && normalisedText ? titleFromText(normalisedText) : (row.title ?? '');
  const normalisedAuthor = normalised(author);
  const result = validateBody(
    {
      rating,
      title,
      body: text,
      reviewerName: author,
      platform,
      // Only used when author and text are valid text; otherwise the schema rejects the row anyway.
      externalId: externalIdFor(date.iso, normalisedAuthor ?? '', normalisedText ?? ''),
      submittedAt: date.iso,
    },
    CSV_FIELD_NAMES,
  );
  const reply = replyOf(row, now);
  return result.ok && reply ? { ok: true, review: { ...result.review, reply } } : result;
}

/** A row's reply (already checked by validateExtras), normalised as review text; none when empty. */
function replyOf(row: Partial<Record<CsvColumn, string>>, now: Date): ImportedReview['reply'] | undefined {
  const comment = normaliseText(row.reply ?? '');
  if (comment === '') return undefined;
  const date = (row.reply_date ?? '').trim();
  const parsed = date === '' ? undefined : parseReviewDate(date, now);
  return { comment, ...(parsed?.ok ? { repliedAt: parsed.iso } : {}) };
}

/**
 * The columns beside the review: reply and reply date (stored as the review's reply) and source
 * URL (checked, not stored), so a bad file is reported, not stored (docs/imports.md).
 */
function validateExtras(row: Partial<Record<CsvColumn, string>>, now: Date): string | undefined {
  const reply = row.reply ?? '';
  if (reply !== '') {
    const problem = textProblem(reply);
    if (problem) return `reply: ${problem}`;
    if (codePointLength(normaliseText(reply)) > LIMITS.reviewBody) {
      return `reply: is longer than ${LIMITS.reviewBody} characters`;
    }
  }
  const replyDate = (row.reply_date ?? '').trim();
  if (replyDate !== '') {
    const parsed = parseReviewDate(replyDate, now);
    if (!parsed.ok) return `reply_date: ${parsed.reason}`;
  }
  const url = (row.source_url ?? '').trim();
  if (url !== '') {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.protocol !== 'https:' || url.length > URL_MAX) {
      return `source_url: must be an https URL of at most ${URL_MAX} characters`;
    }
  }
  return undefined;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const JSON_FIELD_NAMES: Readonly<Record<string, string>> = {};

/**
 * One JSON line: an object with the fields of POST /v1/reviews (rating, title, body, reviewerName,
 * submittedAt?) plus platform? (default: the import's) and externalId? (default: the hash above).
 */
export function validateJsonLine(line: string, platform: Platform, now: Date): RowResult {
  let forbidden: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(line, (key, v: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden = key;
      return v;
    });
  } catch (error) {
    return reject(`not valid JSON: ${(error as Error).message}`.slice(0, 200));
  }
  if (forbidden !== undefined) return reject(`the key "${forbidden}" is not allowed`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('each line must be one JSON object');
  }
  const object = value as Record<string, unknown>;
  let submittedAt = object.submittedAt;
  let defaulted = false;
  if (submittedAt === undefined) {
    submittedAt = now.toISOString();
    defaulted = true;
  } else if (typeof submittedAt === 'string') {
    const parsed = parseReviewDate(submittedAt, now);
    if (!parsed.ok) return reject(`submittedAt: ${parsed.reason}`);
    submittedAt = parsed.iso;
  }
  const idDate = defaulted ? '' : String(submittedAt);
  const externalId =
    object.externalId ??
    (typeof object.reviewerName === 'string' && typeof object.body === 'string'
      ? externalIdFor(idDate, normalised(object.reviewerName) ?? '', normalised(object.body) ?? '')
      : 'missing');
  const result = validateBody(
    { ...object, platform: object.platform ?? platform, externalId, submittedAt },
    JSON_FIELD_NAMES,
  );
  if (!result.ok || !defaulted) return result;
  return { ok: true, review: { ...result.review, submittedAtDefaulted: true } };
}
