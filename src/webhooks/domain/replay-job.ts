/**
 * Replay jobs (pure): the job's states and progress, and the per-endpoint rate limit that admits
 * a new job. The adapters store both in DynamoDB and apply them with conditional writes; the
 * use case (use-cases/replay-jobs.ts) runs a job off the request path, chunk by chunk.
 *
 *   queued ──> running ──> completed
 *     │           │ (progress: cursor, counts; resumable)
 *     └───────────┴──────> failed (endpoint gone or disabled, abandoned, could not be queued)
 */

export type ReplayJobStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface ReplayCounts {
  /** Events of the endpoint's types found in the log since `since`. */
  readonly found: number;
  /** Deliveries this job enqueued (events already on their way to the endpoint are not). */
  readonly enqueued: number;
}

export interface ReplayJob {
  readonly jobId: string;
  readonly supplierId: string;
  readonly endpointId: string;
  readonly since: string;
  readonly status: ReplayJobStatus;
  readonly counts: ReplayCounts;
  /** Where the next chunk starts in the event log (a store key); absent before the first chunk. */
  readonly cursor?: Record<string, unknown>;
  /** Chunks done so far. */
  readonly chunks: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  /** Why a job failed. */
  readonly error?: string;
  /** The worker invocation that holds the job, and until when. */
  readonly leaseOwner?: string;
  readonly leaseUntilMs?: number;
}

export interface ReplayJobView {
  readonly id: string;
  readonly endpointId: string;
  readonly status: ReplayJobStatus;
  readonly since: string;
  readonly counts: ReplayCounts;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  readonly error?: string;
}

export const isTerminal = (status: ReplayJobStatus): boolean => status === 'completed' || status === 'failed';

const TRANSITIONS: Record<ReplayJobStatus, readonly ReplayJobStatus[]> = {
  queued: ['running', 'failed'],
  // running -> running: a chunk's progress, or another invocation resuming the job.
  running: ['running', 'completed', 'failed'],
  completed: [],
  failed: [],
};

export const canTransition = (from: ReplayJobStatus, to: ReplayJobStatus): boolean =>
  TRANSITIONS[from].includes(to);

export function newReplayJob(
  ids: { jobId: string; supplierId: string; endpointId: string },
  since: string,
  nowIso: string,
): ReplayJob {
  return {
    ...ids,
    since,
    status: 'queued',
    counts: { found: 0, enqueued: 0 },
    chunks: 0,
    createdAt: nowIso,
    updatedAt: nowIso,
  };
}

/** The job after one chunk of the log: counts added, the cursor moved (or the job completed). */
export function afterChunk(
  job: ReplayJob,
  chunk: { found: number; enqueued: number; next?: Record<string, unknown> },
  nowIso: string,
): ReplayJob {
  const { cursor: _previous, ...rest } = job;
  const counts = { found: job.counts.found + chunk.found, enqueued: job.counts.enqueued + chunk.enqueued };
  const base = { ...rest, counts, chunks: job.chunks + 1, updatedAt: nowIso };
  return chunk.next
    ? { ...base, status: 'running', cursor: chunk.next }
    : { ...base, status: 'completed', finishedAt: nowIso };
}

export function replayJobView(job: ReplayJob): ReplayJobView {
  return {
    id: job.jobId,
    endpointId: job.endpointId,
    status: job.status,
    since: job.since,
    counts: job.counts,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}

/** The rate-limit record of one endpoint: job starts in the last hour and the job in progress. */
export interface ReplayLimitState {
  /** Creation times (epoch ms) of the jobs started in the last hour, oldest first. */
  readonly starts: readonly number[];
  readonly activeJobId?: string;
  /** Compare-and-set version; 0 when the record does not exist yet. */
  readonly version: number;
}

export interface ReplayPolicy {
  /** Jobs per endpoint per (sliding) hour. */
  readonly perHour: number;
  /** A queued/running job with no progress for this long is abandoned; a new one may start. */
  readonly staleAfterMs: number;
  /** Retry-After while a job is in progress. */
  readonly busyRetryAfterSeconds: number;
  /** Events read from the log per chunk (one checkpoint per chunk). */
  readonly chunkSize: number;
  /** How long one invocation works on a job before it hands over to a fresh message. */
  readonly timeBudgetMs: number;
}

export const DEFAULT_REPLAY_POLICY: ReplayPolicy = {
  perHour: 10,
  staleAfterMs: 15 * 60_000,
  busyRetryAfterSeconds: 10,
  chunkSize: 100,
  timeBudgetMs: 20_000,
};

export const HOUR_MS = 3_600_000;

/** What admission knows of the job in progress, if the record names one. */
export interface ActiveJob {
  readonly status: ReplayJobStatus;
  readonly updatedAtMs: number;
}

export type Admission =
  | {
      readonly ok: true;
      readonly next: ReplayLimitState;
      /** The stale job the new one replaces (to be marked failed in the same write). */
      readonly abandons?: string;
    }
  | {
      readonly ok: false;
      readonly reason: 'in-progress' | 'hourly-limit';
      readonly retryAfterSeconds: number;
    };

/**
 * Admit a new replay job of an endpoint, or say why not: at most one queued/running job (one
 * without progress for `staleAfterMs` is abandoned), at most `perHour` starts in a sliding hour.
 */
export function admitReplay(
  state: ReplayLimitState | undefined,
  active: ActiveJob | undefined,
  jobId: string,
  nowMs: number,
  policy: ReplayPolicy,
): Admission {
  const current = state ?? { starts: [], version: 0 };
  let abandons: string | undefined;
  if (current.activeJobId && active && !isTerminal(active.status)) {
    if (nowMs - active.updatedAtMs < policy.staleAfterMs) {
      return { ok: false, reason: 'in-progress', retryAfterSeconds: policy.busyRetryAfterSeconds };
    }
    abandons = current.activeJobId;
  }
  const recent = current.starts.filter((at) => at > nowMs - HOUR_MS);
  if (recent.length >= policy.perHour) {
    const oldest = Math.min(...recent);
    return {
      ok: false,
      reason: 'hourly-limit',
      retryAfterSeconds: Math.max(1, Math.ceil((oldest + HOUR_MS - nowMs) / 1000)),
    };
  }
  return {
    ok: true,
    next: { starts: [...recent, nowMs], activeJobId: jobId, version: current.version + 1 },
    ...(abandons ? { abandons } : {}),
  };
}

/** One message on the Replays queue: "work on this job" (a start, a hand-over or a hop). */
export interface ReplayMessage {
  readonly v: 1;
  readonly jobId: string;
  readonly supplierId: string;
  readonly endpointId: string;
}

export function isReplayMessage(value: unknown): value is ReplayMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    m.v === 1 &&
    typeof m.jobId === 'string' &&
    typeof m.supplierId === 'string' &&
    typeof m.endpointId === 'string'
  );
}
