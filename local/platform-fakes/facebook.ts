/**
 * A fake Facebook Graph API for Pages on loopback (PLATFORMS.md §2): Pages with ratings
 * (recommendations), the `/{page-id}/ratings` edge with cursor paging, comments as replies on a
 * rating's open_graph_story, Graph error bodies (`{error:{code, error_subcode, message, type}}`).
 * - Page tokens: `server.issueToken(pageId)`; a missing, unknown or expired token answers code 190,
 *   a revoked one 190/460, a token of another Page code 200.
 * - Usage: every answer carries `X-App-Usage` and `X-Business-Use-Case-Usage` (percent of the
 *   configured budgets); over the Page budget the answer is code 32, over the app budget code 4
 *   (sent as a 403: Facebook's status is not reliable), with estimated_time_to_regain_access.
 * - Recommendations are refused with code 12 from Graph v22.0 on (or always, `ratingsRemoved`).
 * - Webhook requests (challenge GETs, signed POSTs, with escaped unicode like Facebook's) are
 *   built by `challengeRequest` and `notification`.
 * OAuth routes are mounted on `server` by others.
 */
import { createHmac } from 'node:crypto';
import type { InboundNotification } from '../../src/platforms';
import {
  FakePlatformServer,
  type FakeRequest,
  type FakeResponse,
  type FakeToken,
} from './fake-platform-server';

export interface FakeFacebookRating {
  readonly storyId: string;
  readonly pageId: string;
  recommendationType: 'positive' | 'negative';
  /** Legacy 1..5 stars (reviews from before August 2018). */
  rating?: number;
  reviewText?: string;
  readonly reviewerName: string;
  readonly createdMs: number;
}

export interface FakeFacebookComment {
  readonly id: string;
  readonly storyId: string;
  readonly fromId: string;
  readonly message: string;
}

export interface FakeFacebookOptions {
  /** Calls per Page per window before code 32 (default Facebook's 4,800 per 24 h for one engaged user). */
  readonly pageBudget?: { readonly calls: number; readonly windowMs: number };
  /** Calls per app per window before code 4 (default 200 per hour per user, for 100 users). */
  readonly appBudget?: { readonly calls: number; readonly windowMs: number };
  /** The first Graph major version that refuses recommendations with code 12 (default 22). */
  readonly recommendationsRemovedFrom?: number;
}

export type SignatureMode = 'good' | 'wrong-secret' | 'tampered' | 'missing' | 'sha1-only';

export class FakeFacebook {
  readonly server = new FakePlatformServer('facebook');
  /** Refuse recommendations with code 12 on every version (the deprecation reaching older versions). */
  ratingsRemoved = false;
  private readonly pages = new Map<string, string>();
  private readonly ratings = new Map<string, FakeFacebookRating>();
  /** Page of every rating ever added (deleted ones too: a call about one still counts for its Page). */
  private readonly pageOfStory = new Map<string, string>();
  /** Injected usage: the next `answers` answers report at least `percent` in X-App-Usage. */
  private usageFloor: { percent: number; answers: number } | undefined;
  private readonly comments = new Map<string, FakeFacebookComment>();
  private readonly pageCalls = new Map<string, number[]>();
  private readonly appCalls: number[] = [];
  private readonly pageBudget: { calls: number; windowMs: number };
  private readonly appBudget: { calls: number; windowMs: number };
  private readonly removedFrom: number;
  private nextId = 100_000_000;
  private clock = Date.parse('2026-01-01T00:00:00.000Z');

  constructor(options: FakeFacebookOptions = {}) {
    this.pageBudget = options.pageBudget ?? { calls: 4800, windowMs: 24 * 3_600_000 };
    this.appBudget = options.appBudget ?? { calls: 20_000, windowMs: 3_600_000 };
    this.removedFrom = options.recommendationsRemovedFrom ?? 22;
    const v = '(v\\d+\\.\\d+)';
    this.server
      .on('GET', new RegExp(`^/${v}/([^/]+)/ratings$`), (r, [version, page]) =>
        this.guarded(r, page as string, () => this.listRatings(r, version as string, page as string)),
      )
      .on('GET', new RegExp(`^/${v}/([^/]+)/comments$`), (r, [, story]) =>
        this.onStory(r, story as string, (rating) => this.listComments(rating)),
      )
      .on('POST', new RegExp(`^/${v}/([^/]+)/comments$`), (r, [, story]) =>
        this.onStory(r, story as string, (rating) => this.addComment(r, rating)),
      )
      .on('DELETE', new RegExp(`^/${v}/([^/]+)$`), (r, [, id]) => this.deleteComment(r, id as string));
  }

