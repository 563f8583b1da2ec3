/** The credentials capability (issue 9): Secrets Manager rotation of the catalog's secrets. */
export * from './domain/rotation';
export type { ProofResult, SecretProver, SecretVersionStore } from './ports';
export * from './use-cases/rotate-secret';
export * from './use-cases/stage-secret';
