/**
 * The platform alarms watch metrics the code really emits. For every region's service stack, the
 * emitting adapter (PowertoolsPlatformMetrics) runs with the namespace and service name the
 * synthesized functions get in their environment, and prints its EMF: the SyncScheduler's health
 * gauges (breaker open, sync lag, quota headroom, re-auth gauge), the platform-calling workers'
 * call figures and re-auth counts. Each platform alarm's metric name, namespace and dimensions must
 * be among what those functions print, so a renamed metric, a lost dimension or another namespace
 * fails here instead of leaving an alarm that can never fire.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Template } from 'aws-cdk-lib/assertions';
import { functionDefinition, type FunctionId } from '#src/catalog/functions';
import {
  callHealth,
  CONNECTED_PLATFORMS,
  healthMetrics,
  PLATFORM_METRICS,
  type PlatformHealth,
} from '#src/platforms';
import { PowertoolsPlatformMetrics } from '../../src/platforms/adapters/platform-metrics';
import { synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

interface Emitted {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

interface AlarmProperties {
  readonly AlarmName: string;
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Dimensions?: readonly { readonly Name: string; readonly Value: string }[];
}

/** The environment the synthesized function of `id` gets. */
function environmentOf(template: Template, id: FunctionId): Record<string, string> {
  const found = Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Description: functionDefinition(id).description },
    }),
  ) as { Properties: { Environment: { Variables: Record<string, string> } } }[];
  expect(found).toHaveLength(1);
  return found[0]!.Properties.Environment.Variables;
}

/** What `emit` prints through PowertoolsPlatformMetrics in a function with this environment. */
function emittedIn(
  env: Record<string, string>,
  emit: (metrics: PowertoolsPlatformMetrics) => void,
): Emitted[] {
  const saved = { ...process.env };
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    // As in Lambda: metrics on, one JSON line each (test/setup-env.ts turns them off for tests).
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    delete process.env.POWERTOOLS_DEV;
    const metrics = new Metrics({
      namespace: env.POWERTOOLS_METRICS_NAMESPACE,
      serviceName: env.POWERTOOLS_SERVICE_NAME,
    });
    emit(new PowertoolsPlatformMetrics(metrics));
  } finally {
    spy.mockRestore();
    process.env = saved;
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .flatMap((text) => {
      const line = JSON.parse(text) as Record<string, unknown> & {
        _aws: {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        };
      };
      return line._aws.CloudWatchMetrics.flatMap((directive) =>
        directive.Dimensions.flatMap((set) =>
          directive.Metrics.map((m) => ({
            namespace: directive.Namespace,
            name: m.Name,
            dimensions: Object.fromEntries(set.map((d) => [d, String(line[d])])),
          })),
        ),
      );
    });
}

/** Every figure the health view can have, for every platform. */
function fullHealth(): PlatformHealth[] {
  const nowMs = Date.parse('2026-12-03T12:00:00.000Z');
  const call = callHealth(
    [{ minuteMs: nowMs - 60_000, successes: 3, failures: 1, rateLimited: 0 }],
    { quota: { remaining: 1, limit: 100, at: new Date(nowMs).toISOString() } },
    nowMs,
  );
  return CONNECTED_PLATFORMS.map((platform) => ({
    ...call,
    platform,
    breaker: { status: 'open' },
    maxSyncLagSeconds: 4000,
    connections: [],
    state: 'down',
  }));
}

const PLATFORM_METRIC_NAMES = new Set<string>(Object.values(PLATFORM_METRICS));

describe.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])('service stack in %s', (region) => {
  const template = () => synth.serviceTemplates.get(region)!;
  const platformAlarms = () =>
    (Object.values(template().findResources('AWS::CloudWatch::Alarm')) as { Properties: AlarmProperties }[])
      .map((a) => a.Properties)
      .filter((a) => a.MetricName !== undefined && PLATFORM_METRIC_NAMES.has(a.MetricName));

  const emittedBy = (id: FunctionId, emit: (metrics: PowertoolsPlatformMetrics) => void) =>
    emittedIn(environmentOf(template(), id), emit).map((e) => ({ ...e, by: id }));

  it('every platform alarm watches a metric its function emits: same name, namespace and dimensions', () => {
    const emitted = [
      ...emittedBy('SyncScheduler', (m) =>
        m.publishHealth(
          healthMetrics(fullHealth(), Object.fromEntries(CONNECTED_PLATFORMS.map((p) => [p, 1]))),
        ),
      ),
      ...(['SyncWorker', 'ReplyWorker'] as const).flatMap((id) =>
        emittedBy(id, (m) => {
          for (const platform of CONNECTED_PLATFORMS) {
            m.call(platform, 'retry-later', 250, 0.01);
            m.reauthRequired(platform, 1);
          }
          m.auditParked(1);
        }),
      ),
    ];
    const alarms = platformAlarms();
    // Four per platform (breaker open, sync lag, quota, re-auth) and the parked audit entries.
    expect(alarms).toHaveLength(CONNECTED_PLATFORMS.length * 4 + 1);
    for (const alarm of alarms) {
      const dimensions = Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      const match = emitted.find(
        (e) =>
          e.name === alarm.MetricName &&
          e.namespace === alarm.Namespace &&
          JSON.stringify(Object.entries(e.dimensions).sort()) ===
            JSON.stringify(Object.entries(dimensions).sort()),
      );
      expect([alarm.AlarmName, match?.by]).toEqual([alarm.AlarmName, expect.any(String)]);
    }
  });

  it('the breaker-open and sync-lag alarms are fed by the SyncScheduler, which runs on a schedule', () => {
    const gauges = emittedBy('SyncScheduler', (m) => m.publishHealth(healthMetrics(fullHealth())));
    for (const name of [PLATFORM_METRICS.breakerOpen, PLATFORM_METRICS.syncLag]) {
      const alarms = platformAlarms().filter((a) => a.MetricName === name);
      expect(alarms).toHaveLength(CONNECTED_PLATFORMS.length);
      for (const alarm of alarms) {
        const platform = alarm.Dimensions!.find((d) => d.Name !== 'service')!;
        expect(
          gauges.some(
            (g) =>
              g.name === name &&
              g.namespace === alarm.Namespace &&
              g.dimensions[platform.Name] === platform.Value,
          ),
        ).toBe(true);
      }
    }
  });
});
