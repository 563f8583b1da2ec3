/** Secrets, defined once: created (with replicas) by the data stack, read by functions via envVar. */
export type SecretId =
  | 'ReviewTokenKey'
  | 'GoogleClientSecret'
  | 'FacebookAppSecret'
  | 'TrustpilotApiSecret'
  | 'YelpApiKey'
  // Inbound platform notifications (issue 8)
  | 'FacebookVerifyToken'
  | 'GooglePushToken'
  | 'TrustpilotWebhookToken';

export interface SecretDefinition {
  readonly id: SecretId;
  readonly envVar: string;
  readonly description: string;
}

export const SECRETS: readonly SecretDefinition[] = [
  {
    id: 'ReviewTokenKey',
    envVar: 'SECRET_ID_REVIEW_TOKEN_KEY',
    description:
      'HMAC key that signs review-request link tokens (current and previous versions are accepted).',
  },
  {
    id: 'GoogleClientSecret',
    envVar: 'SECRET_ID_GOOGLE_CLIENT_SECRET',
    description:
      'Client secret of the Google OAuth client (Business Profile, business.manage); set it after deploy.',
  },
  {
    id: 'FacebookAppSecret',
    envVar: 'SECRET_ID_FACEBOOK_APP_SECRET',
    description:
      'App secret of the Facebook app (OAuth code exchange, long-lived tokens); set it after deploy.',
  },
  {
    id: 'TrustpilotApiSecret',
    envVar: 'SECRET_ID_TRUSTPILOT_API_SECRET',
    description:
      'API secret of the Trustpilot application (business-user OAuth, Basic auth); set it after deploy.',
  },
  {
    id: 'YelpApiKey',
    envVar: 'SECRET_ID_YELP_API_KEY',
    description: "The Yelp app's API key (Yelp has no OAuth; sent as a Bearer token); set it after deploy.",
  },
  // Inbound platform notifications (issue 8). Generated at deploy: copy each value into the
  // platform's settings (docs/platform-notifications.md). Facebook signs with FacebookAppSecret.
  {
    id: 'FacebookVerifyToken',
    envVar: 'SECRET_ID_FACEBOOK_VERIFY_TOKEN',
    description:
      "Verify token of the Facebook app's Page webhook: the GET handshake's hub.verify_token must equal it.",
  },
  {
    id: 'GooglePushToken',
    envVar: 'SECRET_ID_GOOGLE_PUSH_TOKEN',
    description:
      'Token in the Pub/Sub push URL of the Business Profile notifications (`...?token=<value>`); pushes without it are refused.',
  },
  {
    id: 'TrustpilotWebhookToken',
    envVar: 'SECRET_ID_TRUSTPILOT_WEBHOOK_TOKEN',
    description:
      'Key of the Trustpilot webhook URLs: each business unit registers `...?businessUnitId=<id>&token=<HMAC of the id>` ' +
      '(Trustpilot signs nothing, so the URL carries the proof).',
  },
];

export function secretDefinition(id: SecretId): SecretDefinition {
  const secret = SECRETS.find((s) => s.id === id);
  if (!secret) throw new Error(`unknown secret ${id}`);
  return secret;
}
