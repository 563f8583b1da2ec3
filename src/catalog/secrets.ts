/** Secrets, defined once: created (with replicas) by the data stack, read by functions via envVar. */
export type SecretId = 'ReviewTokenKey';

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
];

export function secretDefinition(id: SecretId): SecretDefinition {
  const secret = SECRETS.find((s) => s.id === id);
  if (!secret) throw new Error(`unknown secret ${id}`);
  return secret;
}
