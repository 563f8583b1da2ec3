/**
 * Channels a real-time client can subscribe to, and who may:
 * - `supplier:<supplierId>:reviews`: the supplier's review events (`review.*`);
 * - `wedding:<weddingId>:schedule`: a wedding's helper schedule (`helper.schedule.updated`);
 * - `wedding:<weddingId>:budget`: a wedding's budget (`budget.*`).
 * A connection is bound to one grant (from its connection token): a supplier grant reaches only
 * its own reviews channel, a wedding grant only that wedding's two channels. A malformed name is
 * refused before any read; a channel the grant does not entitle is refused by the subscription's
 * conditional write (nothing is stored, nothing of the channel is sent): no cross-tenant events.
 */

/** Identifiers as the other WedSync services give them (src/events/common.ts `externalRef`). */
export const REF = '[A-Za-z0-9._:-]{1,128}';
const REF_ONLY = new RegExp(`^${REF}$`);

export type Channel =
  | { readonly kind: 'supplier-reviews'; readonly supplierId: string }
  | { readonly kind: 'wedding-schedule'; readonly weddingId: string }
  | { readonly kind: 'wedding-budget'; readonly weddingId: string };

/** What a connection token grants: one supplier, or one wedding (a couple's session). */
export type RealtimeGrant =
  | { readonly kind: 'supplier'; readonly supplierId: string }
  | { readonly kind: 'wedding'; readonly weddingId: string };

const PATTERNS: readonly [RegExp, (id: string) => Channel][] = [
  [new RegExp(`^supplier:(${REF}):reviews$`), (supplierId) => ({ kind: 'supplier-reviews', supplierId })],
  [new RegExp(`^wedding:(${REF}):schedule$`), (weddingId) => ({ kind: 'wedding-schedule', weddingId })],
  [new RegExp(`^wedding:(${REF}):budget$`), (weddingId) => ({ kind: 'wedding-budget', weddingId })],
];

/** A channel name longer than this is malformed whatever it holds. */
export const MAX_CHANNEL_LENGTH = 150;

export function parseChannel(name: string): Channel | undefined {
  if (name.length > MAX_CHANNEL_LENGTH) return undefined;
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(name);
    if (match?.[1] !== undefined) return build(match[1]);
  }
  return undefined;
}

export function channelName(channel: Channel): string {
  switch (channel.kind) {
    case 'supplier-reviews':
      return `supplier:${channel.supplierId}:reviews`;
    case 'wedding-schedule':
      return `wedding:${channel.weddingId}:schedule`;
    case 'wedding-budget':
      return `wedding:${channel.weddingId}:budget`;
  }
}

/**
 * The one grant that entitles a channel: a supplier's reviews channel that supplier's grant, a
 * wedding's channels that wedding's grant. A store can then check entitlement inside its
 * conditional write (the connection's stored grant must equal this one) instead of reading the
 * connection first.
 */
export function grantFor(channel: Channel): RealtimeGrant {
  return channel.kind === 'supplier-reviews'
    ? { kind: 'supplier', supplierId: channel.supplierId }
    : { kind: 'wedding', weddingId: channel.weddingId };
}

/** Entitled exactly when the grant is the channel's one grant (`grantFor`). */
export function isEntitled(grant: RealtimeGrant, channel: Channel): boolean {
  const needed = grantFor(channel);
  if (grant.kind === 'supplier') return needed.kind === 'supplier' && needed.supplierId === grant.supplierId;
  return needed.kind === 'wedding' && needed.weddingId === grant.weddingId;
}

export const isRef = (value: unknown): value is string => typeof value === 'string' && REF_ONLY.test(value);

/**
 * The channel an event belongs to, from its type, owner and data (at most one): review events of
 * a supplier (never the platform tenant's), a wedding's helper schedule, a wedding's budget
 * events. Other events (endpoint.disabled, ...) are not real-time.
 */
export function channelOfEvent(
  type: string,
  ownerSupplierId: string,
  data: Readonly<Record<string, unknown>>,
  platformSupplierId: string,
): Channel | undefined {
  if (type.startsWith('review.')) {
    return ownerSupplierId !== platformSupplierId && isRef(ownerSupplierId)
      ? { kind: 'supplier-reviews', supplierId: ownerSupplierId }
      : undefined;
  }
  if (!isRef(data.weddingId)) return undefined;
  if (type === 'helper.schedule.updated') return { kind: 'wedding-schedule', weddingId: data.weddingId };
  if (type.startsWith('budget.')) return { kind: 'wedding-budget', weddingId: data.weddingId };
  return undefined;
}
