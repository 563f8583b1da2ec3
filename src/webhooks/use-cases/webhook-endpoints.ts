/**
 * The webhook-endpoint API's use cases: register (SSRF-checked, secret in the answer, at most
 * `maxEndpointsPerSupplier` per supplier), list (paginated), read, change, delete, rotate the
 * secret, read the secrets (to pick up a scheduled rotation), read the delivery log, retry a
 * delivery. Replays are jobs (replay-jobs.ts). The supplier id always comes from the caller's
 * credential.
 */
import { randomId } from '../../shared/ids';
import { ProblemError } from '../../shared/problem';
import {
  endpointSecretView,
  endpointView,
  type AttemptRecord,
  messageFor,
  type DeliveryState,
  type WebhookEndpoint,
  type WebhookEndpointView,
} from '../domain/webhook';
import type { CreateWebhookEndpointBody, UpdateWebhookEndpointBody } from '../domain/webhook-schemas';
import { isOutboundEventType } from '../../events';
import type { Clock } from '../../shared/clock';
import type { DeliveryQueue, DeliveryStore, EndpointRepository, EventLogStore, Page } from '../ports';
import type { WebhookConfig } from '../config';
import { resetBreaker, type BreakerStore } from '../domain/circuit-breaker';
import { generateSecret, rotateSecret } from '../domain/signing';
import { scheduleFrom } from '../domain/secret-rotation';
import { resolveAndCheck, type Resolver } from '../domain/ssrf';
import type { ReplayApiDeps } from './replay-jobs';

export interface WebhookApiDeps extends Omit<ReplayApiDeps, 'replayPolicy' | 'replayMaxDays' | 'onMetric'> {
  readonly endpoints: EndpointRepository;
  readonly deliveries: DeliveryStore;
  /** A redelivery sends the event's body as first sent. */
  readonly eventLog: Pick<EventLogStore, 'getEvent'>;
  readonly deliveryQueue: DeliveryQueue;
  readonly breakers: BreakerStore;
  readonly webhookConfig: WebhookConfig;
  readonly clock: Clock;
  /** DNS resolver for the registration check (tests pass a fake one). */
  readonly resolver?: Resolver;
  /** The API handler's metrics (summed per invocation). */
  readonly onMetric?: (
    name: 'ReplayJobsStarted' | 'ReplayJobsRefused' | 'WebhookEndpointLimitReached',
  ) => void;
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
    ...(body.secretRotation
      ? { secretRotation: scheduleFrom(body.secretRotation.everyDays, now.getTime()) }
      : {}),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const max = deps.webhookConfig.maxEndpointsPerSupplier;
  if ((await deps.endpoints.create(endpoint, max)) === 'limit-reached') {
    deps.onMetric?.('WebhookEndpointLimitReached');
    throw new ProblemError(
      'conflict',
      `a supplier can have at most ${max} webhook endpoints; delete one before registering another`,
    );
  }
  return { ...endpointView(endpoint, now.getTime()), secret };
}

/** One page of the supplier's endpoints, in id order. */
export async function listEndpoints(
  supplierId: string,
  page: { limit: number; cursor?: Record<string, string> },
  deps: WebhookApiDeps,
): Promise<Page<WebhookEndpointView>> {
  const nowMs = deps.clock.now().getTime();
  const found = await deps.endpoints.listPage(supplierId, page.limit, page.cursor);
  return { ...found, items: found.items.map((e) => endpointView(e, nowMs)) };
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
  const { secretRotation, ...rest } = body;
  // A new period counts from now; null stops the scheduled rotation.
  const changes = {
    ...rest,
    ...(secretRotation === null ? { secretRotation: null } : {}),
    ...(secretRotation ? { secretRotation: scheduleFrom(secretRotation.everyDays, now.getTime()) } : {}),
  };
  const updated = await deps.endpoints.update(supplierId, endpointId, changes, now.toISOString());
  if (!updated) throw new ProblemError('not-found', 'no such webhook endpoint');
  return endpointView(updated, now.getTime());
}

/** The endpoint's signing secrets: the current one, and the previous one while it still signs. */
export async function getEndpointSecret(supplierId: string, endpointId: string, deps: WebhookApiDeps) {
  return endpointSecretView(await mustGet(deps, supplierId, endpointId), deps.clock.now().getTime());
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
  // A manual rotation restarts the schedule's period: the next scheduled one is a period away.
  const schedule = endpoint.secretRotation
    ? { secretRotation: scheduleFrom(endpoint.secretRotation.everyDays, now.getTime()) }
    : {};
  const updated = await deps.endpoints.update(
    supplierId,
    endpointId,
    { secrets, ...schedule },
    now.toISOString(),
  );
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
  const event = await deps.eventLog.getEvent(supplierId, state.eventId);
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
