import { createHmac } from 'node:crypto';
import {
  SecretNotificationSecrets,
  trustpilotWebhookToken,
} from '../../../src/platforms/adapters/notification-secrets';
import { GOOGLE_PUSH_TOKEN_SECRET } from '../../../src/platforms/adapters/google';

const ring = (...values: string[]) => ({ keyRing: async () => values });

const secrets = new SecretNotificationSecrets({
  facebookAppSecret: ring('app-secret', 'old-app-secret'),
  facebookVerifyToken: ring('verify-token'),
  googlePushToken: ring('push-token'),
  trustpilotWebhookToken: ring('tp-key'),
});

it('gives Facebook its app secret and verify token (current versions)', async () => {
  await expect(secrets.secretsFor('facebook')).resolves.toEqual({
    appSecret: 'app-secret',
    verifyToken: 'verify-token',
  });
});

it("gives Google the push URL's token under the adapter's key, and Yelp nothing", async () => {
  await expect(secrets.secretsFor('google')).resolves.toEqual({ [GOOGLE_PUSH_TOKEN_SECRET]: 'push-token' });
  await expect(secrets.secretsFor('yelp')).resolves.toEqual({});
});

it('gives Trustpilot the token derived for the business unit the request names, and the unit', async () => {
  const scoped = secrets.forRequest({ businessUnitId: 'bu-1', token: 'whatever' });
  const expected = createHmac('sha256', 'tp-key').update('trustpilot-webhook:bu-1').digest('base64url');
  await expect(scoped.secretsFor('trustpilot')).resolves.toEqual({
    notificationToken: expected,
    businessUnitId: 'bu-1',
  });
  expect(trustpilotWebhookToken('tp-key', 'bu-1')).toBe(expected);
  // Each unit its own token: one unit's URL is no use for another.
  expect(trustpilotWebhookToken('tp-key', 'bu-2')).not.toBe(expected);
});

it('gives Trustpilot no token without a business unit (the verifier then refuses)', async () => {
  await expect(secrets.secretsFor('trustpilot')).resolves.toEqual({});
  await expect(secrets.forRequest({ token: 'x' }).secretsFor('trustpilot')).resolves.toEqual({});
});

describe('candidatesFor (issue 9: readers mid-rotation)', () => {
  it('gives every combination of current and previous values, current first', async () => {
    const rotating = new SecretNotificationSecrets({
      facebookAppSecret: ring('app-new', 'app-old'),
      facebookVerifyToken: ring('vt-new', 'vt-old'),
      googlePushToken: ring('push-new', 'push-old'),
      trustpilotWebhookToken: ring('tp-new', 'tp-old'),
    });
    await expect(rotating.candidatesFor('facebook')).resolves.toEqual([
      { appSecret: 'app-new', verifyToken: 'vt-new' },
      { appSecret: 'app-new', verifyToken: 'vt-old' },
      { appSecret: 'app-old', verifyToken: 'vt-new' },
      { appSecret: 'app-old', verifyToken: 'vt-old' },
    ]);
    await expect(rotating.candidatesFor('google')).resolves.toEqual([
      { [GOOGLE_PUSH_TOKEN_SECRET]: 'push-new' },
      { [GOOGLE_PUSH_TOKEN_SECRET]: 'push-old' },
    ]);
    // A Trustpilot URL made with the previous secret keeps working until it is re-registered.
    await expect(
      rotating.forRequest({ businessUnitId: 'bu-1' }).candidatesFor('trustpilot'),
    ).resolves.toEqual([
      { notificationToken: trustpilotWebhookToken('tp-new', 'bu-1'), businessUnitId: 'bu-1' },
      { notificationToken: trustpilotWebhookToken('tp-old', 'bu-1'), businessUnitId: 'bu-1' },
    ]);
    expect(await secrets.candidatesFor('yelp')).toEqual([{}]);
  });

  it('passes a forced fetch on to every ring', async () => {
    const forced: string[] = [];
    const spy = (name: string) => ({
      keyRing: async (options?: { forceFetch?: boolean }) => {
        if (options?.forceFetch) forced.push(name);
        return [name];
      },
    });
    const sources = new SecretNotificationSecrets({
      facebookAppSecret: spy('app'),
      facebookVerifyToken: spy('vt'),
      googlePushToken: spy('push'),
      trustpilotWebhookToken: spy('tp'),
    });
    await sources.candidatesFor('facebook', { forceFetch: true });
    expect(forced.sort()).toEqual(['app', 'vt']);
  });
});