  start(): Promise<string> {
    return this.server.start();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  addPage(pageId: string, name = `Page ${pageId}`): void {
    this.pages.set(pageId, name);
  }

  /** Adds a rating, a second newer than the last; returns it (its `storyId` is the review's id). */
  addRating(
    pageId: string,
    fields: Partial<Omit<FakeFacebookRating, 'storyId' | 'pageId'>> = {},
  ): FakeFacebookRating {
    if (!this.pages.has(pageId)) this.addPage(pageId);
    this.clock += 1000;
    const rating: FakeFacebookRating = {
      storyId: String((this.nextId += 1)),
      pageId,
      recommendationType: fields.recommendationType ?? 'positive',
      ...(fields.rating !== undefined ? { rating: fields.rating } : {}),
      ...('reviewText' in fields
        ? fields.reviewText === undefined
          ? {}
          : { reviewText: fields.reviewText }
        : { reviewText: 'Wonderful photographer.' }),
      reviewerName: fields.reviewerName ?? 'Sam Smith',
      createdMs: fields.createdMs ?? this.clock,
    };
    this.ratings.set(rating.storyId, rating);
    this.pageOfStory.set(rating.storyId, pageId);
    return rating;
  }

  editRating(
    storyId: string,
    changes: Partial<Pick<FakeFacebookRating, 'recommendationType' | 'reviewText'>>,
  ): void {
    const rating = this.ratings.get(storyId);
    if (!rating) throw new Error(`no rating ${storyId}`);
    Object.assign(rating, changes);
  }

  deleteRating(storyId: string): void {
    this.ratings.delete(storyId);
  }

  /** The Page's comments (replies) on a rating. */
  repliesOf(storyId: string): FakeFacebookComment[] {
    return [...this.comments.values()].filter((c) => c.storyId === storyId);
  }

  /** Someone else's comment on a rating (a reply deletion must leave it alone). */
  addForeignComment(storyId: string, fromId: string, message: string): FakeFacebookComment {
    const comment = { id: `${storyId}_${(this.nextId += 1)}`, storyId, fromId, message };
    this.comments.set(comment.id, comment);
    return comment;
  }

  /**
   * The Page an API call is for (its ratings, or a rating's comments), or undefined for the OAuth
   * routes: rates per Page are judged by this.
   */
  locationOf(request: FakeRequest): string | undefined {
    const match = /^\/v\d+\.\d+\/([^/]+)\/(ratings|comments)$/.exec(request.path);
    if (!match) return undefined;
    return match[2] === 'ratings' ? match[1] : this.pageOfStory.get(match[1] as string);
  }

  /**
   * Makes the next `answers` answers report `percent` usage in X-App-Usage (at least): the
   * platform's "slow down" signal, without spending the budget.
   */
  reportUsage(percent: number, answers = 1): void {
    this.usageFloor = { percent, answers };
  }

  /** Calls the Page budget counted for `pageId`. */
  callsFor(pageId: string): number {
    return this.pageCalls.get(pageId)?.length ?? 0;
  }

  /** The subscription handshake Facebook sends to the callback URL. */
  challengeRequest(verifyToken: string, challenge = '1158201444', mode = 'subscribe'): InboundNotification {
    return {
      method: 'GET',
      headers: {},
      query: { 'hub.mode': mode, 'hub.verify_token': verifyToken, 'hub.challenge': challenge },
      rawBody: Buffer.alloc(0),
    };
  }

  /**
   * A Page webhook POST about ratings, serialised the way Facebook does (non-ASCII escaped as
   * \u escapes of four hex digits) and signed with `appSecret` as `mode` says. `idKey` picks the (unconfirmed) id field.
   */
  notification(
    appSecret: string,
    entries: readonly { pageId: string; storyIds: readonly string[] }[],
    mode: SignatureMode = 'good',
    idKey: 'open_graph_story_id' | 'review_id' = 'open_graph_story_id',
  ): InboundNotification {
    const body = {
      object: 'page',
      entry: entries.map(({ pageId, storyIds }) => ({
        id: pageId,
        time: Math.floor(this.clock / 1000),
        changes: storyIds.map((storyId) => {
          const rating = this.ratings.get(storyId);
          return {
            field: 'ratings',
            value: {
              item: 'rating',
              verb: 'add',
              [idKey]: storyId,
              reviewer_name: rating?.reviewerName ?? 'Zoë Brontë',
              review_text: rating?.reviewText ?? 'Très bien — 🎉',
              recommendation_type: rating?.recommendationType ?? 'positive',
            },
          };
        }),
      })),
    };
    return this.signedRequest(appSecret, escapeUnicode(JSON.stringify(body)), mode);
  }

  /** Any raw body, signed as `mode` says (malformed bodies with good signatures, for instance). */
  signedRequest(appSecret: string, rawText: string, mode: SignatureMode = 'good'): InboundNotification {
    const rawBody = Buffer.from(rawText, 'utf8');
    const sign = (secret: string, data: Buffer, algorithm = 'sha256'): string =>
      createHmac(algorithm, secret).update(data).digest('hex');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (mode === 'good') headers['x-hub-signature-256'] = `sha256=${sign(appSecret, rawBody)}`;
    if (mode === 'wrong-secret') headers['x-hub-signature-256'] = `sha256=${sign(`${appSecret}x`, rawBody)}`;
    if (mode === 'tampered') {
      headers['x-hub-signature-256'] =
        `sha256=${sign(appSecret, Buffer.concat([rawBody, Buffer.from(' ')]))}`;
    }
    if (mode === 'sha1-only') headers['x-hub-signature'] = `sha1=${sign(appSecret, rawBody, 'sha1')}`;
    return { method: 'POST', headers, query: {}, rawBody };
  }

  /** Token checks, then the usage budgets; every answer carries the usage headers. */
  private guarded(request: FakeRequest, pageId: string, route: () => FakeResponse): FakeResponse {
    const auth = this.server.bearer(request);
    if (!auth.ok) return tokenError(auth.reason);
    if (!this.pages.has(pageId))
      return graphError(404, 100, 'Unsupported get request. Object does not exist', 33);
    if (auth.token.subject !== pageId) return pageTokenError(auth.token);
    const now = Date.now();
    const pageCalls = prune(this.pageCalls.get(pageId) ?? [], now, this.pageBudget.windowMs);
    this.pageCalls.set(pageId, pageCalls);
    prune(this.appCalls, now, this.appBudget.windowMs);
    const overPage = pageCalls.length >= this.pageBudget.calls;
    const overApp = this.appCalls.length >= this.appBudget.calls;
    if (!overPage && !overApp) {
      pageCalls.push(now);
      this.appCalls.push(now);
    }
    const headers = this.usageHeaders(pageId, pageCalls, now);
    if (overApp) return { ...graphError(403, 4, 'Application request limit reached'), headers };
    if (overPage) return { ...graphError(400, 32, 'Page request limit reached'), headers };
    const response = route();
    return { ...response, headers: { ...response.headers, ...headers } };
  }

  private usageHeaders(pageId: string, pageCalls: readonly number[], now: number): Record<string, string> {
    const pagePct = Math.min(100, Math.round((pageCalls.length / this.pageBudget.calls) * 100));
    let appPct = Math.min(100, Math.round((this.appCalls.length / this.appBudget.calls) * 100));
    if (this.usageFloor && this.usageFloor.answers > 0) {
      appPct = Math.max(appPct, this.usageFloor.percent);
      this.usageFloor.answers -= 1;
    }
    const regain = (calls: readonly number[], budget: { calls: number; windowMs: number }): number =>
      calls.length >= budget.calls
        ? Math.max(1, Math.ceil(((calls[0] as number) + budget.windowMs - now) / 60_000))
        : 0;
    return {
      'x-app-usage': JSON.stringify({
        call_count: appPct,
        total_cputime: Math.floor(appPct / 2),
        total_time: Math.floor(appPct / 2),
      }),
      'x-business-use-case-usage': JSON.stringify({
        [pageId]: [
          {
            type: 'pages',
            call_count: pagePct,
            total_cputime: Math.floor(pagePct / 2),
            total_time: Math.floor(pagePct / 2),
            estimated_time_to_regain_access: Math.max(
              regain(pageCalls, this.pageBudget),
              regain(this.appCalls, this.appBudget),
            ),
          },
        ],
      }),
    };
  }

  private listRatings(request: FakeRequest, version: string, pageId: string): FakeResponse {
    if (this.ratingsRemoved || Number(version.slice(1).split('.')[0]) >= this.removedFrom) {
      return graphError(
        400,
        12,
        'Recommendations are deprecated for versions v22.0 and higher. Please use an earlier version.',
      );
    }
    const limit = Number(request.query.get('limit') ?? '25');
    if (!Number.isInteger(limit) || limit < 1) return graphError(400, 100, 'Invalid parameter limit');
    const size = Math.min(limit, 100);
    const ordered = [...this.ratings.values()]
      .filter((r) => r.pageId === pageId)
      .sort((a, b) => b.createdMs - a.createdMs || b.storyId.localeCompare(a.storyId));
    let from = 0;
    const after = request.query.get('after');
    if (after !== null) {
      const position = decodeCursor(after);
      if (!position) return graphError(400, 100, 'Invalid cursor');
      // Positional cursor on (created, id): deletions before it neither skip nor repeat ratings.
      from = ordered.findIndex(
        (r) =>
          r.createdMs < position.createdMs ||
          (r.createdMs === position.createdMs && r.storyId < position.storyId),
      );
      if (from === -1) from = ordered.length;
    }
    const slice = ordered.slice(from, from + size);
    const last = slice[slice.length - 1];
    const first = slice[0];
    const more = from + size < ordered.length;
    const next = new URL(`${this.server.baseUrl}${request.path}`);
    next.searchParams.set('limit', String(size));
    if (last) next.searchParams.set('after', encodeCursor(last));
    return {
      status: 200,
      json: {
        data: slice.map((r) => ({
          created_time: fbTime(r.createdMs),
          has_rating: r.rating !== undefined,
          has_review: r.reviewText !== undefined,
          open_graph_story: { id: r.storyId },
          ...(r.rating !== undefined ? { rating: r.rating } : {}),
          recommendation_type: r.recommendationType,
          ...(r.reviewText !== undefined ? { review_text: r.reviewText } : {}),
          reviewer: { id: `u${r.storyId}`, name: r.reviewerName },
        })),
        ...(first && last
          ? {
              paging: {
                cursors: { before: encodeCursor(first), after: encodeCursor(last) },
                ...(more ? { next: next.toString() } : {}),
              },
            }
          : {}),
      },
    };
  }

  private onStory(
    request: FakeRequest,
    storyId: string,
    route: (rating: FakeFacebookRating) => FakeResponse,
  ): FakeResponse {
    const rating = this.ratings.get(storyId);
    if (!rating) {
      const auth = this.server.bearer(request);
      if (!auth.ok) return tokenError(auth.reason);
      return graphError(400, 100, `Unsupported request. Object with ID '${storyId}' does not exist`, 33);
    }
    return this.guarded(request, rating.pageId, () => route(rating));
  }

  private listComments(rating: FakeFacebookRating): FakeResponse {
    return {
      status: 200,
      json: {
        data: this.repliesOf(rating.storyId).map((c) => ({
          id: c.id,
          message: c.message,
          from: { id: c.fromId, name: this.pages.get(c.fromId) ?? 'Someone' },
        })),
      },
    };
  }

  private addComment(request: FakeRequest, rating: FakeFacebookRating): FakeResponse {
    const message = new URLSearchParams(request.rawBody.toString('utf8')).get('message');
    if (!message || message.trim() === '') return graphError(400, 100, '(#100) message is required');
    const comment = {
      id: `${rating.storyId}_${(this.nextId += 1)}`,
      storyId: rating.storyId,
      fromId: rating.pageId,
      message,
    };
    this.comments.set(comment.id, comment);
    return { status: 200, json: { id: comment.id } };
  }

  private deleteComment(request: FakeRequest, id: string): FakeResponse {
    const comment = this.comments.get(id);
    if (!comment) {
      const auth = this.server.bearer(request);
      if (!auth.ok) return tokenError(auth.reason);
      return graphError(400, 100, `Unsupported delete request. Object with ID '${id}' does not exist`, 33);
    }
    const owner = this.ratings.get(comment.storyId)?.pageId ?? comment.fromId;
    return this.guarded(request, owner, () => {
      if (comment.fromId !== owner) return graphError(403, 200, '(#200) Permissions error');
      this.comments.delete(id);
      return { status: 200, json: { success: true } };
    });
  }
}

function graphError(status: number, code: number, message: string, subcode?: number): FakeResponse {
  return {
    status,
    json: {
      error: {
        message,
        type: code === 190 ? 'OAuthException' : 'GraphMethodException',
        code,
        ...(subcode !== undefined ? { error_subcode: subcode } : {}),
        fbtrace_id: 'AbCdEfFakeTrace',
      },
    },
  };
}

function tokenError(reason: 'missing' | 'unknown' | 'expired' | 'revoked'): FakeResponse {
  if (reason === 'missing')
    return graphError(400, 2500, 'An active access token must be used to query information.');
  if (reason === 'expired')
    return graphError(400, 190, 'Error validating access token: Session has expired', 463);
  if (reason === 'revoked')
    return graphError(400, 190, 'Error validating access token: the user changed the password', 460);
  return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token', 467);
}

function pageTokenError(token: FakeToken): FakeResponse {
  return graphError(403, 200, `(#200) Permissions error: token of ${token.subject} cannot act for this Page`);
}

function prune(calls: number[], now: number, windowMs: number): number[] {
  while (calls.length > 0 && (calls[0] as number) <= now - windowMs) calls.shift();
  return calls;
}

const encodeCursor = (r: FakeFacebookRating): string =>
  Buffer.from(JSON.stringify([r.createdMs, r.storyId])).toString('base64url');

function decodeCursor(cursor: string): { createdMs: number; storyId: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { createdMs: value[0], storyId: value[1] };
    }
  } catch {
    // not a cursor this fake issued
  }
  return undefined;
}

/** Graph's timestamp format: `2026-01-01T00:00:01+0000`. */
const fbTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

/** Facebook escapes non-ASCII in webhook payloads (\u00e9, surrogate pairs for emoji). */
const escapeUnicode = (json: string): string =>
  json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
