/**
 * Secrets, defined once: created (with replicas) by the data stack, read by functions via envVar.
 * Each secret's description (deployed with it) is in src/catalog/secret-docs.ts, keyed by the same
 * ids, so that the functions reading a secret do not bundle it (ADR 0022, sixth round).
 */ import { constantCase } from './env-names';

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
  /** How the rotation function rotates it, how often, and why that way (issue 9). */
  readonly rotation: SecretRotation;
}

/**
 * Rotation strategies (issue 9; src/credentials):
 * - `generated-key-set`: a key we generate; the value is a signing key set (src/access
 *   `signing-key-set.ts`): each rotation adds a key and drops those older than `keepKeysForDays`.
 * - `staged-handover`: a value only someone else can issue (a platform) or that is registered
 *   elsewhere: an operator stages it (`npm run cli -- secrets stage <SecretId>`), testSecret proves
 *   it (`proof`), finishSecret promotes it. A scheduled run with nothing staged changes nothing.
 */
export type SecretRotation =
  | {
      readonly kind: 'generated-key-set';
      readonly everyDays: number;
      /** The longest lifetime of anything signed with a key, plus a margin. */
      readonly keepKeysForDays: number;
    }
  | {
      readonly kind: 'staged-handover';
      readonly everyDays: number;
      readonly proof: SecretProof;
    };
// Why each secret rotates as it does is the comment in its `rotation`: nothing reads it at run time,
// so it is not a field every function reading a secret would bundle (ADR 0022, sixth round).

/**
 * How testSecret proves a staged value: against the platform's token endpoint (the client
 * authenticates; see src/credentials/adapters/platform-secret-probe.ts), or by its shape only
 * (a token we hand to the platform: nothing to ask the platform about).
 */
export type SecretProof = 'google-client' | 'facebook-app' | 'trustpilot-api' | 'yelp-api-key' | 'shape';

/** Platform app secrets: only the platform issues them; scheduled runs remind, operators hand over. */
const PLATFORM_APP_ROTATION_DAYS = 90;
/** Notification tokens are ours, but registered at the platform by hand. */
const NOTIFICATION_TOKEN_ROTATION_DAYS = 180;
// Notification tokens, why a hand-over: registered at the platform by hand (app settings, push
// subscription URL, webhook URLs), a value generated on a schedule would stop every notification
// until someone re-registered it, and the readers check the current value only. So the operator
// stages the new value, promotes it, and registers it at the platform at once
// (docs/secret-rotation.md).

const SECRET_SETTINGS: readonly Omit<SecretDefinition, 'envVar'>[] = [
  {
    id: 'ReviewTokenKey',
    rotation: {
      kind: 'generated-key-set',
      everyDays: 30,
      // Review links live at most 180 days (expiresInDays <= 180), plus 7 days' margin.
      keepKeysForDays: 187,
      // Ours alone: generated and rotated automatically. Tokens name their key, and keys are kept
      // longer than the longest link lives, so no link breaks.
    },
  },
  {
    id: 'GoogleClientSecret',
    rotation: {
      kind: 'staged-handover',
      everyDays: PLATFORM_APP_ROTATION_DAYS,
      proof: 'google-client',
      // Only the platform issues it: an operator stages the new value, proven at the platform before
      // it is promoted.
    },
  },
  {
    id: 'FacebookAppSecret',
    rotation: {
      kind: 'staged-handover',
      everyDays: PLATFORM_APP_ROTATION_DAYS,
      proof: 'facebook-app',
      // Only the platform issues it: an operator stages the new value, proven at the platform before
      // it is promoted.
    },
  },
  {
    id: 'TrustpilotApiSecret',
    rotation: {
      kind: 'staged-handover',
      everyDays: PLATFORM_APP_ROTATION_DAYS,
      proof: 'trustpilot-api',
      // Only the platform issues it: an operator stages the new value, proven at the platform before
      // it is promoted.
    },
  },
  {
    id: 'YelpApiKey',
    rotation: {
      kind: 'staged-handover',
      everyDays: PLATFORM_APP_ROTATION_DAYS,
      proof: 'yelp-api-key',
      // Only the platform issues it: an operator stages the new value, proven at the platform before
      // it is promoted.
    },
  },
  // Inbound platform notifications (issue 8). Generated at deploy: copy each value into the
  // platform's settings (docs/platform-notifications.md). Facebook signs with FacebookAppSecret.
  {
    id: 'FacebookVerifyToken',
    rotation: {
      kind: 'staged-handover',
      everyDays: NOTIFICATION_TOKEN_ROTATION_DAYS,
      proof: 'shape',
      // Registered at the platform by hand: a hand-over (see above).
    },
  },
  {
    id: 'GooglePushToken',
    rotation: {
      kind: 'staged-handover',
      everyDays: NOTIFICATION_TOKEN_ROTATION_DAYS,
      proof: 'shape',
      // Registered at the platform by hand: a hand-over (see above).
    },
  },
  {
    id: 'TrustpilotWebhookToken',
    rotation: {
      kind: 'staged-handover',
      everyDays: NOTIFICATION_TOKEN_ROTATION_DAYS,
      proof: 'shape',
      // Registered at the platform by hand: a hand-over (see above).
    },
  },
];

/**
 * The environment variable that carries a secret's id, derived from its catalog id
 * (`ReviewTokenKey` -> `SECRET_ID_REVIEW_TOKEN_KEY`): a function finds its secrets without bundling
 * their rotation settings.
 */
export const secretEnvVar = (id: SecretId): string => `SECRET_ID_${constantCase(id)}`;

// Pure: a bundle that only derives environment variable names drops the settings.
export const SECRETS: readonly SecretDefinition[] = /* @__PURE__ */ SECRET_SETTINGS.map((secret) => ({
  ...secret,
  envVar: secretEnvVar(secret.id),
}));

export function secretDefinition(id: SecretId): SecretDefinition {
  const secret = SECRETS.find((s) => s.id === id);
  if (!secret) throw new Error(`unknown secret ${id}`);
  return secret;
}
