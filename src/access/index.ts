/** The access capability's public face: suppliers, API keys, review-link tokens, who is calling. */
import { lazyRecord } from '../shared/lazy';
import {
  apiKeyListResponse,
  apiKeyResponse,
  createApiKeyBody,
  createdApiKeyResponse,
} from './domain/api-key-schemas';

export * from './domain/api-keys';
export * from './domain/principal';
export * from './domain/review-token';
export * from './domain/signing-key-set';
export * from './domain/revocation';
export type { KeyRingSource } from './ports';
export * from './use-cases/authorize';
export * from './use-cases/create-supplier';
// API-key lifecycle (issue 9)
export * from './domain/key-lifecycle';
export type { ApiKeyStore, KeyOwner, KeyUseRecorder, NewStoredKey, UsageKeyRegistry } from './ports';
// Usage plans (issue 12, ADR 0036)
export * from './domain/usage-keys';
export * from './key-items';
export * from './use-cases/api-keys';
export type { CreateApiKeyBody } from './domain/api-key-schemas';
/** The route table's schemas for the API-key routes, each built the first time it is read. */
export const apiKeyRoutesSchemas = /* @__PURE__ */ lazyRecord({ createApiKeyBody });
export const apiKeyRoutesResponses = /* @__PURE__ */ lazyRecord({
  apiKey: apiKeyResponse,
  createdApiKey: createdApiKeyResponse,
  apiKeyList: apiKeyListResponse,
});
export * from './use-cases/review-token-keys';
// Day one (issue 11): the platform tenant and the first ops key
export * from './use-cases/bootstrap';
