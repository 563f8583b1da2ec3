/** Secrets, defined once: created (with replicas) by the data stack, read by functions via envVar. */
export type SecretId =
  'ReviewTokenKey' | 'GoogleClientSecret' | 'FacebookAppSecret' | 'TrustpilotApiSecret' | 'YelpApiKey';

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
];

export function secretDefinition(id: SecretId): SecretDefinition {
  const secret = SECRETS.find((s) => s.id === id);
  if (!secret) throw new Error(`unknown secret ${id}`);
  return secret;
}
