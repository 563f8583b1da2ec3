/**
 * Replays as jobs: the API admits a job (rate-limited per endpoint) and answers 202; the
 * ReplayWorker pages through the event log off the request path and enqueues the deliveries.
 *
 * startReplay:
 * 1. Check the endpoint (exists, enabled) and `since` (within the event log's 14 days).
 * 2. Admit the job against the endpoint's limit record (one job queued/running, N an hour; a job
 *    without progress for 15 minutes is abandoned) and write both in one transaction; a lost race
 *    reads again. Refused: 429 with Retry-After.
 * 3. Put a message on the Replays queue; if that fails, the job is failed and the slot freed.
 *
 * runReplayJob (one Replays message):
 * 1. Take the job's lease (queued/running, lease free). Held by another invocation: send the
 *    message again for when the lease ends (a hop) and stop; finished: stop.
 * 2. The endpoint must still exist and be enabled, or the job fails.
 * 3. Chunk by chunk from the job's cursor: each event of the endpoint's types is enqueued once
 *    (first delivery, or a new round of a finished one, marked with the job id so a resumed job
 *    never sends it twice; those already on their way are left alone); then save the cursor and
 *    counts (a crash continues from there).
 * 4. At the end of the log: completed, slot freed. Over the time budget: save, release the lease
 *    and hand over to a fresh message.
 */
import { randomId } from '../../shared/ids';
import { ProblemError } from '../../shared/problem';
import type { Clock } from '../../shared/clock';
import {
  admitReplay,
  afterChunk,
  isTerminal,
  newReplayJob,
  replayJobView,
  type ReplayJob,
  type ReplayJobView,
  type ReplayMessage,
  type ReplayPolicy,
} from '../domain/replay-job';
import {
  deliveryIdFor,
  messageFor,
  type DeliveryState,
  type LoggedEvent,
  type WebhookEndpoint,
} from '../domain/webhook';
import type {
  DeliveryQueue,
  DeliveryStore,
  EndpointRepository,
  EventLogStore,
  ReplayJobStore,
  ReplayQueue,
} from '../ports';
import { deliveryMessages } from './fan-out';

export interface ReplayApiDeps {
  readonly endpoints: Pick<EndpointRepository, 'get'>;
  readonly replayJobs: ReplayJobStore;
  readonly replayQueue: ReplayQueue;
  readonly clock: Clock;
  readonly replayPolicy: ReplayPolicy;
  readonly replayMaxDays: number;
  /** Counts `ReplayJobsStarted` / `ReplayJobsRefused` (the API handler's metrics). */
  readonly onMetric?: (name: 'ReplayJobsStarted' | 'ReplayJobsRefused') => void;
}

const ADMISSION_TRIES = 5;

export async function startReplay(
  supplierId: string,
  endpointId: string,
  since: string,
  deps: ReplayApiDeps,
): Promise<ReplayJobView> {
  const endpoint = await deps.endpoints.get(supplierId, endpointId);
  if (!endpoint) throw new ProblemError('not-found', 'no such webhook endpoint');
  if (!endpoint.enabled) throw new ProblemError('conflict', 'the endpoint is disabled; enable it first');
  const now = deps.clock.now();
  const sinceMs = Date.parse(since);
  if (sinceMs < now.getTime() - deps.replayMaxDays * 86_400_000 || sinceMs > now.getTime()) {
    throw new ProblemError('validation-error', 'since is out of range', [
      { path: 'since', message: `must be within the last ${deps.replayMaxDays} days` },
    ]);
  }
  const job = newReplayJob(
    { jobId: randomId('rpl'), supplierId, endpointId },
    new Date(sinceMs).toISOString(),
    now.toISOString(),
  );
  for (let attempt = 0; attempt < ADMISSION_TRIES; attempt += 1) {
    const limit = await deps.replayJobs.getLimit(endpointId);
    const active = limit?.activeJobId ? await deps.replayJobs.getJob(limit.activeJobId) : undefined;
    const admission = admitReplay(
      limit,
      active ? { status: active.status, updatedAtMs: Date.parse(active.updatedAt) } : undefined,
      job.jobId,
      now.getTime(),
      deps.replayPolicy,
    );
    if (!admission.ok) {
      deps.onMetric?.('ReplayJobsRefused');
      throw new ProblemError(
        'rate-limited',
        admission.reason === 'in-progress'
          ? 'a replay of this endpoint is already queued or running; wait for it to finish'
          : `at most ${deps.replayPolicy.perHour} replays of an endpoint per hour`,
        undefined,
        { 'retry-after': String(admission.retryAfterSeconds) },
      );
    }
    const abandon =
      admission.abandons && active ? { jobId: admission.abandons, updatedAt: active.updatedAt } : undefined;
    if (await deps.replayJobs.admit(job, admission.next, abandon)) {
      try {
        await deps.replayQueue.send({ v: 1, jobId: job.jobId, supplierId, endpointId });
      } catch (error) {
        const failed: ReplayJob = {
          ...job,
          status: 'failed',
          error: 'could not be queued',
          finishedAt: deps.clock.now().toISOString(),
        };
        await deps.replayJobs.finish(failed).catch(() => undefined);
        throw error;
      }
      deps.onMetric?.('ReplayJobsStarted');
      return replayJobView(job);
    }
  }
  // Only under a storm of concurrent requests for one endpoint.
  throw new ProblemError('rate-limited', 'a replay of this endpoint is being started; try again', undefined, {
    'retry-after': '1',
  });
}

