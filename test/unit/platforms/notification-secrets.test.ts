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
