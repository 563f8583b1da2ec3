/**
 * What each secret of src/catalog/secrets.ts holds, as deployed in its Secrets Manager description.
 * In its own module, keyed by secret id, so that functions, which read only a secret's id and
 * environment variable, do not bundle this prose (as src/catalog/table-docs.ts does for tables).
 * A secret without a description here does not compile.
 */
import type { SecretId } from './secrets';

export const SECRET_DESCRIPTIONS: Readonly<Record<SecretId, string>> = {
  ReviewTokenKey:
    'Signing key set of review-request link tokens (JSON; tokens name their key), cursors and OAuth state.',
  GoogleClientSecret:
    'Client secret of the Google OAuth client (Business Profile, business.manage); set it after deploy.',
  FacebookAppSecret:
    'App secret of the Facebook app (OAuth code exchange, long-lived tokens); set it after deploy.',
  TrustpilotApiSecret:
    'API secret of the Trustpilot application (business-user OAuth, Basic auth); set it after deploy.',
  YelpApiKey: "The Yelp app's API key (Yelp has no OAuth; sent as a Bearer token); set it after deploy.",
  FacebookVerifyToken:
    "Verify token of the Facebook app's Page webhook: the GET handshake's hub.verify_token must equal it.",
  GooglePushToken:
    'Token in the Pub/Sub push URL of the Business Profile notifications (`...?token=<value>`); pushes without it are refused.',
  TrustpilotWebhookToken:
    'Key of the Trustpilot webhook URLs: each business unit registers `...?businessUnitId=<id>&token=<HMAC of the id>` ' +
    '(Trustpilot signs nothing, so the URL carries the proof).',
};