export async function getReplay(
  supplierId: string,
  endpointId: string,
  jobId: string,
  deps: Pick<ReplayApiDeps, 'replayJobs'>,
): Promise<ReplayJobView> {
  const job = await deps.replayJobs.getJob(jobId);
  if (!job || job.supplierId !== supplierId || job.endpointId !== endpointId) {
    throw new ProblemError('not-found', 'no such replay job');
  }
  return replayJobView(job);
}

export interface ReplayWorkerDeps {
  readonly endpoints: Pick<EndpointRepository, 'get'>;
  readonly eventLog: Pick<EventLogStore, 'eventsSince'>;
  readonly deliveries: Pick<DeliveryStore, 'getDelivery' | 'restart'>;
  readonly deliveryQueue: Pick<DeliveryQueue, 'send'>;
  readonly replayJobs: ReplayJobStore;
  readonly replayQueue: ReplayQueue;
  readonly clock: Clock;
  readonly policy: ReplayPolicy;
  /** A fresh lease owner id per invocation. */
  readonly newOwner?: () => string;
}

export type ReplayRunOutcome =
  /** The job is finished (now or before), or gone. */
  | { readonly kind: 'completed' | 'failed' | 'skipped'; readonly job?: ReplayJob }
  /** Over the time budget: progress saved, a fresh message continues. */
  | { readonly kind: 'handed-over'; readonly job: ReplayJob }
  /** Another invocation holds the job: a message was sent for when its lease ends. */
  | { readonly kind: 'busy' }
  /** Another invocation took the job over meanwhile (ours had run out of lease). */
  | { readonly kind: 'lost' };

/** Time an invocation may hold a job beyond its budget before another may take over. */
const LEASE_MARGIN_MS = 30_000;
const FINISH_TRIES = 5;

export async function runReplayJob(
  message: ReplayMessage,
  deps: ReplayWorkerDeps,
): Promise<ReplayRunOutcome> {
  const owner = deps.newOwner?.() ?? randomId('own');
  const startedMs = deps.clock.now().getTime();
  const leaseUntil = () => deps.clock.now().getTime() + deps.policy.timeBudgetMs + LEASE_MARGIN_MS;
  const job = await deps.replayJobs.acquire(
    message.jobId,
    owner,
    leaseUntil(),
    startedMs,
    new Date(startedMs).toISOString(),
  );
  if (!job) {
    const current = await deps.replayJobs.getJob(message.jobId);
    if (!current || isTerminal(current.status))
      return { kind: 'skipped', ...(current ? { job: current } : {}) };
    const waitSeconds = Math.max(1, Math.ceil(((current.leaseUntilMs ?? startedMs) - startedMs) / 1000) + 1);
    await deps.replayQueue.send(message, waitSeconds);
    return { kind: 'busy' };
  }
  try {
    return await work(job, message, owner, startedMs, leaseUntil, deps);
  } catch (error) {
    // Let the retried message (or any other) take the job at once, from its last checkpoint.
    await deps.replayJobs.release(message.jobId, owner).catch(() => undefined);
    throw error;
  }
}

