/**
 * A PlatformHttp that audits every call: it wraps any PlatformHttp (FetchPlatformHttp in
 * production) and, for each exchange, appends one AuditEntry (platform, operation, connection,
 * HTTP status or failure kind, latency, quota left, correlation id), counts the call in the
 * per-minute statistics of its platform and connection, and emits the call metrics. The call's own
 * answer (or error) is returned unchanged: the audit never changes or fails a platform call.
 *
 * The outcome recorded here is the transport's view, from the status alone (2xx ok, 401
 * auth-expired, 429 rate-limited, 408/5xx retry-later, other statuses permanent; a thrown
 * PlatformCallError keeps its kind). Adapters may classify a 200 further (HTML instead of JSON);
 * their own classification is what drives retries, this one is what the trail shows.
 *
 * Why retry-then-park, and park in the log: an audit write that fails must not fail the platform
 * call (the review would be fetched again, and the call made again, for a bookkeeping failure),
 * and must not be dropped either. So the write is retried a few times within the call (DynamoDB
 * throttling and blips pass in milliseconds); if it still fails, the whole entry is written as
 * one structured ERROR line to the function's log (CloudWatch Logs: durable, kept for the log
 * retention) and counted in `AuditEntriesParked`, which pages (runbooks/audit-entries-parked.md
 * says how to re-append them). An in-memory retry queue would die with the Lambda container; a
 * separate SQS queue would be one more thing to fail in the same outage. Statistics writes are
 * best effort (counted in `PlatformStatsWriteFailures`): the audit trail, not the health view, is
 * the record.
 */
import { isPlatformCallError, type ConnectedPlatform, type QuotaReport } from '../domain/platform';
import type { AuditEntry } from '../domain/audit';
import { newAuditId } from '../domain/audit-id';
import type { CallOutcome, PlatformStatsStore } from '../audit-ports';
import type {
  AuditLog,
  CallContext,
  PlatformHttp,
  PlatformHttpRequest,
  PlatformHttpResponse,
} from '../ports';

/** What a platform's response headers say about its quota (Yelp RateLimit-*, Facebook usage headers). */
export type QuotaFromHeaders = (
  platform: ConnectedPlatform,
  headers: Readonly<Record<string, string>>,
) => QuotaReport | undefined;

/** Where the call figures go (Powertools metrics in Lambda; a recorder in tests). */
export interface PlatformCallMetrics {
  call(
    platform: ConnectedPlatform,
    outcome: AuditEntry['outcome'],
    latencyMs: number,
    quotaHeadroom?: number,
  ): void;
  auditRetried(): void;
  auditParked(count: number): void;
  statsWriteFailed(): void;
}

export interface AuditedPlatformHttpDeps {
  readonly audit: AuditLog;
  /** Only recording: a call never reads the statistics. */
  readonly stats: Pick<PlatformStatsStore, 'record'>;
  readonly quotaFrom: QuotaFromHeaders;
  readonly metrics: PlatformCallMetrics;
  /** Writes entries the audit table refused after the retries, durably (the log), with the error. */
  readonly park: (entries: readonly AuditEntry[], error: unknown) => void;
  readonly onStatsError?: (error: unknown) => void;
  readonly nowMs?: () => number;
  /** Waits between audit write attempts; default 50 ms then 200 ms. */
  readonly auditRetryDelaysMs?: readonly number[];
  readonly sleep?: (ms: number) => Promise<void>;
}

