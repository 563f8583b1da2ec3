/** The `wedsync` context: per-stage settings, validated up front, with every problem named. */
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { allRegions, loadConfig } from '../../lib/config';
import { LOG_RETENTION_DAYS, readProjectConfig } from '../../lib/settings';
import { projectContext } from './support/synth';

const committed = projectContext().wedsync as Record<string, unknown>;
const appWith = (wedsync: unknown, extra: Record<string, string> = {}): App =>
  new App({ context: { wedsync, ...extra } });
const stages = committed.stages as Record<string, Record<string, unknown>>;
const PAGERDUTY_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const PAGERDUTY_URL = `https://events.pagerduty.com/integration/${PAGERDUTY_KEY}/enqueue`;
/** The committed context with `stages.<stage>.paging` replaced. */
const withPaging = (stage: string, paging: Record<string, unknown>) => ({
  ...committed,
  stages: { ...stages, [stage]: { ...stages[stage], paging } },
});
const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};

describe('loadConfig', () => {
  it('accepts the committed cdk.json context', () => {
    const config = loadConfig(appWith(committed));
    expect(config.primaryRegion).toBe('us-east-1');
    expect(allRegions(config)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-1']);
    // The default stage (dev) needs no PagerDuty: the offline synth of the example works.
    expect(config.stage).toBe('dev');
    expect(config.paging).toEqual({
      pagesOnCall: false,
      warningEmails: ['wedsync-dev-alarms@wedsync.example'],
    });
  });

  it('accepts the context as a JSON string (cdk synth -c wedsync=...)', () => {
    expect(loadConfig(appWith(JSON.stringify(committed))).account).toBe(stages.dev.account);
  });

  it('fails when the context is missing', () => {
    expect(() => loadConfig(new App())).toThrow('Missing CDK context "wedsync"');
  });

  it('names every invalid field', () => {
    const broken = {
      ...withPaging('dev', { pagesOnCall: false, pagerDutyIntegrationUrl: 'http://pager.example' }),
      stages: {
        ...stages,
        dev: {
          ...stages.dev,
          account: '123',
          paging: { pagesOnCall: false, pagerDutyIntegrationUrl: 'http://x' },
        },
      },
      logRetentionDays: 31,
    };
    const message = messageOf(() => loadConfig(appWith(broken)));
    expect(message).toContain('for stage "dev"');
    expect(message).toContain('wedsync.account');
    expect(message).toContain('wedsync.paging.pagerDutyIntegrationUrl');
    expect(message).toContain('wedsync.logRetentionDays');
  });

  it('rejects unknown keys, so a typo is not silently ignored', () => {
    expect(() => loadConfig(appWith({ ...committed, tracin: true }))).toThrow(/tracin/);
  });

  it('rejects a replica region equal to the primary or repeated', () => {
    expect(() => loadConfig(appWith({ ...committed, replicaRegions: ['us-east-1', 'eu-west-1'] }))).toThrow(
      /replicaRegions/,
    );
    expect(() => loadConfig(appWith({ ...committed, replicaRegions: ['eu-west-1', 'eu-west-1'] }))).toThrow(
      /replicaRegions/,
    );
  });

  it('keeps key revocation within the documented bound: authorizer cache + key cache <= 60 s', () => {
    const api = committed.api as Record<string, unknown>;
    expect(loadConfig(appWith(committed)).api.authorizerCacheSeconds).toBe(30);
    expect(() =>
      loadConfig(appWith({ ...committed, api: { ...api, authorizerCacheSeconds: 56 } })),
    ).not.toThrow();
    expect(() => loadConfig(appWith({ ...committed, api: { ...api, authorizerCacheSeconds: 57 } }))).toThrow(
      /authorizerCacheSeconds: at most 56/,
    );
  });

  it('requires the From address to belong to the SES identity, and an https link base', () => {
    expect(() =>
      loadConfig(
        appWith({ ...committed, email: { identity: 'wedsync.example', fromAddress: 'x@other.example' } }),
      ),
    ).toThrow(/email.fromAddress/);
    expect(() =>
      loadConfig(
        appWith({
          ...committed,
          reviewRequests: { perSupplierPerDay: 200, linkBaseUrl: 'http://app.wedsync.example/review' },
        }),
      ),
    ).toThrow(/reviewRequests.linkBaseUrl/);
  });
});

describe('deploy stages and paging (issue 10)', () => {
  it('lays the selected stage over the shared settings (-c stage=prod)', () => {
    const prod = loadConfig(
      appWith(
        withPaging('prod', {
          pagesOnCall: true,
          pagerDutyIntegrationUrl: PAGERDUTY_URL,
          warningEmails: ['wedsync-ops@wedsync.example'],
        }),
        {
          stage: 'prod',
        },
      ),
    );
    expect(prod.stage).toBe('prod');
    expect(prod.account).toBe('222222222222');
    expect(prod.logRetentionDays).toBe(90);
    // Not overridden: shared.
    expect(prod.api).toEqual(loadConfig(appWith(committed)).api);
    expect(prod.paging).toEqual({
      pagesOnCall: true,
      pagerDutyIntegrationUrl: PAGERDUTY_URL,
      warningEmails: ['wedsync-ops@wedsync.example'],
    });
  });

  it('refuses to build the committed prod stage without PagerDuty, saying what to set', () => {
    const message = messageOf(() => loadConfig(appWith(committed, { stage: 'prod' })));
    expect(message).toContain('Stage "prod" pages on-call');
    expect(message).toContain('wedsync.stages.prod.paging.pagerDutyIntegrationUrl');
    expect(message).toContain('-c pagerDutyIntegrationUrl=');
  });

  it('takes the PagerDuty URL from the command line, or derives it from the integration key', () => {
    const fromCli = loadConfig(appWith(committed, { stage: 'prod', pagerDutyIntegrationUrl: PAGERDUTY_URL }));
    expect(fromCli.paging.pagerDutyIntegrationUrl).toBe(PAGERDUTY_URL);
    const fromKey = loadConfig(
      appWith(withPaging('prod', { pagesOnCall: true, pagerDutyIntegrationKey: PAGERDUTY_KEY }), {
        stage: 'prod',
      }),
    );
    expect(fromKey.paging.pagerDutyIntegrationUrl).toBe(PAGERDUTY_URL);
  });

  it('refuses a placeholder or a foreign URL, both forms at once, and a stage that reaches nobody', () => {
    for (const url of [
      'https://events.pagerduty.com/integration/REPLACE/enqueue',
      `https://pager.example/integration/${PAGERDUTY_KEY}/enqueue`,
    ]) {
      expect(
        messageOf(() => loadConfig(appWith(committed, { stage: 'prod', pagerDutyIntegrationUrl: url }))),
      ).toContain('paging.pagerDutyIntegrationUrl');
    }
    expect(
      messageOf(() =>
        loadConfig(
          appWith(
            withPaging('prod', {
              pagesOnCall: true,
              pagerDutyIntegrationUrl: PAGERDUTY_URL,
              pagerDutyIntegrationKey: PAGERDUTY_KEY,
            }),
            { stage: 'prod' },
          ),
        ),
      ),
    ).toContain('not both');
    expect(messageOf(() => loadConfig(appWith(withPaging('dev', { pagesOnCall: false }))))).toContain(
      'would reach nobody',
    );
  });

  it('names the stages when an unknown one is asked for', () => {
    expect(messageOf(() => loadConfig(appWith(committed, { stage: 'staging' })))).toBe(
      'Unknown stage "staging": wedsync.stages defines dev, prod, prod-eu',
    );
  });
});

describe('readProjectConfig (the local mode reads the deployed settings without the CDK)', () => {
  it('gives exactly what the CDK app loads from the same context', () => {
    expect(readProjectConfig()).toEqual(loadConfig(appWith(committed)));
  });

  it("defaults the integration timeout to API Gateway's 29 s", () => {
    expect(readProjectConfig().api.integrationTimeoutSeconds).toBe(29);
  });

  it('knows the same log retention periods as aws-cdk-lib', () => {
    const cdkValues = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
    expect([...LOG_RETENTION_DAYS].sort((a, b) => a - b)).toEqual([...cdkValues].sort((a, b) => a - b));
  });
});
