/**
 * What each platform's notification verifier needs, from the catalogued secrets (Secrets Manager
 * in AWS, the local key ring in the local mode), read through the cached key-ring sources:
 * - facebook: `appSecret` (FacebookAppSecret: the HMAC key of X-Hub-Signature-256) and
 *   `verifyToken` (FacebookVerifyToken: the GET handshake);
 * - google: `pushToken` (GooglePushToken: the `token` query of the Pub/Sub push URL);
 * - trustpilot: `notificationToken` and `businessUnitId`: Trustpilot signs nothing and sends no
 *   business unit we can rely on, so each business unit registers its own URL,
 *   `...?businessUnitId=<id>&token=<HMAC of the id with TrustpilotWebhookToken>` (a per-unit
 *   secret derived from one stored secret: a supplier's URL is no use for another unit);
 * - yelp: nothing (Yelp sends us no notifications).
 * During a rotation (issue 9) each secret's ring is [AWSCURRENT, AWSPREVIOUS]: `candidatesFor`
 * gives every combination, current first, so a platform still configured with the previous value
 * keeps verifying until its configuration is updated (docs/platform-notifications.md); a warm
 * container whose cached ring predates a rotation refetches once (receive-notification.ts).
 */
import { createHmac } from 'node:crypto';
import type { ConnectedPlatform } from '../domain/platform';
import type { NotificationSecrets } from '../sync-ports';
import { GOOGLE_PUSH_TOKEN_SECRET } from './google';

interface SecretSource {
  keyRing(options?: { forceFetch?: boolean }): Promise<readonly string[]>;
}

type SecretValues = Readonly<Record<string, string>>;

/** Every combination of the rings' values, current values first (rings are newest first). */
function combinations(rings: Readonly<Record<string, readonly string[]>>): SecretValues[] {
  return Object.entries(rings).reduce<SecretValues[]>(
    (sets, [name, ring]) => sets.flatMap((set) => ring.map((value) => ({ ...set, [name]: value }))),
    [{}],
  );
}

export interface NotificationSecretSources {
  readonly facebookAppSecret: SecretSource;
  readonly facebookVerifyToken: SecretSource;
  readonly googlePushToken: SecretSource;
  readonly trustpilotWebhookToken: SecretSource;
}

/** The query parameter of a Trustpilot webhook URL that names its business unit. */
export const TRUSTPILOT_UNIT_PARAMETER = 'businessUnitId';

/** The `token` of a business unit's Trustpilot webhook URL (base64url HMAC-SHA256 of the unit id). */
export const trustpilotWebhookToken = (secret: string, businessUnitId: string): string =>
  createHmac('sha256', secret).update(`trustpilot-webhook:${businessUnitId}`).digest('base64url');

export class SecretNotificationSecrets implements NotificationSecrets {
  constructor(
    private readonly sources: NotificationSecretSources,
    /** The request's query (the Trustpilot URL names its business unit); none outside a request. */
    private readonly query: Readonly<Record<string, string | undefined>> = {},
  ) {}

  /** The same secrets, scoped to one request (its query names the Trustpilot business unit). */
  forRequest(query: Readonly<Record<string, string | undefined>>): SecretNotificationSecrets {
    return new SecretNotificationSecrets(this.sources, query);
  }

  async secretsFor(platform: ConnectedPlatform): Promise<SecretValues> {
    return (await this.candidatesFor(platform))[0] ?? {};
  }

  async candidatesFor(
    platform: ConnectedPlatform,
    options: { forceFetch?: boolean } = {},
  ): Promise<readonly SecretValues[]> {
    const ring = async (source: SecretSource) => {
      const values = (await source.keyRing(options)).filter((v) => v.length > 0);
      return values.length > 0 ? values : [''];
    };
    switch (platform) {
      case 'facebook': {
        const [appSecret, verifyToken] = await Promise.all([
          ring(this.sources.facebookAppSecret),
          ring(this.sources.facebookVerifyToken),
        ]);
        return combinations({ appSecret, verifyToken });
      }
      case 'google':
        return combinations({ [GOOGLE_PUSH_TOKEN_SECRET]: await ring(this.sources.googlePushToken) });
      case 'trustpilot': {
        const unit = this.query[TRUSTPILOT_UNIT_PARAMETER];
        // No unit, no token: the verifier refuses (401) without one.
        if (!unit) return [{}];
        const secrets = await ring(this.sources.trustpilotWebhookToken);
        return secrets.map((secret) => ({
          notificationToken: trustpilotWebhookToken(secret, unit),
          businessUnitId: unit,
        }));
      }
      case 'yelp':
        return [{}];
    }
  }
}