export class AuditedPlatformHttp implements PlatformHttp {
  private readonly nowMs: () => number;
  private readonly delays: readonly number[];
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly inner: PlatformHttp,
    private readonly deps: AuditedPlatformHttpDeps,
  ) {
    this.nowMs = deps.nowMs ?? Date.now;
    this.delays = deps.auditRetryDelaysMs ?? [50, 200];
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async request(request: PlatformHttpRequest, context: CallContext): Promise<PlatformHttpResponse> {
    const started = this.nowMs();
    let response: PlatformHttpResponse | undefined;
    let failure: unknown;
    try {
      response = await this.inner.request(request, context);
    } catch (error) {
      failure = error;
    }
    const finished = this.nowMs();
    await this.record(request, context, started, finished, response, failure);
    if (response) return response;
    throw failure;
  }

  private async record(
    request: PlatformHttpRequest,
    context: CallContext,
    started: number,
    finished: number,
    response: PlatformHttpResponse | undefined,
    failure: unknown,
  ): Promise<void> {
    const outcome = response ? outcomeOfStatus(response.status) : outcomeOfError(failure);
    const latencyMs = response?.latencyMs ?? Math.max(0, finished - started);
    const quota = response ? this.quotaOf(context.platform, response.headers) : undefined;
    const headroom = quota ? headroomOf(quota) : undefined;
    const status = response?.status ?? (isPlatformCallError(failure) ? failure.status : undefined);
    const at = new Date(finished).toISOString();
    const entry: AuditEntry = {
      auditId: newAuditId(finished),
      supplierId: context.supplierId,
      platform: context.platform,
      ...(context.connectionId ? { connectionId: context.connectionId } : {}),
      action: { kind: 'call', operation: context.operation },
      at,
      outcome,
      ...(status !== undefined ? { httpStatus: status } : {}),
      latencyMs,
      ...(context.gate
        ? {
            breakerProbe: context.gate.probe,
            ...(context.gate.probeId !== undefined ? { breakerProbeId: context.gate.probeId } : {}),
            // To the call's start as its latency dates it (the inner client times the request
            // itself), so that `at` - latencyMs - queuedMs is the breaker read, exactly.
            queuedMs: Math.max(0, finished - latencyMs - context.gate.breakerReadAtMs),
          }
        : {}),
      ...(quota?.remaining !== undefined ? { quotaRemaining: quota.remaining } : {}),
      correlationId: context.correlationId,
      detail: describeRequest(request, failure),
    };
    const call: CallOutcome = {
      platform: context.platform,
      ...(context.connectionId ? { connectionId: context.connectionId } : {}),
      at,
      outcome,
      ...(quota
        ? {
            quota: {
              ...(quota.remaining !== undefined ? { remaining: quota.remaining } : {}),
              ...(quota.limit !== undefined ? { limit: quota.limit } : {}),
              ...(headroom !== undefined ? { headroom } : {}),
            },
          }
        : {}),
    };
    this.deps.metrics.call(context.platform, outcome, latencyMs, headroom);
    await Promise.all([this.writeAudit(entry), this.writeStats(call)]);
  }

  private quotaOf(
    platform: ConnectedPlatform,
    headers: Readonly<Record<string, string>>,
  ): QuotaReport | undefined {
    try {
      return this.deps.quotaFrom(platform, headers);
    } catch {
      // A header this parser cannot read says nothing about the quota; the call stands.
      return undefined;
    }
  }

  private async writeAudit(entry: AuditEntry): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.delays.length; attempt += 1) {
      if (attempt > 0) {
        this.deps.metrics.auditRetried();
        await this.sleep(this.delays[attempt - 1]!);
      }
      try {
        // Same entry, same id: a retry after a lost answer finds it written and changes nothing.
        await this.deps.audit.append([entry]);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    this.deps.metrics.auditParked(1);
    this.deps.park([entry], lastError);
  }

  private async writeStats(call: CallOutcome): Promise<void> {
    try {
      await this.deps.stats.record(call);
    } catch (error) {
      this.deps.metrics.statsWriteFailed();
      this.deps.onStatsError?.(error);
    }
  }
}

export function outcomeOfStatus(status: number): AuditEntry['outcome'] {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 401) return 'auth-expired';
  if (status === 429) return 'rate-limited';
  if (status === 408 || status >= 500) return 'retry-later';
  return 'permanent';
}

function outcomeOfError(error: unknown): AuditEntry['outcome'] {
  return isPlatformCallError(error) ? error.failure.kind : 'retry-later';
}

/** Share of the window left, 0..1: from the used ratio, else remaining / limit. */
export function headroomOf(quota: QuotaReport): number | undefined {
  if (quota.usedRatio !== undefined) return Math.min(1, Math.max(0, 1 - quota.usedRatio));
  if (quota.remaining !== undefined && quota.limit !== undefined && quota.limit > 0) {
    return Math.min(1, Math.max(0, quota.remaining / quota.limit));
  }
  return undefined;
}

/**
 * Method, host and path only: never the query string (Facebook takes tokens there), headers or
 * bodies (tokens, review text). A transport failure adds its reason (the client's own words).
 */
function describeRequest(request: PlatformHttpRequest, failure: unknown): string {
  let target: string;
  try {
    const url = new URL(request.url);
    target = `${url.host}${url.pathname}`;
  } catch {
    target = 'unparseable url';
  }
  const reason = isPlatformCallError(failure) ? `: ${failure.failure.reason}` : '';
  return `${request.method} ${target}${reason}`.slice(0, 300);
}