async function work(
  acquired: ReplayJob,
  message: ReplayMessage,
  owner: string,
  startedMs: number,
  leaseUntil: () => number,
  deps: ReplayWorkerDeps,
): Promise<ReplayRunOutcome> {
  let job = acquired;
  const endpoint = await deps.endpoints.get(job.supplierId, job.endpointId);
  if (!endpoint || !endpoint.enabled) {
    return finish(
      { ...job, status: 'failed', error: endpoint ? 'endpoint-disabled' : 'endpoint-deleted' },
      owner,
      deps,
    );
  }
  for (;;) {
    const page = await deps.eventLog.eventsSince(
      job.supplierId,
      job.since,
      deps.policy.chunkSize,
      job.cursor,
    );
    let found = 0;
    let enqueued = 0;
    for (const event of page.items) {
      if (!endpoint.eventTypes.includes(event.eventType)) continue;
      found += 1;
      if (await replayOne(job.jobId, endpoint, event, deps)) enqueued += 1;
    }
    const nowIso = deps.clock.now().toISOString();
    job = afterChunk(job, { found, enqueued, ...(page.next ? { next: page.next } : {}) }, nowIso);
    if (job.status === 'completed') return finish(job, owner, deps);
    const overBudget = deps.clock.now().getTime() - startedMs >= deps.policy.timeBudgetMs;
    // Handing over releases the lease (it ends now), so the fresh message can take the job at once.
    const lease = overBudget ? deps.clock.now().getTime() - 1 : leaseUntil();
    if (!(await deps.replayJobs.checkpoint(job, owner, lease))) return { kind: 'lost' };
    if (overBudget) {
      await deps.replayQueue.send(message);
      return { kind: 'handed-over', job };
    }
  }
}

async function finish(job: ReplayJob, owner: string, deps: ReplayWorkerDeps): Promise<ReplayRunOutcome> {
  const ended: ReplayJob = { ...job, finishedAt: job.finishedAt ?? deps.clock.now().toISOString() };
  for (let attempt = 0; attempt < FINISH_TRIES; attempt += 1) {
    if (await deps.replayJobs.finish(ended, owner)) {
      return { kind: ended.status === 'completed' ? 'completed' : 'failed', job: ended };
    }
    // A transaction conflict, or we lost the job: which one?
    const current = await deps.replayJobs.getJob(job.jobId);
    if (!current || current.leaseOwner !== owner || current.status !== 'running') return { kind: 'lost' };
    await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
  }
  throw new Error(`replay job ${job.jobId} could not be finished; the message will be retried`);
}

/**
 * Enqueue one event for the endpoint, at most once per job. True when this job enqueued it (now,
 * or before a crash); false when it is already on its way.
 */
async function replayOne(
  jobId: string,
  endpoint: WebhookEndpoint,
  event: LoggedEvent,
  deps: ReplayWorkerDeps,
): Promise<boolean> {
  const nowMs = deps.clock.now().getTime();
  const existing = await deps.deliveries.getDelivery(deliveryIdFor(event.eventId, endpoint.endpointId));
  if (!existing) {
    // Never delivered to this endpoint (e.g. it subscribed later): a first delivery. A second
    // copy (a resumed job) loses the worker's conditional claim.
    const messages = deliveryMessages(event, [endpoint], nowMs).map((m) => ({
      ...m,
      message: { ...m.message, replayJobId: jobId },
    }));
    await deps.deliveryQueue.send(messages);
    return true;
  }
  if (existing.replayJobId === jobId) return resendIfPending(existing, event, deps);
  if (existing.status === 'pending' || existing.status === 'in-flight') return false; // on its way already
  // Delivered (or given up) before: a new round with the same webhook-id.
  const attempt = existing.attempt + 1;
  if (!(await deps.deliveries.restart(existing.deliveryId, existing.attempt, attempt, nowMs, jobId))) {
    const current = await deps.deliveries.getDelivery(existing.deliveryId);
    return current?.replayJobId === jobId ? resendIfPending(current, event, deps) : false;
  }
  const restarted: DeliveryState = {
    ...existing,
    status: 'pending',
    attempt,
    roundStart: attempt,
    dueAtMs: nowMs,
    replayJobId: jobId,
  };
  await deps.deliveryQueue.send([{ message: messageFor(restarted, event.body), delaySeconds: 0 }]);
  return true;
}

/**
 * This job restarted the delivery before (then crashed or handed over): if it is still pending,
 * its message may have been lost with the crash, so send it again (a duplicate loses the claim).
 */
async function resendIfPending(
  state: DeliveryState,
  event: LoggedEvent,
  deps: ReplayWorkerDeps,
): Promise<boolean> {
  if (state.status === 'pending') {
    await deps.deliveryQueue.send([{ message: messageFor(state, event.body), delaySeconds: 0 }]);
  }
  return true;
}
