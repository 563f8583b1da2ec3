/**
 * The webhook-endpoint API's use cases: register (SSRF-checked, secret shown once), read, change,
 * delete, rotate the secret, read the delivery log, retry a delivery, replay events. The supplier
 * id always comes from the caller's credential.
 */
import { randomId } from '../../shared/ids';
import { ProblemError } from '../../shared/problem';
import {
  deliveryIdFor as deliveryIdOf,
  endpointView,
  type AttemptRecord,
  messageFor,
  type DeliveryState,
  type LoggedEvent,
  type WebhookEndpoint,
  type WebhookEndpointView,
} from '../domain/webhook';
import type { CreateWebhookEndpointBody, UpdateWebhookEndpointBody } from '../domain/webhook-schemas';
import { isOutboundEventType } from '../../events';
import type { Clock } from '../../shared/clock';
import type { DeliveryQueue, DeliveryStore, EndpointRepository, Page } from '../ports';
import type { WebhookConfig } from '../config';
import { resetBreaker, type BreakerStore } from '../domain/circuit-breaker';
import { generateSecret, rotateSecret } from '../domain/signing';
import { resolveAndCheck, type Resolver } from '../domain/ssrf';
import { deliveryMessages } from './fan-out';

export interface WebhookApiDeps {
  readonly endpoints: EndpointRepository;
  readonly deliveries: DeliveryStore;
  readonly deliveryQueue: DeliveryQueue;
  readonly breakers: BreakerStore;
  readonly webhookConfig: WebhookConfig;
  readonly clock: Clock;
  /** DNS resolver for the registration check (tests pass a fake one). */
  readonly resolver?: Resolver;
}

/** A delivery as the API shows it. */
export interface DeliveryView {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: DeliveryState['status'];
  readonly attempt: number;
  readonly nextAttemptAt?: string;
  readonly reason?: string;
  readonly createdAt: string;
  readonly attempts: readonly AttemptRecord[];
}

export function deliveryView(state: DeliveryState): DeliveryView {
  return {
    id: state.deliveryId,
    eventId: state.eventId,
    eventType: state.eventType,
    status: state.status,
    attempt: state.attempt,
    ...(state.status === 'pending' ? { nextAttemptAt: new Date(state.dueAtMs).toISOString() } : {}),
    ...(state.reason ? { reason: state.reason } : {}),
    createdAt: new Date(state.createdAtMs).toISOString(),
    attempts: state.attempts ?? [],
  };
}

/** Replays enqueue at most this many events per call; `continueFrom` says where to go on. */
export const MAX_REPLAY_EVENTS = 1000;

function checkEventTypes(types: readonly string[] | undefined): void {
  const unknown = (types ?? []).map((t, i) => [t, i] as const).filter(([t]) => !isOutboundEventType(t));
  if (unknown.length > 0) {
    throw new ProblemError(
      'validation-error',
      'some event types do not exist',
      unknown.map(([t, i]) => ({ path: `eventTypes.${i}`, message: `unknown event type "${t}"` })),
    );
  }
}

async function mustGet(
  deps: WebhookApiDeps,
  supplierId: string,
  endpointId: string,
): Promise<WebhookEndpoint> {
  const endpoint = await deps.endpoints.get(supplierId, endpointId);
  if (!endpoint) throw new ProblemError('not-found', 'no such webhook endpoint');
  return endpoint;
}

