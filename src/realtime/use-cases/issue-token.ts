/**
 * POST /v1/realtime/tokens: a short-lived connection token for the caller.
 * 1. A supplier key without a body field gets a token for its own reviews channel.
 * 2. The WedSync app's key (supplier id `wedsync-app`, the one that receives couples' events)
 *    names the wedding its signed-in couple is looking at (`weddingId`): it gets a token for that
 *    wedding's schedule and budget channels. The app authenticates couples itself; this platform
 *    has no couple credential, so only the app can vouch for one (docs/realtime.md).
 * 3. Any other supplier naming a wedding is refused (403): suppliers are not entitled to a
 *    wedding's channels.
 */
import { PLATFORM_SUPPLIER_ID } from '../../events';
import type { Clock } from '../../shared/clock';
import { ProblemError } from '../../shared/problem';
import { channelName, type Channel, type RealtimeGrant } from '../domain/channels';
import { CONNECTION_TOKEN_TTL_SECONDS, signConnectionToken } from '../domain/connection-token';

export interface IssueTokenDeps {
  /** The review-token key ring (the connection-token key is derived from it). */
  readonly keys: { keyRing(): Promise<readonly string[]> };
  readonly clock: Clock;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: string;
  /** The channels this token may subscribe to. */
  readonly channels: readonly string[];
}

export function channelsOf(grant: RealtimeGrant): Channel[] {
  return grant.kind === 'supplier'
    ? [{ kind: 'supplier-reviews', supplierId: grant.supplierId }]
    : [
        { kind: 'wedding-schedule', weddingId: grant.weddingId },
        { kind: 'wedding-budget', weddingId: grant.weddingId },
      ];
}

export async function issueConnectionToken(
  supplierId: string,
  body: { weddingId?: string | undefined },
  deps: IssueTokenDeps,
): Promise<IssuedToken> {
  let grant: RealtimeGrant;
  if (body.weddingId !== undefined) {
    if (supplierId !== PLATFORM_SUPPLIER_ID) {
      throw new ProblemError('forbidden', 'only the WedSync app may request a token for a wedding');
    }
    grant = { kind: 'wedding', weddingId: body.weddingId };
  } else {
    if (supplierId === PLATFORM_SUPPLIER_ID) {
      throw new ProblemError('validation-error', 'the WedSync app must name the wedding', [
        { path: 'weddingId', message: 'required for the WedSync app' },
      ]);
    }
    grant = { kind: 'supplier', supplierId };
  }
  const expiresAt = new Date(deps.clock.now().getTime() + CONNECTION_TOKEN_TTL_SECONDS * 1000);
  const token = signConnectionToken({ grant, expiresAt }, await deps.keys.keyRing());
  return { token, expiresAt: expiresAt.toISOString(), channels: channelsOf(grant).map(channelName) };
}
