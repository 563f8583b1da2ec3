/**
 * The deep health check of one region (issue 11): each dependency the API path needs is probed at
 * once, each within a short deadline, and the region is healthy only when every probe answers in
 * time. Route 53's health checkers expect an answer within 2 seconds of connecting, so the probes
 * run in parallel under a deadline well below that. The report names each dependency and how its
 * probe ended (`ok`, `failed`, `timeout`), never an error message: the route is public.
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';

export const HEALTH_CHECK_NAMES = ['dynamodb', 'sqs', 'secrets'] as const;
export type HealthCheckName = (typeof HEALTH_CHECK_NAMES)[number];

/** A probe resolves when the dependency answered; it is given a signal to abort at its deadline. */
export type HealthProbe = (signal: AbortSignal) => Promise<void>;

export type HealthProbes = Readonly<Record<HealthCheckName, HealthProbe>>;

/** Each probe's deadline; the route answers within about this long. */
export const HEALTH_CHECK_TIMEOUT_MS = 1_000;

export const healthCheckResult = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      status: z.enum(['ok', 'failed', 'timeout']),
      latencyMs: z.number().check(z.int(), z.nonnegative()),
    })
    .check(
      z.meta({
        id: 'HealthCheckResult',
        description: 'How the probe of one dependency ended, and how long it took.',
      }),
    ),
);

const checks = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    dynamodb: healthCheckResult(),
    sqs: healthCheckResult(),
    secrets: healthCheckResult(),
  }),
);

export const healthReportSchema = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      status: z.enum(['ok', 'unavailable']),
      region: z.string(),
      checks: checks(),
    })
    .check(
      z.meta({
        id: 'HealthReport',
        description:
          "The region's deep health: DynamoDB (a read of the region's table replica), SQS (the ingest queue's " +
          'attributes) and the signing secret (the cached key ring, fetched if stale), each within 1 s.',
        examples: [
          {
            status: 'ok',
            region: 'eu-west-1',
            checks: {
              dynamodb: { status: 'ok', latencyMs: 6 },
              sqs: { status: 'ok', latencyMs: 9 },
              secrets: { status: 'ok', latencyMs: 0 },
            },
          },
        ],
      }),
    ),
);

export type HealthReport = z.infer<ReturnType<typeof healthReportSchema>>;
type CheckResult = z.infer<ReturnType<typeof healthCheckResult>>;

/**
 * Runs every probe at once, each aborted and counted as `timeout` at its deadline; a probe that
 * throws is `failed`. Never throws.
 */
export async function checkHealth(
  probes: HealthProbes,
  region: string,
  options: { timeoutMs?: number; now?: () => number } = {},
): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? HEALTH_CHECK_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const results = await Promise.all(
    HEALTH_CHECK_NAMES.map(async (name) => [name, await runProbe(probes[name], timeoutMs, now)] as const),
  );
  const byName = Object.fromEntries(results) as Record<HealthCheckName, CheckResult>;
  const healthy = results.every(([, result]) => result.status === 'ok');
  return { status: healthy ? 'ok' : 'unavailable', region, checks: byName };
}

async function runProbe(probe: HealthProbe, timeoutMs: number, now: () => number): Promise<CheckResult> {
  const started = now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, timeoutMs);
  });
  const outcome = probe(controller.signal).then(
    () => 'ok' as const,
    () => 'failed' as const,
  );
  try {
    const status = await Promise.race([outcome, deadline]);
    return { status, latencyMs: Math.max(0, Math.round(now() - started)) };
  } finally {
    clearTimeout(timer);
  }
}

/** The names of the checks that did not pass, for the 503's detail. */
export const failedChecks = (report: HealthReport): HealthCheckName[] =>
  HEALTH_CHECK_NAMES.filter((name) => report.checks[name].status !== 'ok');