export async function registerEndpoint(
  supplierId: string,
  body: CreateWebhookEndpointBody,
  deps: WebhookApiDeps,
): Promise<WebhookEndpointView & { secret: string }> {
  checkEventTypes(body.eventTypes);
  const checked = await resolveAndCheck(body.url, deps.resolver, deps.webhookConfig.policy);
  if (!checked.ok) {
    throw new ProblemError('validation-error', 'the URL cannot receive webhooks', [
      { path: 'url', message: `${checked.reason}: ${checked.detail}` },
    ]);
  }
  const now = deps.clock.now();
  const secret = generateSecret();
  const endpoint: WebhookEndpoint = {
    endpointId: randomId('whe'),
    supplierId,
    url: checked.url.toString(),
    eventTypes: [...new Set(body.eventTypes)],
    ...(body.description ? { description: body.description } : {}),
    enabled: true,
    secrets: { current: secret },
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.endpoints.create(endpoint);
  return { ...endpointView(endpoint, now.getTime()), secret };
}

export async function listEndpoints(
  supplierId: string,
  deps: WebhookApiDeps,
): Promise<WebhookEndpointView[]> {
  const nowMs = deps.clock.now().getTime();
  return (await deps.endpoints.list(supplierId))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((e) => endpointView(e, nowMs));
}

export async function getEndpoint(supplierId: string, endpointId: string, deps: WebhookApiDeps) {
  return endpointView(await mustGet(deps, supplierId, endpointId), deps.clock.now().getTime());
}

export async function updateEndpoint(
  supplierId: string,
  endpointId: string,
  body: UpdateWebhookEndpointBody,
  deps: WebhookApiDeps,
): Promise<WebhookEndpointView> {
  checkEventTypes(body.eventTypes);
  const before = await mustGet(deps, supplierId, endpointId);
  const now = deps.clock.now();
  // Re-enabling starts from a closed breaker, so the endpoint is not disabled again at once.
  if (body.enabled === true && !before.enabled) await resetBreaker(deps.breakers, endpointId);
  const updated = await deps.endpoints.update(supplierId, endpointId, body, now.toISOString());
  if (!updated) throw new ProblemError('not-found', 'no such webhook endpoint');
  return endpointView(updated, now.getTime());
}

export async function deleteEndpoint(
  supplierId: string,
  endpointId: string,
  deps: WebhookApiDeps,
): Promise<void> {
  if (!(await deps.endpoints.delete(supplierId, endpointId))) {
    throw new ProblemError('not-found', 'no such webhook endpoint');
  }
}

export async function rotateEndpointSecret(supplierId: string, endpointId: string, deps: WebhookApiDeps) {
  const endpoint = await mustGet(deps, supplierId, endpointId);
  const now = deps.clock.now();
  const secret = generateSecret();
  const secrets = rotateSecret(
    endpoint.secrets,
    secret,
    now.getTime(),
    deps.webhookConfig.rotationOverlapSeconds,
  );
  const updated = await deps.endpoints.update(supplierId, endpointId, { secrets }, now.toISOString());
  if (!updated) throw new ProblemError('not-found', 'no such webhook endpoint');
  return { ...endpointView(updated, now.getTime()), secret };
}

/** An endpoint's deliveries, newest first, each with its status and every attempt. */
export async function listDeliveries(
  supplierId: string,
  endpointId: string,
  page: { limit: number; cursor?: Record<string, string> },
  deps: WebhookApiDeps,
): Promise<Page<DeliveryView>> {
  await mustGet(deps, supplierId, endpointId);
  const found = await deps.deliveries.listDeliveries(endpointId, page.limit, page.cursor);
  return { ...found, items: found.items.map(deliveryView) };
}

/** Send one delivery again now, with the same webhook-id: a new round of the retry schedule. */
export async function retryDelivery(
  supplierId: string,
  deliveryId: string,
  deps: WebhookApiDeps,
): Promise<DeliveryState> {
  const state = await deps.deliveries.getDelivery(deliveryId);
  if (!state || state.supplierId !== supplierId) throw new ProblemError('not-found', 'no such delivery');
  if (state.status === 'pending' || state.status === 'in-flight') {
    throw new ProblemError('conflict', 'the delivery is still in progress');
  }
  const endpoint = await mustGet(deps, supplierId, state.endpointId);
  if (!endpoint.enabled) throw new ProblemError('conflict', 'the endpoint is disabled; enable it first');
  const event = await deps.deliveries.getEvent(supplierId, state.eventId);
  if (!event) throw new ProblemError('conflict', 'the event is no longer in the 14-day log');
  const nowMs = deps.clock.now().getTime();
  const attempt = state.attempt + 1;
  if (!(await deps.deliveries.restart(deliveryId, state.attempt, attempt, nowMs))) {
    throw new ProblemError('conflict', 'the delivery changed meanwhile; try again');
  }
  const restarted: DeliveryState = {
    ...state,
    status: 'pending',
    attempt,
    roundStart: attempt,
    dueAtMs: nowMs,
  };
  await deps.deliveryQueue.send([{ message: messageFor(restarted, event.body), delaySeconds: 0 }]);
  return restarted;
}

/** Deliver again every subscribed event logged since `since` (at most 14 days back). */
export async function replayEvents(
  supplierId: string,
  endpointId: string,
  since: string,
  deps: WebhookApiDeps,
): Promise<{ events: number; queued: number; continueFrom?: string }> {
  const endpoint = await mustGet(deps, supplierId, endpointId);
  if (!endpoint.enabled) throw new ProblemError('conflict', 'the endpoint is disabled; enable it first');
  const now = deps.clock.now();
  const sinceMs = Date.parse(since);
  const oldest = now.getTime() - deps.webhookConfig.replayMaxDays * 86_400_000;
  if (sinceMs < oldest || sinceMs > now.getTime()) {
    throw new ProblemError('validation-error', 'since is out of range', [
      { path: 'since', message: `must be within the last ${deps.webhookConfig.replayMaxDays} days` },
    ]);
  }
  let events = 0;
  let queued = 0;
  let cursor: Record<string, unknown> | undefined;
  let lastTime: string | undefined;
  do {
    const page = await deps.deliveries.eventsSince(supplierId, new Date(sinceMs).toISOString(), 100, cursor);
    for (const event of page.items) {
      events += 1;
      lastTime = event.time;
      if (!endpoint.eventTypes.includes(event.eventType)) continue;
      queued += await replayOne(endpoint, event, deps);
    }
    cursor = page.next;
  } while (cursor && events < MAX_REPLAY_EVENTS);
  return { events, queued, ...(cursor && lastTime ? { continueFrom: lastTime } : {}) };
}

async function replayOne(
  endpoint: WebhookEndpoint,
  event: LoggedEvent,
  deps: WebhookApiDeps,
): Promise<number> {
  const existing = await deps.deliveries.getDelivery(deliveryIdOf(event.eventId, endpoint.endpointId));
  if (!existing) {
    // Never delivered to this endpoint (e.g. it subscribed later): a first delivery.
    await deps.deliveryQueue.send(deliveryMessages(event, [endpoint], deps.clock.now().getTime()));
    return 1;
  }
  if (existing.status === 'pending' || existing.status === 'in-flight') return 0; // on its way already
  // Delivered (or given up) before: a new round with the same webhook-id.
  await retryDelivery(endpoint.supplierId, existing.deliveryId, deps);
  return 1;
}
