/** The access capability's public face: suppliers, API keys, review-link tokens, who is calling. */
export * from './domain/api-keys';
export * from './domain/principal';
export * from './domain/review-token';
export * from './domain/signing-key-set';
export * from './domain/revocation';
export type { KeyRingSource } from './ports';
export * from './use-cases/authorize';
export * from './use-cases/create-supplier';
export * from './use-cases/review-token-keys';
