/**
 * The API-key routes' body and answer schemas (issue 9), each answer with an id and an example for
 * the API description. The key itself appears in one answer only: the creation's. Each is built on
 * first use, not at load (ADR 0022, twelfth round).
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { KEY_CACHE_SECONDS, MAX_AUTHORIZER_CACHE_SECONDS } from './revocation';
import { MAX_ACTIVE_KEYS, MAX_EXPIRES_IN_DAYS, MIN_EXPIRES_IN_DAYS } from './key-lifecycle';

export const createApiKeyBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      label: z
        .optional(
          z
            .string()
            .check(
              z.trim(),
              z.minLength(1),
              z.maxLength(64),
              z.regex(/^[\p{L}\p{N} ._\-'&()#/:@]+$/u, "letters, digits, spaces and . _ - ' & ( ) # / : @"),
            ),
        )
        .check(z.describe('A name for the key, to tell keys apart (e.g. "booking system, 2026").')),
      expiresInDays: z
        .optional(z.number().check(z.int(), z.gte(MIN_EXPIRES_IN_DAYS), z.lte(MAX_EXPIRES_IN_DAYS)))
        .check(
          z.describe(
            `The key stops working this many days from now (${MIN_EXPIRES_IN_DAYS}-${MAX_EXPIRES_IN_DAYS}); without it, it never expires.`,
          ),
        ),
    })
    .check(
      z.meta({
        id: 'CreateApiKey',
        description: `At most ${MAX_ACTIVE_KEYS} active keys per supplier: enough to rotate without downtime.`,
        examples: [{ label: 'booking system', expiresInDays: 90 }],
      }),
    ),
);
export type CreateApiKeyBody = z.infer<ReturnType<typeof createApiKeyBody>>;

const isoTime = /* @__PURE__ */ lazy(() => z.iso.datetime({ offset: true }));

const keyFields = /* @__PURE__ */ lazy(() => ({
  keyId: z.string().check(z.describe('The key id (not secret): `wsk_<keyId>_<secret>`.')),
  label: z.optional(z.string()),
  createdAt: isoTime(),
  expiresAt: z.optional(isoTime()).check(z.describe('When the key stops working; absent: never.')),
  lastUsedAt: z
    .optional(isoTime())
    .check(z.describe('Last use seen by the authorizer, recorded at most every 5 minutes per key.')),
  revokedAt: z.optional(isoTime()),
  status: z.enum(['active', 'expired', 'revoked']),
}));

const KEY_EXAMPLE = {
  keyId: 'key_01h2a3b4c5d6e7f8g9h0j1k2m3',
  label: 'booking system',
  createdAt: '2026-12-03T11:00:00.000Z',
  expiresAt: '2027-03-03T11:00:00.000Z',
  lastUsedAt: '2026-12-03T11:12:39.123Z',
  status: 'active',
};

const REVOCATION_NOTE =
  `A revoked or expired key is refused within ${KEY_CACHE_SECONDS + 1} s locally and within the ` +
  `authorizer cache TTL plus ${KEY_CACHE_SECONDS} s in AWS (34 s with the default 30 s; at most ` +
  `${MAX_AUTHORIZER_CACHE_SECONDS + KEY_CACHE_SECONDS} s).`;

export const apiKeyResponse = /* @__PURE__ */ lazy(() =>
  z.object(keyFields()).check(
    z.meta({
      id: 'ApiKey',
      description: `An API key (never its secret). ${REVOCATION_NOTE}`,
      examples: [KEY_EXAMPLE],
    }),
  ),
);

export const createdApiKeyResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      ...keyFields(),
      apiKey: z.string().check(z.describe('The key: shown this once, only its hash is stored.')),
    })
    .check(
      z.meta({
        id: 'CreatedApiKey',
        description: 'The new key, with its secret (shown once).',
        examples: [
          {
            keyId: KEY_EXAMPLE.keyId,
            label: KEY_EXAMPLE.label,
            createdAt: KEY_EXAMPLE.createdAt,
            expiresAt: KEY_EXAMPLE.expiresAt,
            status: 'active',
            apiKey: 'wsk_key_01h2a3b4c5d6e7f8g9h0j1k2m3_q2l0mZ8Vd1gTQH6n5rK0o0f3kY7Gk1oQ8nWwS9eVb2c',
          },
        ],
      }),
    ),
);

export const apiKeyListResponse = /* @__PURE__ */ lazy(() =>
  z.object({ items: z.array(apiKeyResponse()) }).check(
    z.meta({
      id: 'ApiKeyList',
      description: 'Every key of the supplier, newest first (revoked and expired ones included).',
      examples: [{ items: [KEY_EXAMPLE] }],
    }),
  ),
);
