/**
 * The platform apps' credentials: client ids are configuration (not secret), client secrets and
 * Yelp's API key come from Secrets Manager (one catalogued secret per platform app), read through
 * the cached key-ring sources (current version first).
 */
import type { OAuthPlatform } from '../domain/oauth-providers';
import type { AppCredentials } from '../oauth-ports';

interface SecretSource {
  keyRing(): Promise<readonly string[]>;
}

export class SecretAppCredentials implements AppCredentials {
  constructor(
    private readonly clientIds: Readonly<Partial<Record<OAuthPlatform, string>>>,
    private readonly secrets: Readonly<Record<OAuthPlatform | 'yelp', SecretSource>>,
  ) {}

  clientId(platform: OAuthPlatform): string {
    const id = this.clientIds[platform];
    if (!id) throw new Error(`no OAuth client id is configured for ${platform}`);
    return id;
  }

  clientSecret(platform: OAuthPlatform): Promise<string> {
    return this.current(platform);
  }

  yelpApiKey(): Promise<string> {
    return this.current('yelp');
  }

  private async current(id: OAuthPlatform | 'yelp'): Promise<string> {
    const [current] = await this.secrets[id].keyRing();
    if (!current) throw new Error(`the ${id} app secret is empty`);
    return current;
  }
}

/** Parses the `OAuthClientIds` setting: a JSON object of platform -> client id. */
export function parseClientIds(raw: string): Partial<Record<OAuthPlatform, string>> {
  const parsed = JSON.parse(raw) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('OAUTH_CLIENT_IDS must be a JSON object of platform -> client id');
  }
  const ids: Partial<Record<OAuthPlatform, string>> = {};
  for (const platform of ['google', 'facebook', 'trustpilot'] as const) {
    const value = (parsed as Record<string, unknown>)[platform];
    if (typeof value === 'string' && value.length > 0) ids[platform] = value;
  }
  return ids;
}
