/**
 * What the connect flow and the token provider need beyond the shared contract (ports.ts):
 * the key that wraps data keys, the encrypted token slots beside each connection, the pending
 * authorizations, the platforms' OAuth endpoints and the app credentials.
 */
import type { ConnectedLocation, Connection } from './domain/connection';
import type { EncryptionContext, SealedSecret } from './domain/envelope';
import type { OAuthPlatform, TokenGrant } from './domain/oauth-providers';
import type { CallContext } from './ports';

/** Wraps data keys (KMS GenerateDataKey/Decrypt in AWS; a local key file in the local mode). */
export interface KeyEncryption {
  generateDataKey(
    context: EncryptionContext,
  ): Promise<{ plaintextKey: Uint8Array; encryptedKey: Uint8Array; keyId: string }>;
  /** Throws when the context differs from the one the key was generated with. */
  decryptDataKey(encryptedKey: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}

/** `refresh`: the connection's refresh token (Facebook: its long-lived user token); `page#<id>`: a Page token. */
export type TokenSlot = 'refresh' | `page#${string}`;

/** Sealed token slots stored beside the connection (only ciphertext is ever stored). */
export interface TokenVault {
  load(connectionId: string, slot: TokenSlot): Promise<{ sealed: SealedSecret; version: number } | undefined>;
  /**
   * Writes a slot if its stored version is still `expectedVersion` (0: the slot must not exist);
   * false when another writer got there first. The new version is `expectedVersion + 1`.
   */
  save(
    connectionId: string,
    slot: TokenSlot,
    sealed: SealedSecret,
    expectedVersion: number,
  ): Promise<boolean>;
  /** Deletes every slot of the connection; resolves the number deleted. */
  erase(connectionId: string): Promise<number>;
}

/** What the callback needs back from the start of the flow (kept server-side, never in the URL). */
export interface PendingAuthorization {
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
  /** Epoch seconds: the pending item expires (TTL) if the supplier never comes back. */
  readonly expiresAt: number;
}

/** A location the platform account offers (what the supplier may choose from). */
export interface AvailableLocation {
  readonly locationId: string;
  readonly name?: string;
}

export interface ConnectionLifecycleStore {
  /** Creates a pending connection with its authorization (fails if the id exists). */
  createPending(connection: Connection, pending: PendingAuthorization): Promise<void>;
  /**
   * Consumes the pending authorization once: removes it if the connection is still pending and
   * holds this nonce; undefined otherwise (replayed, unknown or already finished).
   */
  claimAuthorization(connectionId: string, nonce: string): Promise<PendingAuthorization | undefined>;
  /** pending -> active with the account, what it offers and what syncs; false if not pending. */
  activate(
    connectionId: string,
    update: {
      accountId?: string;
      available: readonly AvailableLocation[];
      locations: readonly ConnectedLocation[];
      settings?: Readonly<Record<string, string>>;
      at: string;
    },
  ): Promise<boolean>;
  availableLocations(connectionId: string): Promise<readonly AvailableLocation[]>;
  /**
   * Replaces the connection's settings (the caller merges); false when the connection is gone or
   * disconnected.
   */
  setSettings(connectionId: string, settings: Readonly<Record<string, string>>, at: string): Promise<boolean>;
  /** Replaces the chosen locations of an active connection (cursors of kept ones are kept by the caller). */
  setLocations(connectionId: string, locations: readonly ConnectedLocation[], at: string): Promise<boolean>;
}

/** What a completed authorization yields, per platform. */
export interface AuthorizedAccount {
  readonly grant: TokenGrant;
  readonly accountId?: string;
  readonly locations: readonly (AvailableLocation & { readonly pageToken?: string })[];
}

/** The platforms' OAuth endpoints (errors are PlatformCallError, already classified). */
export interface OAuthClient {
  /** Code -> tokens, then the account's locations (Facebook: long-lived user token, Page tokens). */
  authorize(
    platform: OAuthPlatform,
    input: { code: string; codeVerifier: string; redirectUri: string },
    context: CallContext,
  ): Promise<AuthorizedAccount>;
  refresh(platform: OAuthPlatform, refreshToken: string, context: CallContext): Promise<TokenGrant>;
  /** Revokes the grant where the platform offers it; resolves false where it does not. */
  revoke(platform: OAuthPlatform, token: string, context: CallContext): Promise<boolean>;
}

/** App credentials: client ids are configuration, secrets come from Secrets Manager. */
export interface AppCredentials {
  clientId(platform: OAuthPlatform): string;
  clientSecret(platform: OAuthPlatform): Promise<string>;
  /** Yelp's app API key (Yelp has no OAuth). */
  yelpApiKey(): Promise<string>;
}
