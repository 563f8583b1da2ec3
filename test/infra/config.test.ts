/** The `wedsync` context: validated up front, with every problem named. */
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { allRegions, loadConfig } from '../../lib/config';
import { LOG_RETENTION_DAYS, readProjectConfig } from '../../lib/settings';
import { projectContext } from './support/synth';

const committed = projectContext().wedsync as Record<string, unknown>;
const appWith = (wedsync: unknown): App => new App({ context: { wedsync } });

describe('loadConfig', () => {
  it('accepts the committed cdk.json context', () => {
    const config = loadConfig(appWith(committed));
    expect(config.primaryRegion).toBe('us-east-1');
    expect(allRegions(config)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-1']);
    expect(config.onCallEndpoint).toMatch(/^https:\/\//);
  });

  it('accepts the context as a JSON string (cdk synth -c wedsync=...)', () => {
    expect(loadConfig(appWith(JSON.stringify(committed))).account).toBe(committed.account);
  });

  it('fails when the context is missing', () => {
    expect(() => loadConfig(new App())).toThrow('Missing CDK context "wedsync"');
  });

  it('names every invalid field', () => {
    const broken = {
      ...committed,
      account: '123',
      onCallEndpoint: 'http://pager.example',
      logRetentionDays: 31,
    };
    let message = '';
    try {
      loadConfig(appWith(broken));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('wedsync.account');
    expect(message).toContain('wedsync.onCallEndpoint');
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
