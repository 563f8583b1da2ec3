/**
 * The platform app-secret hand-over's testSecret (issue 9, docs/secret-rotation.md) against the
 * fake platforms over real HTTP on 127.0.0.1: the real PlatformSecretProver and FetchPlatformHttp
 * prove a staged value at each platform's token endpoint (Google and Trustpilot: a refresh with
 * the client credentials; Facebook: an app access token; Yelp: an authenticated request). A good
 * staged value is promoted; a wrong one fails testSecret and AWSCURRENT stays where it was.
 * Secrets Manager itself is the in-memory model behind aws-sdk-client-mock (no emulator here).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AdminAct } from '../../../src/audit';
import { secretDefinition, type SecretId } from '../../../src/catalog/secrets';
import { PlatformSecretProver } from '../../../src/credentials/adapters/platform-secret-probe';
import { SecretsManagerVersionStore } from '../../../src/credentials/adapters/secrets-manager-versions';
import { rotateSecret, type RotateSecretDeps, type RotationStep } from '../../../src/credentials';
import { FetchPlatformHttp } from '../../../src/platforms/adapters/fetch-platform-http';
import type { ConnectedPlatform } from '../../../src/platforms';
import { FakeFacebook } from '../../../local/platform-fakes/facebook';
import { FakeGoogleBusinessProfile } from '../../../local/platform-fakes/google';
import { FakeTrustpilot } from '../../../local/platform-fakes/trustpilot';
import { FakeYelp } from '../../../local/platform-fakes/yelp';
import {
  mountFacebookOAuth,
  mountGoogleOAuth,
  mountTrustpilotOAuth,
} from '../../../local/platform-fakes/oauth';
import type { FakePlatformServer } from '../../../local/platform-fakes/fake-platform-server';
import { FakeSecretsManager } from '../../support/fake-secrets-manager';

jest.setTimeout(30_000);

const sm = new FakeSecretsManager();
const CLIENT_IDS = { google: 'google-client-id', facebook: '1234567890', trustpilot: 'tp-api-key' };
const TOKEN = '33333333-3333-4333-8333-333333333333';

/** The value each platform accepts (the one the operator got from the platform's console). */
const ISSUED: Record<ConnectedPlatform, string> = {
  google: 'GOCSPX-issued-by-google',
  facebook: 'fb0123456789abcdef0123456789abcd',
  trustpilot: 'tp-issued-secret',
  yelp: 'yelp-issued-api-key',
};
const CASES: readonly (readonly [ConnectedPlatform, SecretId])[] = [
  ['google', 'GoogleClientSecret'],
  ['facebook', 'FacebookAppSecret'],
  ['trustpilot', 'TrustpilotApiSecret'],
  ['yelp', 'YelpApiKey'],
];

let google: FakeGoogleBusinessProfile;
let facebook: FakeFacebook;
let trustpilot: FakeTrustpilot;
let yelp: FakeYelp;
let servers: Record<ConnectedPlatform, FakePlatformServer>;
let prover: PlatformSecretProver;

beforeAll(async () => {
  google = new FakeGoogleBusinessProfile();
  facebook = new FakeFacebook();
  trustpilot = new FakeTrustpilot();
  yelp = new FakeYelp();
  mountGoogleOAuth(google.server, { clientId: CLIENT_IDS.google, clientSecret: ISSUED.google });
  mountFacebookOAuth(facebook.server, { clientId: CLIENT_IDS.facebook, clientSecret: ISSUED.facebook });
  mountTrustpilotOAuth(trustpilot.server, {
    clientId: CLIENT_IDS.trustpilot,
    clientSecret: ISSUED.trustpilot,
  });
  await Promise.all([google.start(), facebook.start(), trustpilot.start(), yelp.start()]);
  yelp.server.issueToken('yelp-api-key', 86_400_000, ISSUED.yelp);
  servers = {
    google: google.server,
    facebook: facebook.server,
    trustpilot: trustpilot.server,
    yelp: yelp.server,
  };
  prover = new PlatformSecretProver(new FetchPlatformHttp(), CLIENT_IDS, {
    google: google.baseUrl,
    facebook: facebook.server.baseUrl,
    trustpilot: trustpilot.server.baseUrl,
    yelp: yelp.baseUrl,
  });
});
afterAll(async () => {
  await Promise.all([google?.close(), facebook?.close(), trustpilot?.close(), yelp?.close()]);
});
beforeEach(() => sm.reset());

function deps(acts: AdminAct[]): RotateSecretDeps {
  return {
    store: new SecretsManagerVersionStore(new SecretsManagerClient({ region: 'us-east-1' })),
    prover,
    audit: { record: async (act) => void acts.push(act) },
    clock: { now: () => sm.now },
    newAuditId: (ms) => `aud_${ms}_${acts.length}`,
    newKeyMaterial: () => {
      throw new Error('a platform secret is never generated');
    },
    log: { info: () => undefined, error: () => undefined },
  };
}

const arnOf = (id: SecretId) => `arn:aws:secretsmanager:us-east-1:111122223333:secret:${id}-AbCdEf`;
const step = (id: SecretId, Step: RotationStep, d: RotateSecretDeps) =>
  rotateSecret({ Step, SecretId: arnOf(id), ClientRequestToken: TOKEN }, secretDefinition(id), d);

async function stage(id: SecretId, current: string, pending: string): Promise<void> {
  sm.create(arnOf(id), current);
  await new SecretsManagerVersionStore(new SecretsManagerClient({ region: 'us-east-1' })).putPending(
    arnOf(id),
    TOKEN,
    pending,
  );
}

describe.each(CASES)('%s (%s)', (platform, id) => {
  it('proves a good staged value at the platform, then promotes it', async () => {
    await stage(id, 'the-old-value', ISSUED[platform]);
    const acts: AdminAct[] = [];
    const d = deps(acts);
    const calls = servers[platform].count();
    expect(await step(id, 'createSecret', d)).toBe('staged');
    expect(await step(id, 'setSecret', d)).toBe('nothing-to-set');
    expect(await step(id, 'testSecret', d)).toBe('tested');
    // The proof was a real request to the platform's fake.
    expect(servers[platform].count()).toBeGreaterThan(calls);
    expect(await step(id, 'finishSecret', d)).toBe('promoted');
    expect(sm.valueAt(arnOf(id), 'AWSCURRENT')).toBe(ISSUED[platform]);
    expect(sm.valueAt(arnOf(id), 'AWSPREVIOUS')).toBe('the-old-value');
    expect(acts).toMatchObject([{ kind: 'secret.rotated', outcome: 'ok' }]);
  });

  it('fails testSecret on a wrong staged value, leaving AWSCURRENT untouched', async () => {
    await stage(id, ISSUED[platform], 'a-value-the-platform-never-issued');
    const acts: AdminAct[] = [];
    const d = deps(acts);
    expect(await step(id, 'createSecret', d)).toBe('staged');
    await expect(step(id, 'testSecret', d)).rejects.toThrow('refused the staged value');
    expect(sm.valueAt(arnOf(id), 'AWSCURRENT')).toBe(ISSUED[platform]);
    // Still pending: Secrets Manager retries the rotation; the operator can stage a corrected value.
    expect(sm.versionWith(arnOf(id), 'AWSPENDING')).toBe(TOKEN);
    expect(acts).toMatchObject([{ kind: 'secret.rotation_failed', outcome: 'failed' }]);
    expect(JSON.stringify(acts)).not.toContain('a-value-the-platform-never-issued');
  });
});
