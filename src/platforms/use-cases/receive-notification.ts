/**
 * An inbound platform notification (Facebook Page webhook, Google Pub/Sub push, Trustpilot webhook):
 * 1. Find the platform's adapter (unknown platform -> 404).
 * 2. Verify the request on its raw body with the platform's secrets (adapter.verifyNotification:
 *    signature, verify token, shape). A handshake is answered; a rejection is a 4xx; a verifier
 *    that throws on odd input is a 400, never a 5xx. During a rotation (issue 9) the previous
 *    values verify too; a 401/403 with the cached values is tried once more with values fetched
 *    again (a warm container whose cache predates the rotation; src/shared/refetch-once.ts).
 * 3. For each verified notification: drop replays (first sighting of its dedupKey only), find the
 *    connections that sync its location, and enqueue a targeted sync of the named reviews (the
 *    notification's own copy is never trusted: the worker re-fetches each one, and one the
 *    platform no longer has is removed).
 * The platform gets its 200 as soon as the messages are on the Sync queue.
 */
import type { ConnectedPlatform, InboundNotification } from '../domain/platform';
import { CONNECTED_PLATFORMS } from '../domain/platform';
import { targetedMessages } from '../domain/sync-plan';
import type { PlatformAdapters, LocationDirectory, NotificationSecrets, ReplayGuard } from '../sync-ports';
import type { PlatformAdapter, SyncQueue } from '../ports';
import { verifyWithOneRefetch } from '../../shared/refetch-once';

export interface ReceiveNotificationDeps {
  readonly adapters: PlatformAdapters;
  readonly secrets: NotificationSecrets;
  readonly replays: ReplayGuard;
  readonly directory: Pick<LocationDirectory, 'find'>;
  readonly queue: SyncQueue;
  readonly newId: () => string;
}

/** Replay keys are kept a week: platforms retry deliveries for hours to days. */
export const NOTIFICATION_REPLAY_TTL_SECONDS = 7 * 86_400;

export type NotificationAnswer =
  | { readonly kind: 'challenge'; readonly answer: string }
  | {
      readonly kind: 'accepted';
      readonly notifications: number;
      readonly replays: number;
      readonly syncs: number;
    }
  | { readonly kind: 'rejected'; readonly status: 400 | 401 | 403 | 404; readonly reason: string };

export const isConnectedPlatform = (value: string): value is ConnectedPlatform =>
  (CONNECTED_PLATFORMS as readonly string[]).includes(value);

/** Rejections a newer secret could turn into an acceptance (a signature or token that did not match). */
const STALE_SECRET_STATUSES: ReadonlySet<number> = new Set([401, 403]);

type Verdict = ReturnType<PlatformAdapter['verifyNotification']>;

async function candidateSecrets(
  secrets: NotificationSecrets,
  platform: ConnectedPlatform,
  options: { forceFetch?: boolean },
): Promise<readonly Readonly<Record<string, string>>[]> {
  return secrets.candidatesFor
    ? secrets.candidatesFor(platform, options)
    : [await secrets.secretsFor(platform)];
}

/** The verdict of the first set of secrets that does not reject the request, else the first rejection. */
function firstVerdict(
  adapter: PlatformAdapter,
  request: InboundNotification,
  candidates: readonly Readonly<Record<string, string>>[],
): Verdict {
  let firstRejection: Verdict | undefined;
  for (const secrets of candidates) {
    let verdict: Verdict;
    try {
      verdict = adapter.verifyNotification(request, secrets);
    } catch {
      // A verifier surprised by the input must not turn client input into a 5xx.
      return { kind: 'rejected', status: 400, reason: 'the notification could not be read' };
    }
    if (verdict.kind !== 'rejected') return verdict;
    firstRejection ??= verdict;
  }
  return firstRejection ?? { kind: 'rejected', status: 401, reason: 'no secret configured' };
}

export async function receiveNotification(
  platform: string,
  request: InboundNotification,
  deps: ReceiveNotificationDeps,
): Promise<NotificationAnswer> {
  const adapter = isConnectedPlatform(platform) ? deps.adapters.adapterFor(platform) : undefined;
  if (!isConnectedPlatform(platform) || !adapter) {
    return { kind: 'rejected', status: 404, reason: `no notifications for platform ${platform}` };
  }
  const verdict = await verifyWithOneRefetch(
    (options) => candidateSecrets(deps.secrets, platform, options),
    (candidates) => firstVerdict(adapter, request, candidates),
    (outcome) =>
      outcome.ok && outcome.value.kind === 'rejected' && STALE_SECRET_STATUSES.has(outcome.value.status),
  );
  if (verdict.kind === 'challenge') return verdict;
  if (verdict.kind === 'rejected') return verdict;

  let replays = 0;
  let syncs = 0;
  for (const notification of verdict.notifications) {
    if (
      !(await deps.replays.firstSeen(`${platform}#${notification.dedupKey}`, NOTIFICATION_REPLAY_TTL_SECONDS))
    ) {
      replays += 1;
      continue;
    }
    const ids = [...new Set([...notification.externalIds, ...notification.deletedExternalIds])];
    if (ids.length === 0) continue;
    const refs = await deps.directory.find(platform, notification.locationId);
    const messages = refs.flatMap((ref) =>
      targetedMessages(
        {
          connectionId: ref.connectionId,
          supplierId: ref.supplierId,
          locationId: notification.locationId,
          correlationId: deps.newId(),
        },
        ids,
      ),
    );
    await deps.queue.send(messages.map((message) => ({ message })));
    syncs += messages.length;
  }
  return { kind: 'accepted', notifications: verdict.notifications.length, replays, syncs };
}
