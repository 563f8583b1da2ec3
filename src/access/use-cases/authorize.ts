import { API_KEY_PREFIX, hashApiKey, looksLikeApiKey } from '../domain/api-keys';
import { REVIEW_TOKEN_PREFIX } from '../domain/review-token';
import { KEY_CACHE_SECONDS } from '../domain/revocation';
import { isExpired, lastUseThreshold, type LastUseThrottle } from '../domain/key-lifecycle';
import type { KeyOwner, KeyUseRecorder } from '../ports';
import { usageIdentifierKeyFor } from '../domain/usage-keys';

export type AuthDecision =
  | {
      readonly effect: 'allow';
      readonly context: Record<string, string>;
      /**
       * The API Gateway key that meters this caller (usage plans, ADR 0036): returned as the
       * policy's `usageIdentifierKey`, never put in the context the handlers (and their logs) see.
       */
      readonly usageIdentifierKey: string;
    }
  | { readonly effect: 'deny' }
  | { readonly effect: 'unauthorized' };

export interface ApiKeyLookup {
  findApiKey(keyHash: string): Promise<
    | {
        supplierId: string;
        keyId: string;
        status: string;
        role?: 'supplier' | 'ops';
        expiresAt?: string;
        /** The supplier's usage identifier key (ADR 0036); absent on keys stored before it. */
        usageKey?: string;
      }
    | undefined
  >;
}

/**
 * Decide on a request's Authorization header.
 * - `Bearer wsk_...`: an API key; its hash must name an active key -> supplier principal (or
 *   the ops principal for an operator's key, which reads only the ops routes).
 * - `Bearer wrt_...`: a review-link token; the API handler verifies it (it holds the keys),
 *   so the authorizer only marks the principal type.
 * - anything else: 401.
 * Keys are looked up through a small cache (KEY_CACHE_SECONDS, so a revoked or deleted key stops
 * working promptly: ADR 0010) that serves a known key for a while even when the store is
 * unreachable, so a brief DynamoDB outage does not stop review intake.
 */
export async function authorize(
  authorization: string | undefined,
  keys: CachedKeyLookup,
  now: Date = new Date(),
): Promise<AuthDecision> {
  const credential = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!credential) return { effect: 'unauthorized' };
  if (credential.startsWith(REVIEW_TOKEN_PREFIX)) {
    return {
      effect: 'allow',
      context: { principalType: 'review-token' },
      usageIdentifierKey: usageIdentifierKeyFor({ kind: 'review-token' }),
    };
  }
  if (!credential.startsWith(API_KEY_PREFIX) || !looksLikeApiKey(credential))
    return { effect: 'unauthorized' };
  const record = await keys.find(hashApiKey(credential));
  if (!record) return { effect: 'unauthorized' };
  if (record.status !== 'active') return { effect: 'deny' };
  // An expired key is an expired credential: 401, like a missing one (issue 9).
  if (isExpired(record.expiresAt, now)) return { effect: 'unauthorized' };
  if (record.role === 'ops')
    return {
      effect: 'allow',
      context: { principalType: 'ops', keyId: record.keyId },
      usageIdentifierKey: usageIdentifierKeyFor({ kind: 'ops' }),
    };
  return {
    effect: 'allow',
    context: { principalType: 'supplier', supplierId: record.supplierId, keyId: record.keyId },
    usageIdentifierKey: usageIdentifierKeyFor({ kind: 'supplier', usageKey: record.usageKey }),
  };
}

/** How long a known key may be served from the cache while the store is unreachable. */
export const STALE_KEY_SECONDS = 5 * 60;

/**
 * A key lookup is fresh for `ttlMs` (KEY_CACHE_SECONDS): after that the store is read again, so a
 * key revoked or deleted in the table stops working within that time.
 * When the store fails, the last answer for a key is used for up to `staleMs`: an active key
 * keeps working (review intake survives a short table outage; the trade-off is that a key revoked
 * during such an outage works until the table answers again or `staleMs` ends), and a key seen
 * revoked stays denied. A key never seen, or seen deleted, gets no stale answer: the error stands.
 */
export class CachedKeyLookup {
  private readonly entries = new Map<
    string,
    { value: NonNullable<Awaited<ReturnType<ApiKeyLookup['findApiKey']>>>; at: number }
  >();

  constructor(
    private readonly store: ApiKeyLookup,
    private readonly ttlMs = KEY_CACHE_SECONDS * 1000,
    private readonly staleMs = STALE_KEY_SECONDS * 1000,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  async find(keyHash: string) {
    const cached = this.entries.get(keyHash);
    const age = cached ? this.now() - cached.at : Infinity;
    if (cached && age < this.ttlMs) return cached.value;
    try {
      const value = await this.store.findApiKey(keyHash);
      this.entries.delete(keyHash);
      if (this.entries.size >= this.maxEntries)
        this.entries.delete(this.entries.keys().next().value as string);
      // Known keys (active or revoked) are cached; an unknown one is not, so a new key works at once.
      if (value) this.entries.set(keyHash, { value, at: this.now() });
      return value;
    } catch (error) {
      if (cached && age < this.staleMs) return cached.value;
      throw error;
    }
  }
}

/**
 * Records that an allowed key was used (issue 9), cheaply: at most one write per key per
 * LAST_USE_INTERVAL_SECONDS from this container (the throttle), one conditional UpdateItem that
 * other containers' recent writes turn into a no-op, and never a failed request: any error is
 * reported and swallowed.
 */
export async function noteKeyUse(
  decision: AuthDecision,
  deps: {
    readonly throttle: LastUseThrottle;
    readonly recorder: KeyUseRecorder;
    readonly now: Date;
    readonly onError: (error: unknown) => void;
  },
): Promise<void> {
  if (decision.effect !== 'allow' || decision.context.keyId === undefined) return;
  const { principalType, supplierId, keyId } = decision.context;
  const owner: KeyOwner | undefined =
    principalType === 'ops'
      ? { kind: 'ops' }
      : principalType === 'supplier' && supplierId !== undefined
        ? { kind: 'supplier', supplierId }
        : undefined;
  if (!owner || !deps.throttle.shouldRecord(keyId, deps.now.getTime())) return;
  try {
    await deps.recorder.recordUse(owner, keyId, deps.now.toISOString(), lastUseThreshold(deps.now));
  } catch (error) {
    deps.onError(error);
  }
}
